/**
 * `cv2.resize(img, ..., interpolation=cv2.INTER_LINEAR)` on 8-bit RGB, bit for bit as OpenCV 4.6
 * computes it on x86-64 (`resizeGeneric_` with `HResizeLinear` / `VResizeLinear` in
 * modules/imgproc/src/resize.cpp). The detector feeds the network exactly this picture
 * (`cv2.resize(img, None, None, fx=im_scale, fy=im_scale)`), so a one-level rounding difference
 * here is a different network input.
 *
 * Legend: W/H source width/height, DW/DH destination, (dy, dx) a destination pixel, (sy, sx) the
 * source pixel at or left/above its centre, c the channel; rows are H×W×3 interleaved.
 *
 * The arithmetic, in the order OpenCV does it:
 * 1. Size and scale. Called with factors (`fx`, `fy`): DW = round(W·fx), DH = round(H·fy)
 *    (round half to even, `saturate_cast<int>`) and the coordinate map uses scale = 1/fx — not W/DW.
 *    Called with a size: scale = W/DW. A destination as large as the source is a plain copy.
 * 2. Half-pixel centres, in float32: f = float32((d + 0.5)·scale − 0.5), s = floor(f), f −= s.
 * 3. Weights as 11-bit fixed point, each rounded on its own (they need not sum to 2048):
 *    w0 = rint(float32(1 − f)·2048), w1 = rint(f·2048).
 * 4. Borders. Horizontally, s < 0 becomes s = 0, f = 0 and s ≥ W−1 becomes s = W−1, f = 0 (weights
 *    2048, 0). Vertically the weights are kept and only the two row indices are clamped to [0, H−1].
 * 5. Horizontal pass, exact in int: t = w0·S[sx] + w1·S[sx+1] (up to 255·2049, fits int16 after >>4).
 * 6. Vertical pass as OpenCV's SIMD kernel `VResizeLinearVec_32s8u` computes it (the scalar
 *    `FixedPtCast<int, uchar, 22>`, (w0·t0 + w1·t1 + 2^21) >> 22, is one level off on about 12% of
 *    the golden values): v = ((t0 >> 4)·w0 >> 16) + ((t1 >> 4)·w1 >> 16), out = (v + 2) >> 2, saturated.
 *    The golden set (`resize/`, 7 cases, and `heads-*` resized.npy) matches this formula on every
 *    element, including the last columns of each row.
 *
 * The steps are split as the detector uses them: `resizeTaps` (steps 1–4, from the sizes alone; a
 * mirrored copy of the columns' taps gives the flip test's im[:, ::-1, :] of the resized image) and
 * `resizeWithTaps` (steps 5–6 on the pixels). The wasm backend runs steps 5–6 on the same taps as a
 * SIMD kernel that writes the network input straight into its memory (ops/wasm/resize.ts).
 *
 * Known gap: at exactly fx = fy = 0.5 (or a size of exactly half) OpenCV switches to its INTER_AREA
 * fast path. Its vector part computes the same (sum of the 2×2 block + 2) >> 2 as steps 2–6 (golden
 * `fx_0.5` agrees), but a scalar remainder and odd source sizes could differ by one level at the
 * right/bottom edge; that path is not reproduced.
 */
import { RetinaFaceError } from '../errors.js';
import { rgbImage, type RgbImage } from './rgb-image.js';

/** Scale factors (cv2.resize(img, None, fx=, fy=)) or a destination size (cv2.resize(img, (w, h))). */
export type ResizeTarget = { fx: number; fy: number } | { width: number; height: number };

const INTER_RESIZE_COEF_BITS = 11;
const INTER_RESIZE_COEF_SCALE = 1 << INTER_RESIZE_COEF_BITS;

/** Round half to even, as `cvRound` / `saturate_cast<int|short>` do on x86 (SSE2 cvtsd2si). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The destination size and the source-pixels-per-destination-pixel scale of each axis (step 1). */
export function resizeGeometry(W: number, H: number, target: ResizeTarget): { DW: number; DH: number; scaleX: number; scaleY: number } {
  if ('fx' in target) {
    const { fx, fy } = target;
    if (!(fx > 0 && fy > 0 && Number.isFinite(fx) && Number.isFinite(fy))) {
      throw new RetinaFaceError('OPTION', `resize: scale factors must be positive and finite, got fx=${fx} fy=${fy}`);
    }
    const DW = roundHalfEven(W * fx);
    const DH = roundHalfEven(H * fy);
    if (DW < 1 || DH < 1) {
      throw new RetinaFaceError('OPTION', `resize: ${W}x${H} at fx=${fx} fy=${fy} gives an empty ${DW}x${DH} image`);
    }
    return { DW, DH, scaleX: 1 / fx, scaleY: 1 / fy };
  }
  const { width: DW, height: DH } = target;
  if (!(Number.isInteger(DW) && Number.isInteger(DH) && DW >= 1 && DH >= 1)) {
    throw new RetinaFaceError('OPTION', `resize: destination size must be positive integers, got ${DW}x${DH}`);
  }
  return { DW, DH, scaleX: 1 / (DW / W), scaleY: 1 / (DH / H) };
}

/** The two source taps and 11-bit weights of every destination coordinate along one axis. */
export interface LinearTaps {
  readonly s0: Int32Array;
  readonly s1: Int32Array;
  readonly w0: Int32Array;
  readonly w1: Int32Array;
}

