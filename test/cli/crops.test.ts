/**
 * `retinaface detect --crops DIR` end to end, as a user runs it (the built CLI in a child process):
 * from the JPEG files, each face's aligned crop is written as DIR/<stem>_<i>.png, named in the JSON,
 * and read back it is the original's norm_crop of that face (golden align-<case>-<size>/crops.npy)
 * up to the landmarks' own difference (ours agree with the original's to 0.05 px, which moves a few
 * edge samples by a level or so). Faces without landmarks (--vote) are skipped with the reason on
 * stderr and in the JSON, and the image still succeeds.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { imagesDir, readGolden } from '../helpers/golden.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-crops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli('detect', ...args);

describe('retinaface detect --crops', () => {
  for (const size of [112, 128]) {
    it(`t1, t3, t4 at --crop-size ${size}: DIR/<stem>_<i>.png, named in the JSON, close to crops.npy`, () => {
      const out = join(dir, `crops-${size}`);
      const photos = ['t1', 't3', 't4'];
      const r = cli(...photos.map((p) => join(imagesDir, `${p}.jpg`)), '--crops', out, '--crop-size', String(size), '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const entries = JSON.parse(r.stdout);
      const report: string[] = [];
      photos.forEach((photo, n) => {
        const golden = readGolden(`align-${photo}-${size}`, 'crops.npy');
        const { faces } = entries[n];
        expect(faces.length, photo).toBe(golden.shape[0]);
        const values = size * size * 3;
        let differ = 0;
        let worst = 0;
        faces.forEach((face: { crop: string }, i: number) => {
          expect(face.crop).toBe(join(out, `${photo}_${i}.png`));
          const png = PNG.sync.read(readFileSync(face.crop));
          expect([png.width, png.height]).toEqual([size, size]);
          for (let j = 0; j < values; j++) {
            // PNG pixel j/3 channel j%3 (RGBA) against crops.npy face i (RGB)
            const d = Math.abs(png.data[Math.floor(j / 3) * 4 + (j % 3)] - (golden.data as Uint8Array)[i * values + j]);
            if (d > 0) differ++;
            worst = Math.max(worst, d);
          }
        });
        report.push(`${photo}: ${differ} of ${faces.length * values} values differ, at most ${worst}`);
        expect(worst, photo).toBeLessThanOrEqual(8);
        expect(differ / (faces.length * values), photo).toBeLessThan(0.002);
      });
      console.log(`--crop-size ${size}: ${report.join('; ')}`);
    });
  }

  it('two inputs with one stem, two workers, the text table: <stem>-2_<i>.png for the second, each row names its crop', () => {
    const out = join(dir, 'twice');
    const t4 = join(imagesDir, 't4.jpg');
    const r = cli(t4, t4, '--crops', out, '--jobs', '2', '--target-size', '320', '--max-size', '640');
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').filter((line) => line.startsWith('  '));
    expect(rows.length % 2).toBe(0);
    const perImage = rows.length / 2;
    expect(perImage).toBeGreaterThan(5);
    rows.forEach((row, k) => {
      const stem = k < perImage ? 't4' : 't4-2';
      const path = join(out, `${stem}_${k % perImage}.png`);
      expect(row.endsWith(`  crop ${path}`), row).toBe(true);
      expect(existsSync(path), path).toBe(true);
    });
    expect(readFileSync(join(out, 't4_0.png'))).toEqual(readFileSync(join(out, 't4-2_0.png')));
  });

  it('--vote keeps no landmarks: every crop skipped with the reason on stderr and in the JSON, exit 0', () => {
    const out = join(dir, 'vote');
    const r = cli(join(imagesDir, 't4.jpg'), '--vote', '--crops', out, '--json', '--target-size', '320', '--max-size', '640');
    expect(r.code).toBe(0);
    const [entry] = JSON.parse(r.stdout);
    expect(entry.faces.length).toBeGreaterThan(5);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(entry.faces.length);
    entry.faces.forEach((face: { crop?: string; cropSkipped?: string }, i: number) => {
      expect(face.crop).toBeUndefined();
      expect(face.cropSkipped).toMatch(/no landmarks/);
      expect(lines[i]).toBe(`warning: ${join(imagesDir, 't4.jpg')}: face ${i}: crop skipped: ${face.cropSkipped}`);
    });
    expect(existsSync(join(out, 't4_0.png'))).toBe(false);
  });

  it('a crop size estimate_norm refuses, or --crop-size alone, is a usage error before any work', () => {
    for (const [args, message] of [
      [['--crops', dir, '--crop-size', '100'], /--crop-size: 100 must be a positive multiple of 112 or 128/],
      [['--crop-size', '112'], /--crop-size needs --crops DIR/],
    ] as const) {
      const r = cli(join(imagesDir, 'missing.jpg'), ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
