/**
 * Horizontal flip of a training image and its faces (`IMDB.append_flipped_images`, rcnn/dataset/imdb.py,
 * with the `im[:, ::-1, :]` of `get_crop_image1`). Legend: W image width, N faces, 5 landmark points
 * (left eye, right eye, nose, left and right mouth corner), each (x, y, flag).
 *
 * Pixel column x moves to W − 1 − x, so with the +1 convention a box becomes
 * x1' = W − x2 − 1, x2' = W − x1 − 1, and a landmark x' = −x + (W − 1). The original applies that to
 * every landmark, the −1 markers of missing ones included (they become W; their flag stays −1). The
 * mirror image of a left eye is a right eye, so the points are reordered [1, 0, 2, 4, 3]. Coordinates
 * are float32 and each numpy step rounds: (W − x2) then − 1; −x then + (W − 1).
 */
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import type { GroundTruth } from './ground-truth.js';

const f = Math.fround;

/** Which point of the unflipped face lands at each position of the flipped one. */
const FLIP_ORDER = [1, 0, 2, 4, 3];

/** `append_flipped_images` (rcnn/dataset/imdb.py) for one image: the image and its faces mirrored. */
export function flipSample(image: RgbImage, gt: GroundTruth): { image: RgbImage; gt: GroundTruth } {
  const W = image.width;
  const flipped = rgbImage(W, image.height);
  // pixel (y, x) of the result is pixel (y, W − 1 − x) of the input
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < W; x++) {
      const from = (y * W + (W - 1 - x)) * 3;
      flipped.data.set(image.data.subarray(from, from + 3), (y * W + x) * 3);
    }
  }
  const n = gt.boxes.length / 4;
  const boxes = new Float32Array(gt.boxes);
  const landmarks = new Float32Array(n * 15);
  // face i
  for (let i = 0; i < n; i++) {
    boxes[i * 4] = f(f(W - gt.boxes[i * 4 + 2]) - 1);
    boxes[i * 4 + 2] = f(f(W - gt.boxes[i * 4]) - 1);
    // point p of the flipped face comes from point FLIP_ORDER[p]
    for (let p = 0; p < 5; p++) {
      const from = (i * 5 + FLIP_ORDER[p]) * 3;
      const to = (i * 5 + p) * 3;
      landmarks[to] = f(-gt.landmarks[from] + (W - 1));
      landmarks[to + 1] = gt.landmarks[from + 1];
      landmarks[to + 2] = gt.landmarks[from + 2];
    }
  }
  return { image: flipped, gt: { boxes, landmarks } };
}
