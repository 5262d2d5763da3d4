/**
 * Aligned crops through the API: `alignFace` from the JPEG file (our decoder gives cv2.imread's
 * pixels) with the golden landmarks equals the golden norm_crop bit for bit; `detect(…, { align })`
 * crops every face it finds with its own landmarks (which agree with the original's to 0.05 px, so
 * its crops are the golden ones but for a few values off by a level or so); degenerate landmarks
 * give `alignError`, never an image.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alignFace, RetinaFace, RetinaFaceError } from '../../src/index.js';
import { alignFaces } from '../../src/detect/align-face.js';
import { estimateNorm } from '../../src/align/face-align.js';
import { decodeImage } from '../../src/image/decode.js';
import { rgbImage } from '../../src/image/rgb-image.js';
import { imagesDir, readGolden } from '../helpers/golden.js';
import { goldenLandmarks } from '../align/golden-align.js';

/** Values of crop i of `align-<case>-<size>/crops.npy` that differ from `pixels`, and the largest difference. */
function cropDiff(caseName: string, size: number, i: number, pixels: Uint8Array) {
  const golden = readGolden(`align-${caseName}-${size}`, 'crops.npy').data as Uint8Array;
  const n = size * size * 3;
  let count = 0;
  let max = 0;
  for (let j = 0; j < n; j++) {
    const d = Math.abs(pixels[j] - golden[i * n + j]);
    if (d > 0) count++;
    max = Math.max(max, d);
  }
  return { count, max };
}

describe('alignFace', () => {
  for (const size of [112, 128]) {
    it(`t1.jpg with the golden landmarks at ${size}: crops.npy bit for bit, from the file`, () => {
      const path = join(imagesDir, 't1.jpg');
      const decoded = decodeImage(readFileSync(path));
      goldenLandmarks('t1').forEach((landmarks, i) => {
        // the first face from the path, the others from the decoded pixels (one decode, not six)
        const face = alignFace(i === 0 ? path : { ...decoded, channels: 3 }, landmarks, { size });
        expect([face.width, face.height, face.pixels.length]).toEqual([size, size, size * size * 3]);
        expect([...face.matrix]).toEqual([...estimateNorm(landmarks, size)]);
        expect(cropDiff('t1', size, i, face.pixels)).toEqual({ count: 0, max: 0 });
      });
    });
  }

  it('bad input is one error line: landmarks, size, image', () => {
    const lm = goldenLandmarks('t1')[0];
    const pixels = { data: new Uint8Array(300), width: 10, height: 10 };
    expect(() => alignFace(pixels, lm.map(() => [1, 1]))).toThrow(expect.objectContaining({ code: 'LANDMARKS' }));
    expect(() => alignFace(pixels, lm, { size: 100 })).toThrow(/option size: 100/);
    expect(() => alignFace(42 as never, lm)).toThrow(/^alignFace: input must be/);
    expect(() => alignFace(join(imagesDir, 'missing.jpg'), lm)).toThrow(RetinaFaceError);
  });
});

describe('detect with align', async () => {
  const detector = await RetinaFace.load();
  afterAll(() => detector.dispose());

  it('t4.jpg, align 112: every face aligned by its own landmarks, within a few levels of the golden crops', async () => {
    const { faces } = await detector.detect(join(imagesDir, 't4.jpg'), { align: 112 });
    const golden = goldenLandmarks('t4');
    expect(faces.length).toBe(golden.length);
    let count = 0;
    let max = 0;
    faces.forEach((face, i) => {
      expect(face.alignError).toBeUndefined();
      expect(face.aligned!.width).toBe(112);
      expect([...face.aligned!.matrix]).toEqual([...estimateNorm(face.landmarks, 112)]);
      const d = cropDiff('t4', 112, i, face.aligned!.pixels);
      count += d.count;
      max = Math.max(max, d.max);
    });
    console.log(`t4 detect→align: ${count} of ${faces.length * 112 * 112 * 3} values differ from crops.npy, by at most ${max}`);
    expect(max).toBeLessThanOrEqual(8);
    expect(count).toBeLessThan(0.002 * faces.length * 112 * 112 * 3);
  });

  it('an align size that estimate_norm refuses fails before the network runs', async () => {
    await expect(detector.detect(join(imagesDir, 't4.jpg'), { align: 100 })).rejects.toThrow(/option align: 100/);
  });
});

describe('alignFaces', () => {
  it('a face without landmarks (bbox_vote) or with degenerate ones gets alignError, the others aligned', () => {
    const image = rgbImage(200, 200);
    const box: [number, number, number, number] = [0, 0, 50, 50];
    const ok = goldenLandmarks('t4')[0].map(([x, y]) => [x - 250, y - 100] as [number, number]);
    const [voted, equal, good] = alignFaces(image, [
      { box, score: 0.9, landmarks: [] },
      { box, score: 0.8, landmarks: ok.map(() => [5, 5]) },
      { box, score: 0.7, landmarks: ok },
    ], 112);
    expect(voted.alignError).toMatch(/no landmarks/);
    expect(equal.alignError).toMatch(/^landmarks: .*all equal/);
    expect(voted.aligned ?? equal.aligned).toBeUndefined();
    expect(good.aligned?.pixels.length).toBe(112 * 112 * 3);
  });
});
