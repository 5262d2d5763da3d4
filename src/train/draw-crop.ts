/**
 * The picture of one training sample (what the original's loader writes to ./trainimages/ while
 * debugging, plus the anchors): the crop, then the anchors labelled positive as 1-pixel outlines, one
 * colour per stride (drawn first so the faces stay on top), then each kept face's box with its five
 * landmarks as dots in the landmark colours of detect's drawing. A face whose landmarks are missing
 * (flag of its first point < 0, the original's test) gets a white box and no dots: its anchors learn
 * the box but have landmark weight 0. A legend in the bottom-left corner shows each stride's number
 * on its anchor colour. The colour jitter is not shown: it is a factor on the network input, not a
 * change of the crop.
 */
import { RetinaFaceError } from '../errors.js';
import { BOX_COLOUR, LANDMARK_COLOURS, drawDot, drawText, fillRect, strokeRect, textSize, type Rgb } from '../image/draw.js';
import { encodePng } from '../image/encode.js';
import type { CropSample } from './crop.js';

/** Box colour of a kept face whose landmarks are missing. */
export const NO_LANDMARKS_COLOUR: Rgb = [255, 255, 255];

/** Outline colour of a positive anchor, by stride (amber, pink, violet: apart from the landmark colours). */
export const ANCHOR_COLOURS: ReadonlyMap<number, Rgb> = new Map<number, Rgb>([
  [32, [255, 160, 0]],
  [16, [255, 64, 160]],
  [8, [150, 100, 255]],
]);

/**
 * @param anchors the positive anchors per stride, in crop pixels (positiveAnchors)
 * @returns PNG bytes
 */
export function drawTrainingCrop(crop: CropSample, anchors: readonly { stride: number; boxes: Float32Array }[]): Uint8Array {
  const img = { width: crop.image.width, height: crop.image.height, data: crop.image.data.slice() };
  const rounded = (boxes: Float32Array, i: number) => Array.from(boxes.subarray(i * 4, i * 4 + 4), Math.round);
  for (const { stride, boxes } of anchors) {
    for (let i = 0; i < boxes.length / 4; i++) {
      const [x1, y1, x2, y2] = rounded(boxes, i);
      strokeRect(img, x1, y1, x2, y2, anchorColour(stride), 1);
    }
  }
  // face i: its box, then its landmarks unless they are missing
  for (let i = 0; i < crop.boxes.length / 4; i++) {
    const [x1, y1, x2, y2] = rounded(crop.boxes, i);
    const missing = crop.landmarks[i * 15 + 2] < 0;
    strokeRect(img, x1, y1, x2, y2, missing ? NO_LANDMARKS_COLOUR : BOX_COLOUR, 2);
    if (missing) continue;
    for (let p = 0; p < 5; p++) {
      drawDot(img, Math.round(crop.landmarks[(i * 5 + p) * 3]), Math.round(crop.landmarks[(i * 5 + p) * 3 + 1]), 2, LANDMARK_COLOURS[p]);
    }
  }
  // legend: stride numbers left to right on their colours, 4 px from the bottom-left corner
  const scale = 3;
  let x = 4;
  for (const { stride } of anchors) {
    const text = String(stride);
    const { width, height } = textSize(text, scale);
    const y = img.height - 4 - height - 2 * scale;
    fillRect(img, x, y, x + width + 2 * scale - 1, y + height + 2 * scale - 1, anchorColour(stride));
    drawText(img, x + scale, y + scale, text, [0, 0, 0], scale);
    x += width + 2 * scale + 4;
  }
  return encodePng(img);
}

function anchorColour(stride: number): Rgb {
  const colour = ANCHOR_COLOURS.get(stride);
  if (colour === undefined) throw new RetinaFaceError('UNSUPPORTED', `drawTrainingCrop: no anchor colour for stride ${stride} (have ${[...ANCHOR_COLOURS.keys()].join(', ')})`);
  return colour;
}
