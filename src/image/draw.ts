/**
 * The annotated picture `detect --draw` writes and the explain report builds on: boxes, the five
 * landmarks, the score (encode.ts writes the PNG or JPEG). Plain pixel loops on an RgbImage (rgb-image.ts: pixel
 * (y, x) channel c at (y·W + x)·3 + c); everything is clipped to the image, so a face box that runs
 * off the edge draws only its visible part.
 *
 * Sizes grow with the picture (unit = max(1, round(max(W, H) / 1000)) pixels) so a box stays visible
 * on a 5000-pixel photo: boxes 2·unit thick, landmark dots of radius 2·unit, digits 3×5 cells of
 * 2·unit pixels.
 */
import { type RgbImage } from './rgb-image.js';

export type Rgb = readonly [r: number, g: number, b: number];

/** What drawDetections needs of a face (detect's `Face` fits): box x1, y1, x2, y2 in pixels. */
export interface DrawableFace {
  box: readonly number[];
  score: number;
  landmarks: readonly (readonly number[])[];
  /** Mask probability (mask models only): shown after the score as "m0.988". */
  mask?: number;
}

export const BOX_COLOUR: Rgb = [0, 255, 0];
/** Faces whose mask probability reaches the mask threshold. */
export const MASKED_COLOUR: Rgb = [255, 140, 0];

export interface DrawOptions {
  /** A face with mask ≥ this is drawn in MASKED_COLOUR (retinaface_anticov/test.py draws it so from 0.2). */
  maskThreshold?: number;
}
/** Left eye, right eye, nose, left mouth corner, right mouth corner (the original's landmark order). */
export const LANDMARK_COLOURS: readonly Rgb[] = [[255, 0, 0], [0, 96, 255], [255, 255, 0], [255, 0, 255], [0, 255, 255]];

/** A copy of `img` with every face's box, landmarks and score (and mask score) drawn on it. */
export function drawDetections(img: RgbImage, faces: readonly DrawableFace[], options: DrawOptions = {}): RgbImage {
  const out: RgbImage = { width: img.width, height: img.height, data: img.data.slice() };
  const unit = Math.max(1, Math.round(Math.max(img.width, img.height) / 1000));
  for (const face of faces) {
    const [x1, y1, x2, y2] = face.box.map(Math.round);
    const masked = face.mask !== undefined && options.maskThreshold !== undefined && face.mask >= options.maskThreshold;
    const colour = masked ? MASKED_COLOUR : BOX_COLOUR;
    strokeRect(out, x1, y1, x2, y2, colour, 2 * unit);
    face.landmarks.forEach(([x, y], p) => drawDot(out, Math.round(x), Math.round(y), 2 * unit, LANDMARK_COLOURS[p % LANDMARK_COLOURS.length]));
    // the score on a box-coloured label above the box, or just inside it at the top edge
    const text = face.score.toFixed(3) + (face.mask === undefined ? '' : ` m${face.mask.toFixed(3)}`);
    const scale = 2 * unit;
    const { width: tw, height: th } = textSize(text, scale);
    const pad = unit;
    const labelY = y1 - th - 2 * pad >= 0 ? y1 - th - 2 * pad : y1;
    fillRect(out, x1, labelY, x1 + tw + 2 * pad - 1, labelY + th + 2 * pad - 1, colour);
    drawText(out, x1 + pad, labelY + pad, text, [0, 0, 0], scale);
  }
  return out;
}

/** Sets pixel (y, x) if it is inside the image. */
export function setPixel(img: RgbImage, x: number, y: number, rgb: Rgb): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const i = (y * img.width + x) * 3;
  img.data[i] = rgb[0];
  img.data[i + 1] = rgb[1];
  img.data[i + 2] = rgb[2];
}