/** A whole resize as its taps: one per destination column (DW of them) and per destination row (DH). */
export interface ResizeTaps {
  readonly columns: LinearTaps;
  readonly rows: LinearTaps;
}

/**
 * Steps 2–4 along one axis. `clampWeights` is the horizontal rule (a tap outside the source moves
 * inside with weight 2048, 0); without it the weights stay and only the indices are clamped (the
 * vertical rule).
 */
function linearTaps(D: number, S: number, scale: number, clampWeights: boolean): LinearTaps {
  const s0 = new Int32Array(D);
  const s1 = new Int32Array(D);
  const w0 = new Int32Array(D);
  const w1 = new Int32Array(D);
  for (let d = 0; d < D; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    if (clampWeights && s < 0) { s = 0; f = 0; }
    if (clampWeights && s >= S - 1) { s = S - 1; f = 0; }
    s0[d] = Math.min(Math.max(s, 0), S - 1);
    s1[d] = Math.min(Math.max(s + 1, 0), S - 1);
    w0[d] = roundHalfEven(Math.fround(Math.fround(1 - f) * INTER_RESIZE_COEF_SCALE));
    w1[d] = roundHalfEven(Math.fround(f * INTER_RESIZE_COEF_SCALE));
  }
  return { s0, s1, w0, w1 };
}

/**
 * The taps of cv2.resize(W×H image, target). Where OpenCV copies (a destination as large as the
 * source), taps d → (d, d) with weights (2048, 0), which steps 5–6 turn into the same copy:
 * 2048·p >> 4 = 128·p, then (128·p·2048 >> 16) = 4·p and (4·p + 2) >> 2 = p.
 */
export function resizeTaps(W: number, H: number, target: ResizeTarget): ResizeTaps {
  const { DW, DH, scaleX, scaleY } = resizeGeometry(W, H, target);
  if (DW === W && DH === H) return { columns: linearTaps(DW, W, 1, true), rows: linearTaps(DH, H, 1, false) };
  return { columns: linearTaps(DW, W, scaleX, true), rows: linearTaps(DH, H, scaleY, false) };
}

/** The taps of the resized image mirrored left-right (im[:, ::-1, :] after the resize): the columns in reverse order. */
export function mirrored(taps: LinearTaps): LinearTaps {
  return { s0: taps.s0.slice().reverse(), s1: taps.s1.slice().reverse(), w0: taps.w0.slice().reverse(), w1: taps.w1.slice().reverse() };
}

/** cv2.resize(..., interpolation=INTER_LINEAR) of an RGB image; see the file comment for the rules. */
export function resizeLinear(img: RgbImage, target: ResizeTarget): RgbImage {
  const { DW, DH } = resizeGeometry(img.width, img.height, target);
  if (DW === img.width && DH === img.height) return rgbImage(DW, DH, img.data.slice());
  return resizeWithTaps(img, resizeTaps(img.width, img.height, target));
}

/** Steps 5–6 of an RGB image over given taps (resizeTaps, maybe mirrored): a DW×DH RGB image. */
export function resizeWithTaps(img: RgbImage, taps: ResizeTaps): RgbImage {
  const { width: W, data: src } = img;
  const { s0: xs0, s1: xs1, w0: xw0, w1: xw1 } = taps.columns;
  const ys = taps.rows;
  const DW = xs0.length;
  const DH = ys.s0.length;
  const rowLen = DW * 3;
  const out = new Uint8Array(DH * rowLen);

  // Step 5 for source row sy into `t`, already shifted >> 4 as step 6 uses it (exact: t ≥ 0).
  const horizontal = (sy: number, t: Int32Array): void => {
    const row = sy * W * 3;
    for (let dx = 0, i = 0; dx < DW; dx++, i += 3) {
      const a = row + xs0[dx] * 3;
      const b = row + xs1[dx] * 3;
      const w0 = xw0[dx];
      const w1 = xw1[dx];
      t[i] = (w0 * src[a] + w1 * src[b]) >> 4;
      t[i + 1] = (w0 * src[a + 1] + w1 * src[b + 1]) >> 4;
      t[i + 2] = (w0 * src[a + 2] + w1 * src[b + 2]) >> 4;
    }
  };

  // Two horizontal rows, kept while consecutive output rows read the same source rows: t0 holds
  // source row r0, t1 row r1.
  let t0 = new Int32Array(rowLen);
  let t1 = new Int32Array(rowLen);
  let r0 = -1;
  let r1 = -1;
  // saturating stores do step 6's clamp to 0..255
  const clamped = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  for (let dy = 0; dy < DH; dy++) {
    // output row dy mixes source rows a and b
    const a = ys.s0[dy];
    const b = ys.s1[dy];
    if (a === r1) {
      [t0, t1, r0, r1] = [t1, t0, r1, r0];
    } else if (a !== r0) {
      horizontal(a, t0);
      r0 = a;
    }
    if (b !== a && b !== r1) {
      horizontal(b, t1);
      r1 = b;
    }
    const u1 = b === a ? t0 : t1;
    const b0 = ys.w0[dy];
    const b1 = ys.w1[dy];
    const at = dy * rowLen;
    for (let i = 0; i < rowLen; i++) {
      // step 6: element i = dx*3 + c of the row, the SIMD kernel's int16 arithmetic
      clamped[at + i] = (((t0[i] * b0) >> 16) + ((u1[i] * b1) >> 16) + 2) >> 2;
    }
  }
  return rgbImage(DW, DH, out);
}
