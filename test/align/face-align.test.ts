/**
 * InsightFace's norm_crop against the golden `align-<case>-<size>` (shared/golden/README.md,
 * "Five-point alignment"): from `heads-<case>/pixels.npy` and the golden landmarks, the transform
 * M to 1e-9 and the crops bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { estimateNorm, normCrop } from '../../src/align/face-align.js';
import { rgbImage } from '../../src/image/rgb-image.js';
import { RetinaFaceError } from '../../src/errors.js';
import { expectTensorClose, readGolden } from '../helpers/golden.js';
import { goldenLandmarks } from './golden-align.js';

function goldenPixels(caseName: string) {
  const { shape, data } = readGolden(`heads-${caseName}`, 'pixels.npy');
  return rgbImage(shape[1], shape[0], data as Uint8Array);
}

describe.each(['t1', 't3', 't4'])('align-%s', (caseName) => {
  const landmarks = goldenLandmarks(caseName);
  const image = goldenPixels(caseName);

  describe.each([112, 128])('size %i', (size) => {
    const dir = `align-${caseName}-${size}`;

    it('M.npy: estimate_norm within 1e-9 relative', () => {
      const golden = readGolden(dir, 'M.npy');
      if (golden.dtype !== '<f8') throw new Error(`${dir}/M.npy: expected <f8, got ${golden.dtype}`);
      const ours = landmarks.flatMap((l) => estimateNorm(l, size));
      expectTensorClose(`${dir}/M.npy`, { shape: [landmarks.length, 2, 3], data: ours }, golden, 1e-9);
      // and element by element, relative to each value itself (the small rotation terms too)
      const worst = Math.max(...ours.map((v, i) => Math.abs(v - golden.data[i]) / Math.abs(golden.data[i])));
      expect(worst).toBeLessThanOrEqual(1e-9);
    });

    it('crops.npy: norm_crop bit for bit', () => {
      const golden = readGolden(dir, 'crops.npy');
      expect(golden.shape).toEqual([landmarks.length, size, size, 3]);
      const n = size * size * 3;
      landmarks.forEach((l, i) => {
        const { pixels, width, height } = normCrop(image, l, size);
        expect([width, height]).toEqual([size, size]);
        const ref = (golden.data as Uint8Array).subarray(i * n, (i + 1) * n);
        const diffs: string[] = [];
        for (let j = 0; j < n; j++) {
          if (pixels[j] !== ref[j]) diffs.push(`(y ${Math.floor(j / 3 / size)}, x ${Math.floor(j / 3) % size}, c ${j % 3}) ours ${pixels[j]} golden ${ref[j]}`);
        }
        expect(diffs.length, `face ${i}: ${diffs.length} values differ, first: ${diffs.slice(0, 5).join('; ')}`).toBe(0);
      });
    });
  });
});

describe('landmarks that admit no alignment', () => {
  const good = goldenLandmarks('t1')[0];
  const image = rgbImage(64, 64);
  const cases: [string, [number, number][], RegExp][] = [
    ['all five equal', good.map(() => [10, 20]), /all equal/],
    ['collinear', good.map((_, k) => [10 + 3 * k, 20 + 2 * k]), /collinear/],
    ['a NaN', good.map((p, k) => (k === 2 ? [Number.NaN, p[1]] : p)), /point 2 .*not finite/],
    ['an infinity', good.map((p, k) => (k === 4 ? [p[0], Infinity] : p)), /point 4 .*not finite/],
    ['beyond float32', good.map((p, k) => (k === 0 ? [1e39, p[1]] : p)), /point 0 .*not finite/],
    ['four points', good.slice(0, 4), /five \[x, y\] points/],
  ];
  for (const [name, landmarks, message] of cases) {
    it(`${name}: one LANDMARKS error line, no image`, () => {
      let err: unknown;
      try { normCrop(image, landmarks, 112); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(RetinaFaceError);
      expect((err as RetinaFaceError).code).toBe('LANDMARKS');
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }

  it('a crop size that is no multiple of 112 or 128 is an OPTION error', () => {
    for (const size of [100, 0, -112, 112.5]) {
      expect(() => normCrop(image, good, size)).toThrow(/option size: .* multiple of 112 or 128/);
    }
  });

  it('nearly collinear but of full rank still aligns, to finite values', () => {
    const lm = good.map(([x, y], k) => [x, y + (k === 2 ? 0.01 : 0)] as [number, number]).map(([x], k) => [x, 100 + 0.5 * x + (k === 2 ? 0.05 : 0)] as [number, number]);
    const { matrix, pixels } = normCrop(image, lm, 112);
    expect(matrix.every(Number.isFinite)).toBe(true);
    expect(pixels.length).toBe(112 * 112 * 3);
  });
});
