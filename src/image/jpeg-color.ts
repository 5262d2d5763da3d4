/**
 * Full-size component rows → RGB, as cv2.imread gets it from libjpeg: jdcolor.c's fixed-point
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
/** How the components are to be read: jdapimin.c's `jpeg_color_space`, chosen in jpeg.ts. */
export type JpegColorSpace = 'gray' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

export const SCALEBITS = 16;
export const ONE_HALF = 1 << (SCALEBITS - 1);
export const FIX = (c: number) => Math.round(c * (1 << SCALEBITS));

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

/**
 * `range_limit` (jdmaster.c `prepare_range_limit_table`): LIMIT[v + LIMIT_OFFSET] = clamp(v, 0, 255)
 * for every v that Y plus one chroma term can reach (−227..481), a table look-up instead of two
 * compares per channel, which is how libjpeg clamps too.
 */
const LIMIT_OFFSET = 384;
const LIMIT = Uint8Array.from({ length: 1024 }, (_, i) => Math.min(255, Math.max(0, i - LIMIT_OFFSET)));

/**
 * One row of pixels: sample k of pixel x is `pk[rk + x]` (components the space lacks are ignored),
 * written as RGB to `rgb[o + 3x ..]`. One function per colour space, chosen once per picture, so
 * that each loop sees one kind of pixel (a branch per row on the space, or arrays of planes, cost
 * more than the arithmetic).
 */
export type RowConverter = (W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, p1: Uint8Array, r1: number, p2: Uint8Array, r2: number, p3: Uint8Array, r3: number) => void;

function grayRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number): void {
  for (let x = 0; x < W; x++) rgb[o + 3 * x] = rgb[o + 3 * x + 1] = rgb[o + 3 * x + 2] = p0[r0 + x];
}

function rgbRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, p1: Uint8Array, r1: number, p2: Uint8Array, r2: number): void {
  for (let x = 0; x < W; x++) {
    rgb[o + 3 * x] = p0[r0 + x];
    rgb[o + 3 * x + 1] = p1[r1 + x];
    rgb[o + 3 * x + 2] = p2[r2 + x];
  }
}

function ycbcrRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, p1: Uint8Array, r1: number, p2: Uint8Array, r2: number): void {
  for (let x = 0, j = o; x < W; x++, j += 3) {
    const Y = p0[r0 + x] + LIMIT_OFFSET;
    const cb = p1[r1 + x];
    const cr = p2[r2 + x];
    rgb[j] = LIMIT[Y + Cr_r[cr]];
    rgb[j + 1] = LIMIT[Y + ((Cb_g[cb] + Cr_g[cr]) >> SCALEBITS)];
    rgb[j + 2] = LIMIT[Y + Cb_b[cb]];
  }
}

/**
 * 4:2:0 YCbCr, the layout of nearly every photo: the horizontal step of h2v2 fancy upsampling
 * (jpeg-upsample.ts `h2v2Fancy`) fused with `ycbcrRow`, so the two upsampled chroma rows are never
 * stored. The same arithmetic in the same order; tested against the two kernels one after the other.
 * @param cbSum, crSum (w + 2) the chroma rows' column sums from `h2v2ColumnSums`, edges repeated
 * @param w the chroma width, ceil(W / 2)
 */
export function h2v2YcbcrRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, cbSum: Int32Array, crSum: Int32Array, w: number): void {
  const pairs = W >> 1;
  let j = o;
  for (let x = 0; x < pairs; x++, j += 6) {
    // output pixels 2x and 2x+1 from chroma column x (sums at x + 1) and its left or right neighbour
    const cb3 = 3 * cbSum[x + 1];
    const cr3 = 3 * crSum[x + 1];
    const Y0 = p0[r0 + 2 * x] + LIMIT_OFFSET;
    const cb0 = (cb3 + cbSum[x] + 8) >> 4;
    const cr0 = (cr3 + crSum[x] + 8) >> 4;
    rgb[j] = LIMIT[Y0 + Cr_r[cr0]];
    rgb[j + 1] = LIMIT[Y0 + ((Cb_g[cb0] + Cr_g[cr0]) >> SCALEBITS)];
    rgb[j + 2] = LIMIT[Y0 + Cb_b[cb0]];
    const Y1 = p0[r0 + 2 * x + 1] + LIMIT_OFFSET;
    const cb1 = (cb3 + cbSum[x + 2] + 7) >> 4;
    const cr1 = (cr3 + crSum[x + 2] + 7) >> 4;
    rgb[j + 3] = LIMIT[Y1 + Cr_r[cr1]];
    rgb[j + 4] = LIMIT[Y1 + ((Cb_g[cb1] + Cr_g[cr1]) >> SCALEBITS)];
    rgb[j + 5] = LIMIT[Y1 + Cb_b[cb1]];
  }
  if (pairs < w) {
    // an odd W: the last chroma column gives its left pixel only
    const Y0 = p0[r0 + 2 * pairs] + LIMIT_OFFSET;
    const cb0 = (3 * cbSum[pairs + 1] + cbSum[pairs] + 8) >> 4;
    const cr0 = (3 * crSum[pairs + 1] + crSum[pairs] + 8) >> 4;
    rgb[j] = LIMIT[Y0 + Cr_r[cr0]];
    rgb[j + 1] = LIMIT[Y0 + ((Cb_g[cb0] + Cr_g[cr0]) >> SCALEBITS)];
    rgb[j + 2] = LIMIT[Y0 + Cb_b[cb0]];
  }
}

/** OpenCV's CMYK → RGB on the stored (Adobe-inverted) inks: R = K − ((255 − C)·K >> 8). */
function cmykRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, p1: Uint8Array, r1: number, p2: Uint8Array, r2: number, p3: Uint8Array, r3: number): void {
  for (let x = 0; x < W; x++) {
    const k = p3[r3 + x];
    rgb[o + 3 * x] = k - (((255 - p0[r0 + x]) * k) >> 8);
    rgb[o + 3 * x + 1] = k - (((255 - p1[r1 + x]) * k) >> 8);
    rgb[o + 3 * x + 2] = k - (((255 - p2[r2 + x]) * k) >> 8);
  }
}

/** YCCK → CMYK (`ycck_cmyk_convert`: Y, Cb, Cr of the inverted inks), then OpenCV's CMYK → RGB. */
function ycckRow(W: number, rgb: Uint8Array, o: number, p0: Uint8Array, r0: number, p1: Uint8Array, r1: number, p2: Uint8Array, r2: number, p3: Uint8Array, r3: number): void {
  for (let x = 0; x < W; x++) {
    const a = p0[r0 + x] + LIMIT_OFFSET;
    const b = p1[r1 + x];
    const d = p2[r2 + x];
    const k = p3[r3 + x];
    const c = 255 - LIMIT[a + Cr_r[d]];
    const m = 255 - LIMIT[a + ((Cb_g[b] + Cr_g[d]) >> SCALEBITS)];
    const ye = 255 - LIMIT[a + Cb_b[b]];
    rgb[o + 3 * x] = k - (((255 - c) * k) >> 8);
    rgb[o + 3 * x + 1] = k - (((255 - m) * k) >> 8);
    rgb[o + 3 * x + 2] = k - (((255 - ye) * k) >> 8);
  }
}

/** The row converter of a colour space. */
export const ROW_CONVERTERS: Readonly<Record<JpegColorSpace, RowConverter>> = {
  gray: grayRow, rgb: rgbRow, ycbcr: ycbcrRow, cmyk: cmykRow, ycck: ycckRow,
};
