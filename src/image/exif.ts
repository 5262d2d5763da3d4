/**
 * EXIF orientation. A camera held sideways stores the sensor's pixels as they came and writes tag
 * 0x0112 "Orientation" (1..8) saying how to turn them for display. cv2.imread applies it by default
 * (OpenCV ≥ 3.1 unless IMREAD_IGNORE_ORIENTATION), so the original detector saw upright photos and
 * so do we.
 *
 * Where it lives: a JPEG APP1 segment whose payload starts "Exif\0\0", followed by a TIFF structure —
 * byte order "II" (little-endian) or "MM" (big-endian), the number 42, the offset of IFD0; IFD0 is a
 * count and 12-byte entries (tag u16, type u16, count u32, value or offset u32); Orientation is a
 * SHORT whose value sits in the first two bytes of the value field.
 *
 * The eight values, as "row 0 is visually …, column 0 is visually …", and what OpenCV's
 * `ExifTransform` does to display them (T = transpose):
 *   1 top, left      nothing              5 left, top       T
 *   2 top, right     flip left-right      6 right, top      T, flip left-right (rotate 90° clockwise)
 *   3 bottom, right  rotate 180°          7 right, bottom   T, flip both
 *   4 bottom, left   flip top-bottom      8 left, bottom    T, flip top-bottom (rotate 90° counter-clockwise)
 *
 * Legend: W/H the stored width/height, (sy, sx) a stored pixel, (oy, ox) a displayed pixel; 5–8
 * display as H wide and W high.
 */
import { rgbImage, type RgbImage } from './rgb-image.js';

/** The stored pixel (sy, sx) shown at displayed pixel (oy, ox), per orientation 1..8 (the table above). */
const SOURCE_OF: Record<number, (oy: number, ox: number, W: number, H: number) => [number, number]> = {
  1: (oy, ox) => [oy, ox],
  2: (oy, ox, W) => [oy, W - 1 - ox],
  3: (oy, ox, W, H) => [H - 1 - oy, W - 1 - ox],
  4: (oy, ox, _W, H) => [H - 1 - oy, ox],
  5: (oy, ox) => [ox, oy],
  6: (oy, ox, _W, H) => [H - 1 - ox, oy],
  7: (oy, ox, W, H) => [H - 1 - ox, W - 1 - oy],
  8: (oy, ox, W) => [ox, W - 1 - oy],
};

/**
 * The Orientation value in an EXIF TIFF block (the APP1 payload after "Exif\0\0"), or 1 when the
 * block has none or is malformed: a broken EXIF block never stops a photo from decoding (libjpeg and
 * OpenCV skip it too).
 */
export function exifOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = String.fromCharCode(tiff[0], tiff[1]);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd0 = view.getUint32(4, little);
  if (ifd0 + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd0, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd0 + 2 + 12 * i;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== 0x0112) continue;
    const type = view.getUint16(entry + 2, little);
    const value = type === 3 ? view.getUint16(entry + 8, little) : 0;  // 3 = SHORT
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/** The image as it should be displayed for EXIF orientation `o` (1..8; 1 returns the input). */
export function applyOrientation(img: RgbImage, o: number): RgbImage {
  const sourceOf = SOURCE_OF[o];
  if (sourceOf === undefined) throw new RangeError(`applyOrientation: orientation must be 1..8, got ${o}`);
  if (o === 1) return img;
  const { width: W, height: H, data } = img;
  const swapped = o >= 5;
  const out = rgbImage(swapped ? H : W, swapped ? W : H);
  for (let oy = 0; oy < out.height; oy++) {
    for (let ox = 0; ox < out.width; ox++) {
      // displayed pixel (oy, ox) takes stored pixel (sy, sx)
      const [sy, sx] = sourceOf(oy, ox, W, H);
      const from = (sy * W + sx) * 3;
      const to = (oy * out.width + ox) * 3;
      out.data[to] = data[from];
      out.data[to + 1] = data[from + 1];
      out.data[to + 2] = data[from + 2];
    }
  }
  return out;
}
