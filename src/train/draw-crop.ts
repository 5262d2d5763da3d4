/**
 * The picture of one training sample (what the original's loader writes to ./trainimages/ while
 * debugging, plus the anchors): the crop, the anchors labelled positive (thin orange outlines, drawn
 * first so the faces stay on top), each kept face's box (green) and its five landmarks (dots in the
 * landmark colours of detect's drawing). Faces whose landmarks are missing (flag of the first point
 * < 0, as the original tests) get no dots. The colour jitter is not shown: it is a factor on the
 * network input, not a change of the crop.
 */
import { BOX_COLOUR, LANDMARK_COLOURS, drawDot, encodePng, strokeRect, type Rgb } from '../image/draw.js';
import type { CropSample } from './crop.js';

const ANCHOR_COLOUR: Rgb = [255, 128, 0];

/**
 * @param anchors (P, 4) the positive anchors in crop pixels (positiveAnchors)
 * @returns PNG bytes
 */
export function drawTrainingCrop(crop: CropSample, anchors: Float32Array): Uint8Array {
  const img = { width: crop.image.width, height: crop.image.height, data: crop.image.data.slice() };
  const rounded = (boxes: Float32Array, i: number) => Array.from(boxes.subarray(i * 4, i * 4 + 4), Math.round);
  for (let i = 0; i < anchors.length / 4; i++) {
    const [x1, y1, x2, y2] = rounded(anchors, i);
    strokeRect(img, x1, y1, x2, y2, ANCHOR_COLOUR, 1);
  }
  // face i: its box, then its landmarks unless they are missing
  for (let i = 0; i < crop.boxes.length / 4; i++) {
    const [x1, y1, x2, y2] = rounded(crop.boxes, i);
    strokeRect(img, x1, y1, x2, y2, BOX_COLOUR, 2);
    if (crop.landmarks[i * 15 + 2] < 0) continue;
    for (let p = 0; p < 5; p++) {
      drawDot(img, Math.round(crop.landmarks[(i * 5 + p) * 3]), Math.round(crop.landmarks[(i * 5 + p) * 3 + 1]), 2, LANDMARK_COLOURS[p]);
    }
  }
  return encodePng(img);
}
