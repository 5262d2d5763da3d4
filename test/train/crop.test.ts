import { describe, expect, it } from 'vitest';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { cropInput, cropSample, randomCropSample } from '../../src/train/crop.js';
import { TRAIN_CONFIG } from '../../src/train/config.js';
import { flipSample } from '../../src/train/flip.js';
import type { GroundTruth } from '../../src/train/ground-truth.js';
import { rng } from '../../src/train/rng.js';
import { expectTensorClose, readGoldenF32, readGoldenU8, readManifest } from '../helpers/golden.js';

/**
 * The golden crops start from cv2.imread of t1.jpg: the decoded pixels the golden set stores
 * (heads-t1/pixels.npy), so that these tests check the crop alone (our decoder gives the same
 * pixels: test/image/decode-golden.test.ts; train-targets-cli.test.ts crops from the JPEG).
 */
function t1(): RgbImage {
  const pixels = readGoldenU8('heads-t1', 'pixels.npy');
  return rgbImage(pixels.shape[1], pixels.shape[0], pixels.data);
}

function groundTruth(caseName: string): GroundTruth {
  return { boxes: readGoldenF32(caseName, 'gt_boxes_in.npy').data, landmarks: readGoldenF32(caseName, 'gt_landmarks_in.npy').data };
}

describe('get_crop_image1', () => {
  for (const caseName of ['train-crop-t1-s1.0', 'train-crop-t1-s0.6']) {
    it(`${caseName}: crop pixels, im_scale, kept boxes and landmarks (missing markers scaled and shifted)`, () => {
      const m = readManifest(caseName);
      const crop = cropSample(t1(), groundTruth(caseName), { preScale: m.pre_scale, up: m.up, left: m.left });
      expectTensorClose(`${caseName}/crop`, cropInput(crop), readGoldenF32(caseName, 'crop.npy'), 0);
      expect(Math.fround(crop.imScale)).toBe(readGoldenF32(caseName, 'im_scale.npy').data[0]);
      const boxes = readGoldenF32(caseName, 'boxes.npy');
      expectTensorClose(`${caseName}/boxes`, { shape: [crop.boxes.length / 4, 4], data: crop.boxes }, boxes, 0);
      const landmarks = readGoldenF32(caseName, 'landmarks.npy');
      expectTensorClose(`${caseName}/landmarks`, { shape: [crop.landmarks.length / 15, 5, 3], data: crop.landmarks }, landmarks, 0);
    });
  }

  it('rejects a window that does not fit the rescaled image, naming the ranges', () => {
    expect(() => cropSample(t1(), groundTruth('train-crop-t1-s1.0'), { preScale: 1, up: 1, left: 0 })).toThrow(/up 0\.\.0, left 0\.\.285/);
  });
});

describe('flip (append_flipped_images)', () => {
  it('is its own inverse on t1 and its ground truth (to float32 rounding), missing-landmark markers included (-1 -> W -> -1)', () => {
    const image = t1();
    const gt = groundTruth('train-crop-t1-s1.0');
    const once = flipSample(image, gt);
    const twice = flipSample(once.image, once.gt);
    expect(Buffer.compare(Buffer.from(twice.image.data), Buffer.from(image.data))).toBe(0);
    // each numpy step rounds to float32: two ulps at coordinates below 2048
    expectTensorClose('boxes flipped twice', { shape: [gt.boxes.length], data: twice.gt.boxes }, { shape: [gt.boxes.length], data: gt.boxes }, 2.5e-4 / 2048);
    expectTensorClose('landmarks flipped twice', { shape: [gt.landmarks.length], data: twice.gt.landmarks }, { shape: [gt.landmarks.length], data: gt.landmarks }, 2.5e-4 / 2048);
    // the face with missing landmarks: every marker x lands on W, y and the flag stay -1
    const missing = Array.from({ length: gt.boxes.length / 4 }, (_, i) => i).find((i) => gt.landmarks[i * 15 + 2] < 0)!;
    expect(Array.from(once.gt.landmarks.subarray(missing * 15, missing * 15 + 15))).toEqual([0, 1, 2, 3, 4].flatMap(() => [image.width, -1, -1]));
  });

  it('mirrors boxes (+1 convention), landmarks (markers too) and swaps the points [1, 0, 2, 4, 3]', () => {
    const image = rgbImage(4, 1, new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]));
    const landmarks = new Float32Array(30).fill(-1);
    landmarks.set([0, 0, 1, 1, 0, 1, 2, 0, 1, 3, 0, 0, 2.5, 0, 1]);
    const { image: flipped, gt } = flipSample(image, { boxes: new Float32Array([0, 0, 1, 0, 1.5, 0, 3, 0]), landmarks });
    expect(Array.from(flipped.data)).toEqual([4, 4, 4, 3, 3, 3, 2, 2, 2, 1, 1, 1]);
    expect(Array.from(gt.boxes)).toEqual([2, 0, 3, 0, 0, 0, 1.5, 0]);
    expect(Array.from(gt.landmarks.subarray(0, 15))).toEqual([2, 0, 1, 3, 0, 1, 1, 0, 1, 0.5, 0, 1, 0, 0, 0]);
    expect(Array.from(gt.landmarks.subarray(15, 18))).toEqual([4, -1, -1]);
  });
});

