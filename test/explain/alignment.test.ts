/**
 * The explain report's alignment figures from the golden landmarks of t1: aligned.png holds the
 * golden norm_crop crops (align-t1-112/crops.npy) bit for bit, the landmarks carried by M land
 * within a few pixels of ArcFace's reference points, and a face whose landmarks cannot be aligned is listed with its
 * reason and left out of the figures.
 */
import { describe, expect, it } from 'vitest';
import { alignmentStory } from '../../src/explain/alignment.js';
import { rgbImage } from '../../src/image/rgb-image.js';
import type { Face } from '../../src/detect/detect.js';
import { readGolden } from '../helpers/golden.js';
import { goldenLandmarks } from '../align/golden-align.js';

describe('alignmentStory', () => {
  it('t1 golden landmarks: the strip holds crops.npy, residuals small, a degenerate face skipped', () => {
    const px = readGolden('heads-t1', 'pixels.npy');
    const image = rgbImage(px.shape[1], px.shape[0], px.data as Uint8Array);
    const faces: Face[] = goldenLandmarks('t1').map((landmarks) => ({ box: [0, 0, 1, 1], score: 1, landmarks }));
    const count = faces.length;
    faces.splice(2, 0, { box: [0, 0, 1, 1], score: 1, landmarks: faces[0].landmarks.map(() => [7, 7]) });
    const story = alignmentStory(image, faces);
    expect(story.faces[2].alignError).toMatch(/all equal/);
    expect(story.faces.filter((f) => f.aligned).length).toBe(count);
    // t1's faces turn a little: the fit leaves 1.8 to 7.7 px between landmarks and reference in a 112 crop
    for (const f of story.faces) if (f.residual !== undefined) expect(f.residual).toBeLessThan(10);

    const [plain] = story.figures;
    const golden = readGolden('align-t1-112', 'crops.npy').data as Uint8Array;
    expect([plain.png.width, plain.png.height]).toEqual([count * 120 + 8, 128]);
    let differ = 0;
    for (let n = 0; n < count; n++) {
      for (let y = 0; y < 112; y++) {
        for (let x = 0; x < 112; x++) {
          for (let c = 0; c < 3; c++) {
            if (plain.png.data[((8 + y) * plain.png.width + 8 + n * 120 + x) * 3 + c] !== golden[((n * 112 + y) * 112 + x) * 3 + c]) differ++;
          }
        }
      }
    }
    expect(differ).toBe(0);
  });
});
