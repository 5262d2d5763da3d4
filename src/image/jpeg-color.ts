/**
 * Full-size component planes → RGB, as cv2.imread gets it from libjpeg: jdcolor.c's fixed-point
 * YCbCr → RGB and YCCK → CMYK, then for CMYK OpenCV's own `icvCvt_CMYK2BGR_8u_C4C3R`.
 *
 * Legend: W/H the picture, i = y·W + x a pixel, Y/Cb/Cr/K samples 0..255, CENTER = 128.
 *
 * The JFIF conversion is R = Y + 1.402·(Cr − 128), G = Y − 0.34414·(Cb − 128) − 0.71414·(Cr − 128),
 * B = Y + 1.772·(Cb − 128). libjpeg (`build_ycc_rgb_table`) tabulates each term in fixed point with
 * SCALEBITS = 16 and FIX(c) = round(c·2^16), ONE_HALF = 2^15:
 * - Cr_r(Cr) = (FIX(1.40200)·(Cr − 128) + ONE_HALF) >> 16 and Cb_b(Cb) = (FIX(1.77200)·(Cb − 128) +
 *   ONE_HALF) >> 16, each rounded on its own;
 * - the two green terms are summed unrounded, ONE_HALF riding on the Cb one: Cb_g(Cb) =
 *   −FIX(0.34414)·(Cb − 128) + ONE_HALF, Cr_g(Cr) = −FIX(0.71414)·(Cr − 128), and
 *   G = Y + ((Cb_g + Cr_g) >> 16);
 * and then clamps to 0..255 (`range_limit`). The shifts are arithmetic (floor) shifts.
 *
 * YCCK (Adobe transform 2) is YCbCr for the inverted C, M, Y inks plus K as stored:
 * C = clamp(255 − (Y + Cr_r)), and so on (`ycck_cmyk_convert`). OpenCV then maps the stored
 * (Adobe-inverted) CMYK to R = K − ((255 − C)·K >> 8), G and B likewise from M and Y.
 */
import type { SamplePlane } from './jpeg-idct.js';

/** How the components are to be read: jdapimin.c's `jpeg_color_space`, chosen in jpeg.ts. */
export type JpegColorSpace = 'gray' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const FIX = (c: number) => Math.round(c * (1 << SCALEBITS));

/** The four tables of `build_ycc_rgb_table`, indexed by the sample 0..255. */
const Cr_r = new Int32Array(256);
const Cb_b = new Int32Array(256);
const Cr_g = new Int32Array(256);
const Cb_g = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  Cr_r[i] = (FIX(1.402) * x + ONE_HALF) >> SCALEBITS;
  Cb_b[i] = (FIX(1.772) * x + ONE_HALF) >> SCALEBITS;
  Cr_g[i] = -FIX(0.71414) * x;
  Cb_g[i] = -FIX(0.34414) * x + ONE_HALF;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * The upsampled planes of one picture → interleaved RGB.
 * @param planes one (H, W) plane per component, in frame order (stride may exceed W)
 * @returns (H, W, 3) uint8 RGB
 */
export function planesToRgb(planes: SamplePlane[], space: JpegColorSpace, W: number, H: number): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  const [p0, p1, p2, p3] = planes.map((p) => p.data);
  const [s0, s1, s2, s3] = planes.map((p) => p.stride);
  for (let y = 0; y < H; y++) {
    // row y: sample k of pixel (y, x) is at rk + x
    const r0 = y * s0;
    const r1 = y * (s1 ?? 0);
    const r2 = y * (s2 ?? 0);
    const r3 = y * (s3 ?? 0);
    const o = 3 * y * W;
    if (space === 'gray') {
      for (let x = 0; x < W; x++) rgb[o + 3 * x] = rgb[o + 3 * x + 1] = rgb[o + 3 * x + 2] = p0[r0 + x];
    } else if (space === 'rgb') {
      for (let x = 0; x < W; x++) {
        rgb[o + 3 * x] = p0[r0 + x];
        rgb[o + 3 * x + 1] = p1[r1 + x];
        rgb[o + 3 * x + 2] = p2[r2 + x];
      }
    } else if (space === 'ycbcr') {
      for (let x = 0; x < W; x++) {
        const Y = p0[r0 + x];
        const cb = p1[r1 + x];
        const cr = p2[r2 + x];
        rgb[o + 3 * x] = clamp(Y + Cr_r[cr]);
        rgb[o + 3 * x + 1] = clamp(Y + ((Cb_g[cb] + Cr_g[cr]) >> SCALEBITS));
        rgb[o + 3 * x + 2] = clamp(Y + Cb_b[cb]);
      }
    } else {
      for (let x = 0; x < W; x++) {
        const a = p0[r0 + x];
        const b = p1[r1 + x];
        const d = p2[r2 + x];
        const k = p3[r3 + x];
        let c = a;
        let m = b;
        let ye = d;
        if (space === 'ycck') {
          // a, b, d are Y, Cb, Cr of the inverted inks
          c = clamp(255 - (a + Cr_r[d]));
          m = clamp(255 - (a + ((Cb_g[b] + Cr_g[d]) >> SCALEBITS)));
          ye = clamp(255 - (a + Cb_b[b]));
        }
        rgb[o + 3 * x] = k - (((255 - c) * k) >> 8);
        rgb[o + 3 * x + 1] = k - (((255 - m) * k) >> 8);
        rgb[o + 3 * x + 2] = k - (((255 - ye) * k) >> 8);
      }
    }
  }
  return rgb;
}
