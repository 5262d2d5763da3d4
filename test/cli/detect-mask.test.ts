/**
 * `retinaface detect` with the mask model (mnet_cov2), as a user runs it (the built CLI): `--model`
 * given as the `-symbol.json` path, the model's own defaults (threshold 0.8, 640 / 1080), `"mask"`
 * per face in the JSON against the golden mask scores, the table's mask column, `--out` drawing a
 * masked face (mask ≥ --mask-threshold, default 0.2) in orange, and the new flags' usage errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { MASKED_COLOUR } from '../../src/image/draw.js';
import { readGoldenF32, repoRoot, sharedDir } from '../helpers/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-mask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SYMBOL = join(sharedDir, 'models/mnet_cov2/mnet_cov2-symbol.json');
const IMAGE = join(sharedDir, 'images/mask/maksssksksss5.png');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'detect', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Pixels of exactly this colour in a PNG. */
function count(png: PNG, rgb: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) if (png.data[i] === rgb[0] && png.data[i + 1] === rgb[1] && png.data[i + 2] === rgb[2]) n++;
  return n;
}

describe('retinaface detect --model mnet_cov2-symbol.json', () => {
  it('JSON faces carry "mask" (golden cov2-heads-maksssksksss5); --out draws masked faces in orange, the threshold from the flag', () => {
    const out = join(dir, 'out');
    const r = cli(IMAGE, '--model', SYMBOL, '--json', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const [entry] = JSON.parse(r.stdout);
    const golden = readGoldenF32('cov2-heads-maksssksksss5', 'faces.npy').data;
    expect(entry.faces).toHaveLength(golden.length / 6);
    entry.faces.forEach((face: { score: number; mask: number }, i: number) => {
      expect(face.score).toBeCloseTo(golden[i * 6 + 4], 4);
      expect(face.mask).toBeCloseTo(golden[i * 6 + 5], 4);
    });
    const orange = count(PNG.sync.read(readFileSync(join(out, 'maksssksksss5.png'))), MASKED_COLOUR);
    expect(orange, 'two faces of five are masked at 0.2').toBeGreaterThan(0);
    const strict = join(dir, 'strict');
    expect(cli(IMAGE, '--model', SYMBOL, '--out', strict, '--mask-threshold', '0.999').code).toBe(0);
    expect(count(PNG.sync.read(readFileSync(join(strict, 'maksssksksss5.png'))), MASKED_COLOUR), 'no face reaches 0.999').toBe(0);
  });

  it('the table shows the mask column', () => {
    const r = cli(IMAGE, '--model', SYMBOL);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/maksssksksss5\.png: 400x266, 5 faces/);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}0\.\d{4} {2}box [\d.,]+ {2}mask 0\.\d{4} {2}landmarks( [\d.]+,[\d.]+){5}$/);
  });

  it('bad --mask-threshold and --descriptor are usage errors (exit 2), before the model loads', () => {
    for (const [args, message] of [
      [['--mask-threshold', '2'], /--mask-threshold must be in \[0, 1\], got 2/],
      [['--descriptor', 'mnet.50'], /--descriptor must be one of mnet\.25, mnet_cov2, got 'mnet\.50'/],
    ] as const) {
      const r = cli('missing.png', ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
