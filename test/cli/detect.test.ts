/**
 * `retinaface detect` as a user runs it: the built CLI in a child process (exit codes, stdout and
 * stderr as they are), on a batch that mixes good photos and bad files, and on bad options.
 * The faces are checked against the original's detections (golden heads-t1) as detect-golden.test.ts
 * checks the API from the JPEG: our decoder gives cv2.imread's pixels, so to 0.05 px.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { imagesDir, repoRoot } from '../helpers/golden.js';
import { runCli } from '../helpers/cli.js';
import { expectSameFaces, readGoldenFaces } from '../detect/golden-faces.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli('detect', ...args);

describe('retinaface detect', () => {
  it('a batch: every file gets its entry in order, bad ones as one-line errors, exit 1', () => {
    const text = join(dir, 'notes.jpg');
    writeFileSync(text, 'these are not pixels\n');
    const missing = join(dir, 'missing.png');
    const t1 = join(imagesDir, 't1.jpg');
    const out = join(dir, 'out');
    const sample = join(repoRoot, 'samples/astronaut.png');
    const r = cli(text, t1, missing, t1, sample, '--json', '--out', out);
    expect(r.code).toBe(1);
    const entries = JSON.parse(r.stdout);
    expect(entries.map((e: { file: string }) => e.file)).toEqual([text, t1, missing, t1, sample]);
    expect(entries[0].error).toMatch(/notes\.jpg: not an image/);
    expect(entries[2].error).toMatch(/missing\.png: cannot read \(ENOENT\)/);
    for (const e of [entries[1], entries[3]]) {
      expect([e.width, e.height, e.backend]).toEqual([1280, 886, 'wasm']);
      expect(e.kernel).toMatch(/^wasm-simd128( ×\d threads)? \+ reference Reshape$/);
      expectSameFaces('t1.jpg via the CLI', e.faces, readGoldenFaces('heads-t1'), { px: 0.05, minIou: 0.999, score: 1e-4 });
    }
    expect(entries[3].faces).toEqual(entries[1].faces);
    const errors = r.stderr.trim().split('\n');
    expect(errors).toEqual([`error: ${entries[0].error}`, `error: ${entries[2].error}`]);
    // one annotated picture per good input, a JPEG for a JPEG and a PNG for a PNG, the second t1 under its own name
    for (const name of ['t1.jpg', 't1-2.jpg']) {
      const jpeg = decodeImage(new Uint8Array(readFileSync(join(out, name))), { where: name });
      expect([jpeg.width, jpeg.height]).toEqual([1280, 886]);
    }
    const png = PNG.sync.read(readFileSync(join(out, 'astronaut.png')));
    expect([png.width, png.height]).toEqual([512, 512]);
    expect(entries[4].faces).toHaveLength(1);
  });

  it('prints a table without --json, exit 0 when every file worked', () => {
    const r = cli(join(imagesDir, 't1.jpg'), '--threshold', '0.9');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/t1\.jpg: 1280x886, 6 faces \(wasm wasm-simd128( ×\d threads)? \+ reference Reshape, \d+ ms\)/);
    expect(lines.slice(1)).toHaveLength(6);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}0\.99\d\d {2}box [\d.,]+ {2}landmarks( [\d.]+,[\d.]+){5}$/);
  });

  it('bad options are usage errors (exit 2) naming the flag, before any image is read', () => {
    for (const [args, message] of [
      [['--threshold', '1.5'], /--threshold: 1\.5 must be in \[0, 1\]/],
      [['--nms', '0'], /--nms: 0 must be in \(0, 1\]/],
      [['--scales', '0.5,-1'], /--scales: .* positive/],
      [['--scales', '1,x'], /--scales must be a comma-separated list of numbers/],
      [['--backend', 'tpu'], /--backend must be one of cpu, wasm, gpujs, gpujs-webasm, gpujs-headlessgl, gpujs-webgl2, got 'tpu'/],
      [['--threads', '0'], /--threads must be a whole number from 1 to 9, got 0/],
      [['--frobnicate'], /unknown option --frobnicate/],
      [[], /no image given/],
    ] as const) {
      const r = cli(...args, ...(args.length > 0 ? ['missing.jpg'] : []));
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
    }
  });

  it('a scale that would pass the pixel limit is refused for that image, with the sizes', () => {
    const r = cli(join(imagesDir, 't4.jpg'), '--scales', '40', '--json', '--backend', 'cpu');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)[0].error).toMatch(/scale 40: the 640x360 image would become 25600x14400, over the limit of 50\.0 MP/);
  });
});
