import { describe, expect, it } from 'vitest';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { cropInput, cropSample, randomCropSample } from '../../src/train/crop.js';
import { flipSample } from '../../src/train/flip.js';
import type { GroundTruth } from '../../src/train/ground-truth.js';
import { expectTensorClose, readManifest } from '../helpers/golden.js';
import { goldenF32, goldenU8 } from './golden-arrays.js';

/**
 * The golden crops start from cv2.imread of t1.jpg; our JPEG decoder differs from libjpeg by a level
 * here and there, so the photo is the decoded pixels the golden set stores (heads-t1/pixels.npy).
 */
function t1(): RgbImage {
  const pixels = goldenU8('heads-t1', 'pixels.npy');
  return rgbImage(pixels.shape[1], pixels.shape[0], pixels.data);
}

function groundTruth(caseName: string): GroundTruth {
  return { boxes: goldenF32(caseName, 'gt_boxes_in.npy').data, landmarks: goldenF32(caseName, 'gt_landmarks_in.npy').data };
}

describe('get_crop_image1', () => {
  for (const caseName of ['train-crop-t1-s1.0', 'train-crop-t1-s0.6']) {
    it(`${caseName}: crop pixels, im_scale, kept boxes and landmarks (missing markers scaled and shifted)`, () => {
      const m = readManifest(caseName);
      const crop = cropSample(t1(), groundTruth(caseName), { preScale: m.pre_scale, up: m.up, left: m.left });
      expectTensorClose(`${caseName}/crop`, cropInput(crop), goldenF32(caseName, 'crop.npy'), 0);
      expect(Math.fround(crop.imScale)).toBe(goldenF32(caseName, 'im_scale.npy').data[0]);
      const boxes = goldenF32(caseName, 'boxes.npy');
      expectTensorClose(`${caseName}/boxes`, { shape: [crop.boxes.length / 4, 4], data: crop.boxes }, boxes, 0);
      const landmarks = goldenF32(caseName, 'landmarks.npy');
      expectTensorClose(`${caseName}/landmarks`, { shape: [crop.landmarks.length / 15, 5, 3], data: crop.landmarks }, landmarks, 0);
    });
  }

  it('rejects a window that does not fit the rescaled image, naming the ranges', () => {
    expect(() => cropSample(t1(), groundTruth('train-crop-t1-s1.0'), { preScale: 1, up: 1, left: 0 })).toThrow(/up 0\.\.0, left 0\.\.285/);
  });
});

describe('flip (append_flipped_images)', () => {
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

  it('jitters brightness in the network input only, in float32, unclipped', () => {
    const d = randomCropSample(t1(), gt, 3, { colorJitter: true });
    const plain = cropInput({ ...d, brightness: 1 });
    const jittered = cropInput(d);
    const i = plain.data.indexOf(255);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(jittered.data[i]).toBe(Math.fround(255 * Math.fround(d.brightness)));
  });
});