describe('randomCropSample', () => {
  const gt = groundTruth('train-crop-t1-s1.0');

  it('is reproducible from its seed', () => {
    const a = randomCropSample(t1(), gt, 7, { colorJitter: true });
    const b = randomCropSample(t1(), gt, 7, { colorJitter: true });
    expect([b.preScale, b.up, b.left, b.brightness]).toEqual([a.preScale, a.up, a.left, a.brightness]);
    expect(Buffer.compare(Buffer.from(a.image.data), Buffer.from(b.image.data))).toBe(0);
    expect(Array.from(b.boxes)).toEqual(Array.from(a.boxes));
  });

  it('draws differently for different seeds, from PRE_SCALES, and matches cropSample at its draws', () => {
    const draws = [1, 2, 3, 4, 5, 6].map((seed) => randomCropSample(t1(), gt, seed, { colorJitter: true }));
    expect(new Set(draws.map((d) => `${d.preScale} ${d.up} ${d.left} ${d.brightness}`)).size).toBe(draws.length);
    for (const d of draws) {
      expect([0.3, 0.45, 0.6, 0.8, 1.0]).toContain(d.preScale);
      expect(Math.abs(d.brightness - 1)).toBeLessThanOrEqual(0.125);
      const again = cropSample(t1(), gt, d);
      expect(Array.from(again.boxes)).toEqual(Array.from(d.boxes));
    }
  });

  it('tries up to 25 windows (LIMIT), keeping the first that holds a face centre, else the 25th', () => {
    const image = t1();
    const seed = 21;
    // replay the draws of get_crop_image1: random.choice(PRE_SCALES), then (up, left) pairs
    const replay = rng(seed);
    const preScale = replay.choice(TRAIN_CONFIG.PRE_SCALES);
    const size = Math.trunc(Math.min(image.height, image.width) * preScale);
    const DH = Math.round(image.height * (640 / size));
    const DW = Math.round(image.width * (640 / size));
    const windows = Array.from({ length: TRAIN_CONFIG.CROP_RETRIES }, () => [replay.randint(0, DH - 640 + 1), replay.randint(0, DW - 640 + 1)]);

    const none = randomCropSample(image, { boxes: new Float32Array(0), landmarks: new Float32Array(0) }, seed);
    expect([none.preScale, none.up, none.left, none.boxes.length]).toEqual([preScale, ...windows[24], 0]);

    // one small face the first window misses: the crop is the first window whose centre test passes
    const [up, left] = windows[0];
    const centre = [left + 700 < DW ? left + 660 : left - 30, up];
    const box = Float32Array.from([centre[0] - 2, centre[1] - 2, centre[0] + 2, centre[1] + 2].map((v) => v / (640 / size)));
    const hit = windows.findIndex(([u, l]) => centre[0] >= l + 1 && centre[0] < l + 639 && centre[1] >= u + 1 && centre[1] < u + 639);
    expect(hit).toBeGreaterThan(0);
    const one = randomCropSample(image, { boxes: box, landmarks: new Float32Array(15).fill(-1) }, seed);
    expect([one.up, one.left, one.boxes.length]).toEqual([...windows[hit], 4]);
  });

  it('without colorJitter: brightness 1 and the network input is the crop as float32', () => {
    const d = randomCropSample(t1(), gt, 3);
    expect(d.brightness).toBe(1);
    expect(Array.from(cropInput(d).data.subarray(0, 640))).toEqual(Array.from({ length: 640 }, (_, x) => d.image.data[x * 3]));
  });

  it('brightness_aug: every value of the input times float32(1 + u), above 255 when u > 0 (no clipping)', () => {
    const image = t1();
    let d = randomCropSample(image, gt, 0, { colorJitter: true });
    for (let seed = 1; d.brightness <= 1; seed++) d = randomCropSample(image, gt, seed, { colorJitter: true });
    const plain = cropInput({ ...d, brightness: 1 });
    const jittered = cropInput(d);
    const alpha = Math.fround(d.brightness);
    let worst = 0;
    for (let i = 0; i < plain.data.length; i++) worst = Math.max(worst, Math.abs(jittered.data[i] - Math.fround(plain.data[i] * alpha)));
    expect(worst).toBe(0);
    expect(jittered.data.some((v) => v > 255)).toBe(true);
  });
});
