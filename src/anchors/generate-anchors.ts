/**
 * Base anchors: the A boxes every position of a feature map starts from (rcnn/processing/generate_anchor.py,
 * from Faster R-CNN). Legend: A = ratios × scales anchors per position; a box is [x1, y1, x2, y2].
 *
 * Boxes follow the +1 pixel convention of the original: a box covering pixels x1..x2 is x2 − x1 + 1 wide,
 * and its centre is x1 + (w − 1)/2. Start from the reference box (0, 0, base−1, base−1); for each ratio r
 * keep its area but make it r times as tall as wide, widths rounded to whole pixels (numpy's round:
 * halves to even); then for each scale s multiply width and height by s around the same centre.
 * Rows are ratio-major: anchor a = ratioIndex · scales + scaleIndex.
 *
 * For 'net3' (base 16, ratio 1) this gives squares centred on (7.5, 7.5): at stride 32
 * (−248, −248, 263, 263) and (−120, −120, 135, 135).
 */
import type { AnchorLevel } from './config.js';

/**
 * `generate_anchors` (rcnn/processing/generate_anchor.py): the base anchors of one level, in float64
 * like the original (without `dense_anchor`, which RetinaFace never sets).
 * @returns (A, 4) x1, y1, x2, y2, A = ratios.length · scales.length
 */
export function generateAnchors(baseSize: number, ratios: readonly number[], scales: readonly number[]): Float64Array {
  const { w, h, xCtr, yCtr } = whctrs([0, 0, baseSize - 1, baseSize - 1]);
  const anchors = new Float64Array(ratios.length * scales.length * 4);
  let a = 0;
  for (const ratio of ratios) {
    // _ratio_enum: same area, height = ratio · width, both rounded to whole pixels.
    const ws = roundHalfEven(Math.sqrt((w * h) / ratio));
    const hs = roundHalfEven(ws * ratio);
    const ratioAnchor = mkanchor(ws, hs, xCtr, yCtr);
    for (const scale of scales) {
      // _scale_enum: the ratio anchor scaled around its centre.
      const c = whctrs(ratioAnchor);
      anchors.set(mkanchor(c.w * scale, c.h * scale, c.xCtr, c.yCtr), a * 4);
      a++;
    }
  }
  return anchors;
}

/**
 * `generate_anchors_fpn` (rcnn/processing/generate_anchor.py) followed by the `astype(np.float32)` of
 * `RetinaFace.__init__`: the base anchors of every level, keyed by stride, largest stride first.
 * @returns stride → (A, 4) float32
 */
export function generateAnchorsFpn(config: readonly AnchorLevel[]): Map<number, Float32Array> {
  const levels = [...config].sort((p, q) => q.stride - p.stride);
  return new Map(levels.map((l) => [l.stride, Float32Array.from(generateAnchors(l.baseSize, l.ratios, l.scales))]));
}

/** `_whctrs`: width, height and centre of a box (+1 convention). */
function whctrs(box: ArrayLike<number>): { w: number; h: number; xCtr: number; yCtr: number } {
  const w = box[2] - box[0] + 1;
  const h = box[3] - box[1] + 1;
  return { w, h, xCtr: box[0] + 0.5 * (w - 1), yCtr: box[1] + 0.5 * (h - 1) };
}

/** `_mkanchors`: the box of width w and height h around a centre. */
function mkanchor(w: number, h: number, xCtr: number, yCtr: number): number[] {
  return [xCtr - 0.5 * (w - 1), yCtr - 0.5 * (h - 1), xCtr + 0.5 * (w - 1), yCtr + 0.5 * (h - 1)];
}

/** `np.round`: to the nearest integer, halves to the even one (Math.round would send 18.5 to 19). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