/** Fills the pixels x0..x1 × y0..y1 (inclusive), clipped to the image. */
export function fillRect(img: RgbImage, x0: number, y0: number, x1: number, y1: number, rgb: Rgb): void {
  for (let y = Math.max(0, y0); y <= Math.min(img.height - 1, y1); y++) {
    for (let x = Math.max(0, x0); x <= Math.min(img.width - 1, x1); x++) setPixel(img, x, y, rgb);
  }
}

/** The outline of x1..x2 × y1..y2 (inclusive), `thickness` pixels drawn inwards from each edge. */
export function strokeRect(img: RgbImage, x1: number, y1: number, x2: number, y2: number, rgb: Rgb, thickness: number): void {
  const t = thickness - 1;
  fillRect(img, x1, y1, x2, y1 + t, rgb);  // top
  fillRect(img, x1, y2 - t, x2, y2, rgb);  // bottom
  fillRect(img, x1, y1, x1 + t, y2, rgb);  // left
  fillRect(img, x2 - t, y1, x2, y2, rgb);  // right
}

/** A filled disc of `radius` pixels around (y, x). */
export function drawDot(img: RgbImage, x: number, y: number, radius: number, rgb: Rgb): void {
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx * dx + dy * dy <= radius * radius + radius) setPixel(img, x + dx, y + dy, rgb);
    }
  }
}

/**
 * A 3×5 bitmap font: each glyph is five rows of three bits, most significant bit on the left.
 * Digits, '.', '-', ':', '%', 'm' (mask) and space — enough for scores, sizes and timings.
 */
const FONT: Record<string, number[]> = {
  '0': [0b111, 0b101, 0b101, 0b101, 0b111],
  '1': [0b010, 0b110, 0b010, 0b010, 0b111],
  '2': [0b111, 0b001, 0b111, 0b100, 0b111],
  '3': [0b111, 0b001, 0b011, 0b001, 0b111],
  '4': [0b101, 0b101, 0b111, 0b001, 0b001],
  '5': [0b111, 0b100, 0b111, 0b001, 0b111],
  '6': [0b111, 0b100, 0b111, 0b101, 0b111],
  '7': [0b111, 0b001, 0b010, 0b010, 0b010],
  '8': [0b111, 0b101, 0b111, 0b101, 0b111],
  '9': [0b111, 0b101, 0b111, 0b001, 0b111],
  '.': [0b000, 0b000, 0b000, 0b000, 0b010],
  '-': [0b000, 0b000, 0b111, 0b000, 0b000],
  ':': [0b000, 0b010, 0b000, 0b010, 0b000],
  '%': [0b101, 0b001, 0b010, 0b100, 0b101],
  'm': [0b000, 0b110, 0b111, 0b101, 0b101],
  ' ': [0b000, 0b000, 0b000, 0b000, 0b000],
};
const GLYPH_W = 3;
const GLYPH_H = 5;

/** The pixel size of `text` drawn at `scale` (one empty column of cells between glyphs). */
export function textSize(text: string, scale: number): { width: number; height: number } {
  return { width: (text.length * (GLYPH_W + 1) - 1) * scale, height: GLYPH_H * scale };
}

/** Draws `text` with its top-left corner at (y, x), each font cell `scale`×`scale` pixels. */
export function drawText(img: RgbImage, x: number, y: number, text: string, rgb: Rgb, scale: number): void {
  [...text].forEach((ch, k) => {
    const glyph = FONT[ch];
    if (glyph === undefined) throw new RangeError(`drawText: no glyph for ${JSON.stringify(ch)} (the font has ${Object.keys(FONT).join('')})`);
    const gx = x + k * (GLYPH_W + 1) * scale;
    for (let row = 0; row < GLYPH_H; row++) {
      for (let col = 0; col < GLYPH_W; col++) {
        // cell (row, col) of the glyph is lit when its bit is set
        if ((glyph[row] >> (GLYPH_W - 1 - col)) & 1) fillRect(img, gx + col * scale, y + row * scale, gx + (col + 1) * scale - 1, y + (row + 1) * scale - 1, rgb);
      }
    }
  });
}
