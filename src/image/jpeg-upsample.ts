/**
 * Chroma upsampling as libjpeg does it by default (jdsample.c with `do_fancy_upsampling`): a
 * component stored at h×v of the largest sampling factors hMax×vMax is brought to the full W×H
 * picture before colour conversion.
 *
 * Legend: W/H the picture, w/h the component's downsampled size ceil(W·h/hMax) × ceil(H·v/vMax)
 * (libjpeg's `downsampled_width/height`), (oy, ox) an output sample, (y, x) an input sample,
 * s(y, x) the input with its edges replicated: x clamped to 0..w−1, y to 0..h−1 (jdmainct.c points
 * the context rows above the first and below the last real row at those rows).
 *
 * The method per ratio, chosen as `jinit_upsampler` chooses it:
 * - h = hMax, v = vMax: the plane as it is (`fullsize_upsample`);
 * - 2h = hMax, v = vMax, w > 2: `h2v1_fancy_upsample`, the triangle filter along x. Output samples
 *   sit 1/4 and 3/4 of the way between input centres, so each is 3/4 of the nearer input plus 1/4 of
 *   the further: out(oy, 2x) = (3·s(y, x) + s(y, x−1) + 1) >> 2, out(oy, 2x+1) = (3·s(y, x) +
 *   s(y, x+1) + 2) >> 2 — the +1/+2 biases alternate so that halves do not always round up — except
 *   that the first and last output columns are the edge input itself;
 * - h = hMax, 2v = vMax: `h1v2_fancy_upsample`, the same along y: out(2y, ox) = (3·s(y, x) +
 *   s(y−1, x) + 1) >> 2, out(2y+1, ox) = (3·s(y, x) + s(y+1, x) + 2) >> 2 (the biases of current
 *   libjpeg-turbo; releases before 2.1 used +1 for both rows — this 4:4:0 case is not in the golden set);
 * - 2h = hMax, 2v = vMax, w > 2: `h2v2_fancy_upsample`, the triangle filter in both directions,
 *   weights 9/16, 3/16, 3/16, 1/16 in two steps: first a column sum c(x) = 3·s(y, x) + s(y ± 1, x)
 *   with the row above for even oy and below for odd oy, then out(oy, 2x) = (3·c(x) + c(x−1) + 8) >> 4
 *   and out(oy, 2x+1) = (3·c(x) + c(x+1) + 7) >> 4, where the first and last output columns use
 *   4·c instead (equal to a replicated edge, but rounded with the same 8 and 7);
 * - any other ratio: box replication, out(oy, ox) = s(floor(oy·v/vMax), floor(ox·h/hMax))
 *   (`int_upsample`, and `h2v1_upsample` / `h2v2_upsample` when w ≤ 2). libjpeg refuses fractional
 *   ratios such as 3:2 ("fractional sampling not implemented"); we show them with this same
 *   nearest-sample rule, as other decoders (jpeg-js among them) do, rather than refuse the file.
 */
import type { SamplePlane } from './jpeg-idct.js';

/**
 * One component brought to W×H.
 * @param plane the component's samples, `plane.width × plane.height` real ones
 * @param h, v the component's sampling factors; hMax, vMax the largest in the frame
 * @returns (H, W) samples (the input plane itself when the component is full size)
 */
export function upsample(plane: SamplePlane, h: number, v: number, hMax: number, vMax: number, W: number, H: number): SamplePlane {
  if (h === hMax && v === vMax) return plane;
  if (2 * h === hMax && v === vMax && plane.width > 2) return h2v1Fancy(plane, W, H);
  if (h === hMax && 2 * v === vMax) return h1v2Fancy(plane, W, H);
  if (2 * h === hMax && 2 * v === vMax && plane.width > 2) return h2v2Fancy(plane, W, H);
  return box(plane, h, v, hMax, vMax, W, H);
}

/** A W×H plane with no padding. */
function fullPlane(W: number, H: number): SamplePlane {
  return { width: W, height: H, stride: W, data: new Uint8Array(W * H) };
}

/** `h2v1_fancy_upsample`: output row oy from input row oy, columns 2x and 2x+1 from input column x. */
function h2v1Fancy(plane: SamplePlane, W: number, H: number): SamplePlane {
  const out = fullPlane(W, H);
  const { width: w, stride, data: s } = plane;
  const o = out.data;
  for (let oy = 0; oy < H; oy++) {
    const row = oy * stride;
    const orow = oy * W;
    for (let x = 0; x < w; x++) {
      // output columns 2x (left of input centre x) and 2x+1 (right of it); the last may be past W
      const near = 3 * s[row + x];
      const left = x === 0 ? s[row] : (near + s[row + x - 1] + 1) >> 2;
      const right = x === w - 1 ? s[row + x] : (near + s[row + x + 1] + 2) >> 2;
      o[orow + 2 * x] = left;
      if (2 * x + 1 < W) o[orow + 2 * x + 1] = right;
    }
  }
  return out;
}

/** `h1v2_fancy_upsample`: output rows 2y and 2y+1 from input row y and the row above or below. */
function h1v2Fancy(plane: SamplePlane, W: number, H: number): SamplePlane {
  const out = fullPlane(W, H);
  const { height: h, stride, data: s } = plane;
  const o = out.data;
  for (let oy = 0; oy < H; oy++) {
    const y = oy >> 1;
    const odd = oy & 1;
    const near = y * stride;
    const far = Math.min(Math.max(odd ? y + 1 : y - 1, 0), h - 1) * stride;
    const bias = odd ? 2 : 1;
    for (let ox = 0; ox < W; ox++) o[oy * W + ox] = (3 * s[near + ox] + s[far + ox] + bias) >> 2;
  }
  return out;
}

/** `h2v2_fancy_upsample`: column sums of input row y and its neighbour, then the h2v1 step on them. */
function h2v2Fancy(plane: SamplePlane, W: number, H: number): SamplePlane {
  const out = fullPlane(W, H);
  const { width: w, height: h, stride, data: s } = plane;
  const o = out.data;
  const colsum = new Int32Array(w);
  for (let oy = 0; oy < H; oy++) {
    // output row oy lies 1/4 of the way from input row y towards the row above (even oy) or below (odd oy)
    const y = oy >> 1;
    const near = y * stride;
    const far = Math.min(Math.max(oy & 1 ? y + 1 : y - 1, 0), h - 1) * stride;
    for (let x = 0; x < w; x++) colsum[x] = 3 * s[near + x] + s[far + x];
    const orow = oy * W;
    for (let x = 0; x < w; x++) {
      const c = colsum[x];
      const left = x === 0 ? (4 * c + 8) >> 4 : (3 * c + colsum[x - 1] + 8) >> 4;
      const right = x === w - 1 ? (4 * c + 7) >> 4 : (3 * c + colsum[x + 1] + 7) >> 4;
      o[orow + 2 * x] = left;
      if (2 * x + 1 < W) o[orow + 2 * x + 1] = right;
    }
  }
  return out;
}

/** Box replication (`int_upsample`), and the nearest sample for the ratios libjpeg refuses. */
function box(plane: SamplePlane, h: number, v: number, hMax: number, vMax: number, W: number, H: number): SamplePlane {
  const out = fullPlane(W, H);
  const { width: w, height: hh, stride, data: s } = plane;
  for (let oy = 0; oy < H; oy++) {
    const row = Math.min(Math.floor((oy * v) / vMax), hh - 1) * stride;
    for (let ox = 0; ox < W; ox++) out.data[oy * W + ox] = s[row + Math.min(Math.floor((ox * h) / hMax), w - 1)];
  }
  return out;
}
