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
 * Output row `oy` of one component brought to W samples, written to `out[0..W)`. The decoder
 * (jpeg.ts) asks for one row at a time and converts it to RGB at once, as libjpeg's upsampler
 * hands its colour converter a row group at a time, so no full-size chroma plane ever exists.
 * Input row y is read at `(y mod plane.ring)·stride`; the rows read are y = floor(oy·v/vMax) and,
 * for the fancy vertical filters, y − 1 and y + 1 (clamped to the plane).
 * @param plane the component's samples, `plane.width × plane.height` real ones
 * @param h, v the component's sampling factors; hMax, vMax the largest in the frame
 * @param out (W) the output row; `colsum` (plane.width + 2) scratch for h2v2
 */
export function upsampleRow(plane: SamplePlane, h: number, v: number, hMax: number, vMax: number, W: number, oy: number, out: Uint8Array, colsum: Int32Array): void {
  if (h === hMax && v === vMax) out.set(plane.data.subarray(rowAt(plane, oy), rowAt(plane, oy) + W));
  else if (2 * h === hMax && v === vMax && plane.width > 2) h2v1Fancy(plane, W, oy, out);
  else if (h === hMax && 2 * v === vMax) h1v2Fancy(plane, W, oy, out);
  else if (2 * h === hMax && 2 * v === vMax && plane.width > 2) h2v2Fancy(plane, W, oy, out, colsum);
  else box(plane, h, v, hMax, vMax, W, oy, out);
}

/** Where input row y starts in `plane.data`, y clamped to the plane's rows (jdmainct.c's replicated edge rows). */
function rowAt(plane: SamplePlane, y: number): number {
  return (Math.min(Math.max(y, 0), plane.height - 1) % plane.ring) * plane.stride;
}

/**
 * `h2v1_fancy_upsample`: output row oy from input row oy, columns 2x and 2x+1 from input column x.
 * At the edges the missing neighbour is the edge sample itself, (4·s + 1) >> 2 = s, which is
 * libjpeg's copied edge column; the edge columns are taken out of the loop so that it has no branch.
 */
function h2v1Fancy(plane: SamplePlane, W: number, oy: number, o: Uint8Array): void {
  const { width: w, data: s } = plane;
  const row = rowAt(plane, oy);
  const last = row + w - 1;
  o[0] = s[row];
  o[1] = (3 * s[row] + s[row + 1] + 2) >> 2;
  for (let x = 1; x < w - 1; x++) {
    // output columns 2x (left of input centre x) and 2x+1 (right of it)
    const near = 3 * s[row + x];
    o[2 * x] = (near + s[row + x - 1] + 1) >> 2;
    o[2 * x + 1] = (near + s[row + x + 1] + 2) >> 2;
  }
  o[2 * w - 2] = (3 * s[last] + s[last - 1] + 1) >> 2;
  if (2 * w - 1 < W) o[2 * w - 1] = s[last];
}

/** `h1v2_fancy_upsample`: output row 2y or 2y+1 from input row y and the row above or below. */
function h1v2Fancy(plane: SamplePlane, W: number, oy: number, o: Uint8Array): void {
  const s = plane.data;
  const y = oy >> 1;
  const odd = oy & 1;
  const near = rowAt(plane, y);
  const far = rowAt(plane, odd ? y + 1 : y - 1);
  const bias = odd ? 2 : 1;
  for (let ox = 0; ox < W; ox++) o[ox] = (3 * s[near + ox] + s[far + ox] + bias) >> 2;
}

/**
 * `h2v2_fancy_upsample`: column sums of input row y and its neighbour, then the h2v1 step on them;
 * at the edges, as in h2v1, the missing neighbour is the edge column sum (libjpeg's 4·c).
 */
function h2v2Fancy(plane: SamplePlane, W: number, oy: number, o: Uint8Array, colsum: Int32Array): void {
  const w = plane.width;
  h2v2ColumnSums(plane, oy, colsum);
  for (let x = 0; x < w; x++) {
    // output columns 2x and 2x+1 from column sum x (at colsum[x + 1]) and its left or right neighbour
    const c = 3 * colsum[x + 1];
    o[2 * x] = (c + colsum[x] + 8) >> 4;
    if (2 * x + 1 < W) o[2 * x + 1] = (c + colsum[x + 2] + 7) >> 4;
  }
}

/**
 * The vertical step of h2v2: colsum[x + 1] = 3·s(y, x) + s(y ± 1, x) for x = 0..w−1, the row above
 * for even oy and below for odd (output row oy lies 1/4 of the way from input row y = oy >> 1
 * towards it), with the edge sums repeated at colsum[0] and colsum[w + 1].
 * @param colsum (plane.width + 2) the sums
 */
export function h2v2ColumnSums(plane: SamplePlane, oy: number, colsum: Int32Array): void {
  const { width: w, data: s } = plane;
  const near = h2v2Near(plane, oy);
  const far = h2v2Far(plane, oy);
  for (let x = 0; x < w; x++) colsum[x + 1] = 3 * s[near + x] + s[far + x];
  colsum[0] = colsum[1];
  colsum[w + 1] = colsum[w];
}

/** Where h2v2's near input row for output row oy starts: y = oy >> 1. */
export const h2v2Near = (plane: SamplePlane, oy: number) => rowAt(plane, oy >> 1);

/** Where h2v2's far input row for output row oy starts: the row above y for even oy, below for odd. */
export const h2v2Far = (plane: SamplePlane, oy: number) => rowAt(plane, oy & 1 ? (oy >> 1) + 1 : (oy >> 1) - 1);

/** Box replication (`int_upsample`), and the nearest sample for the ratios libjpeg refuses. */
function box(plane: SamplePlane, h: number, v: number, hMax: number, vMax: number, W: number, oy: number, o: Uint8Array): void {
  const { width: w, data: s } = plane;
  const row = rowAt(plane, Math.floor((oy * v) / vMax));
  for (let ox = 0; ox < W; ox++) o[ox] = s[row + Math.min(Math.floor((ox * h) / hMax), w - 1)];
}
