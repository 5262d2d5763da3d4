/**
 * `cv2.warpAffine(img, M, (W, H), borderValue=0)` with INTER_LINEAR on 8-bit RGB, bit for bit as
 * OpenCV 4.6 computes it (modules/imgproc/src/imgwarp.cpp: `warpAffine`, `WarpAffineInvoker`, then
 * `remap` with `RemapBilinear` and BORDER_CONSTANT).
 *
 * Legend: W/H destination width/height, (y, x) a destination pixel, (sy, sx) the source pixel at or
 * left/above the point it maps to, (fy, fx) the fraction in 1/32 pixel, c the channel; images are
 * H×W×3 interleaved rows.
 *
 * The arithmetic, in OpenCV's order:
 * 1. M maps source to destination; warpAffine inverts it once, in float64: D = 1/(M₀M₄ − M₁M₃),
 *    then (M₄D, −M₁D, −M₃D, M₀D) and the translation b = −A·(M₂, M₅).
 * 2. Fixed point with AB_BITS = 10: per column adelta[x] = round(M₀·x·1024), bdelta[x] =
 *    round(M₃·x·1024); per row X0 = round((M₁·y + M₂)·1024) + 16, Y0 likewise (round half to even;
 *    16 rounds to the nearest 1/32). X = (X0 + adelta[x]) >> 5 is the source x in 1/32 pixel
 *    (INTER_BITS = 5): sx = X >> 5, fx = X & 31; the same for y.
 * 3. Bilinear weights in 15-bit fixed point (INTER_REMAP_COEF_BITS): (32−fx)(32−fy)·32,
 *    fx(32−fy)·32, (32−fx)fy·32, fx·fy·32, summing to 32768; a tap outside the source reads 0
 *    (BORDER_CONSTANT, borderValue 0); out = (Σ w·p + 16384) >> 15.
 *
 * The transform is worked out once per image; the inner loop is integer arithmetic.
 */
import { roundHalfEven } from '../image/resize.js';
import { rgbImage, type RgbImage } from '../image/rgb-image.js';

/** A 2×3 affine matrix, row-major: x' = m[0]·x + m[1]·y + m[2], y' = m[3]·x + m[4]·y + m[5]. */
export type Affine = readonly [number, number, number, number, number, number];

const INTER_BITS = 5;
const INTER_TAB_SIZE = 1 << INTER_BITS;
const AB_BITS = 10; // MAX(10, INTER_BITS)
const AB_SCALE = 1 << AB_BITS;
const ROUND_DELTA = AB_SCALE / INTER_TAB_SIZE / 2;
const INTER_REMAP_COEF_BITS = 15;

/** saturate_cast<int>(double): round half to even, clamped to int32. */
function saturateInt(v: number): number {
  if (Number.isNaN(v) || v <= -2147483648) return -2147483648; // x86 cvtsd2si gives INT_MIN for NaN
  if (v >= 2147483647) return 2147483647;
  return roundHalfEven(v);
}

/** Step 1: the inverse map (destination → source), as warpAffine computes it without WARP_INVERSE_MAP. */
export function invertAffine(m: Affine): Affine {
  let D = m[0] * m[4] - m[1] * m[3];
  D = D !== 0 ? 1 / D : 0;
  const a0 = m[4] * D;
  const a1 = m[1] * -D;
  const a3 = m[3] * -D;
  const a4 = m[0] * D;
  return [a0, a1, -a0 * m[2] - a1 * m[5], a3, a4, -a3 * m[2] - a4 * m[5]];
}

/** cv2.warpAffine(src, m, (width, height), flags=INTER_LINEAR, borderMode=BORDER_CONSTANT, borderValue=0). */
export function warpAffine(src: RgbImage, m: Affine, width: number, height: number): RgbImage {
  const { width: SW, height: SH, data: S } = src;
  const inv = invertAffine(m);
  const adelta = new Int32Array(width);
  const bdelta = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    adelta[x] = saturateInt(inv[0] * x * AB_SCALE);
    bdelta[x] = saturateInt(inv[3] * x * AB_SCALE);
  }
  const out = rgbImage(width, height);
  const D = out.data;
  const shift = AB_BITS - INTER_BITS;
  for (let y = 0; y < height; y++) {
    const X0 = (saturateInt((inv[1] * y + inv[2]) * AB_SCALE) + ROUND_DELTA) | 0;
    const Y0 = (saturateInt((inv[4] * y + inv[5]) * AB_SCALE) + ROUND_DELTA) | 0;
    for (let x = 0; x < width; x++) {
      // destination pixel (y, x) reads around source (sy + fy/32, sx + fx/32)
      const X = ((X0 + adelta[x]) | 0) >> shift;
      const Y = ((Y0 + bdelta[x]) | 0) >> shift;
      const sx = X >> INTER_BITS;
      const sy = Y >> INTER_BITS;
      const fx = X & (INTER_TAB_SIZE - 1);
      const fy = Y & (INTER_TAB_SIZE - 1);
      const w00 = (INTER_TAB_SIZE - fx) * (INTER_TAB_SIZE - fy) * 32;
      const w01 = fx * (INTER_TAB_SIZE - fy) * 32;
      const w10 = (INTER_TAB_SIZE - fx) * fy * 32;
      const w11 = fx * fy * 32;
      const inX0 = sx >= 0 && sx < SW;
      const inX1 = sx + 1 >= 0 && sx + 1 < SW;
      const inY0 = sy >= 0 && sy < SH;
      const inY1 = sy + 1 >= 0 && sy + 1 < SH;
      const at = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        // the four taps of channel c, 0 outside the source
        const p00 = inY0 && inX0 ? S[(sy * SW + sx) * 3 + c] : 0;
        const p01 = inY0 && inX1 ? S[(sy * SW + sx + 1) * 3 + c] : 0;
        const p10 = inY1 && inX0 ? S[((sy + 1) * SW + sx) * 3 + c] : 0;
        const p11 = inY1 && inX1 ? S[((sy + 1) * SW + sx + 1) * 3 + c] : 0;
        const v = p00 * w00 + p01 * w01 + p10 * w10 + p11 * w11;
        D[at + c] = (v + (1 << (INTER_REMAP_COEF_BITS - 1))) >> INTER_REMAP_COEF_BITS;
      }
    }
  }
  return out;
}
