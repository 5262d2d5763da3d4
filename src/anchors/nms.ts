/**
 * Greedy non-maximum suppression (`cpu_nms`, rcnn/cython/cpu_nms.pyx, from Fast R-CNN; RetinaFace.detect
 * calls it through `cpu_nms_wrapper`). Legend: N detections, each [x1, y1, x2, y2, score].
 *
 * Visit the detections from the highest score down; keep a detection unless an already kept one overlaps
 * it with IoU ≥ thresh, where
 *
 *   IoU = inter / (area_i + area_j − inter),  area = (x2 − x1 + 1)·(y2 − y1 + 1)   (+1 convention)
 *
 * Three details decide which indices survive, and the original's are kept:
 * - the Cython loop computes areas, intersection and IoU in float32 (Math.fround at every step here),
 *   and compares that float32 IoU with the double threshold: an IoU of exactly 0.4 is 0.4000000059604645
 *   in float32 and is suppressed at 0.4;
 * - the comparison is ≥ (the pure-numpy `nms` in rcnn/processing/nms.py keeps IoU = thresh; detect does
 *   not use it);
 * - the visiting order is `scores.argsort()[::-1]`, numpy's unstable introsort reversed (argsort.ts), so
 *   among equal scores the last index goes first when there are at most 16 detections.
 * Two zero-area boxes give IoU 0/0: the Cython code raises ZeroDivisionError, here the NaN IoU suppresses
 * nothing. detect() never meets this, its clipped boxes are at least one pixel wide.
 */
import { argsort } from './argsort.js';

/** The .pyx's own inline max and min (they differ from Math.max/min only on NaN). */
const max = (a: number, b: number): number => (a >= b ? a : b);
const min = (a: number, b: number): number => (a <= b ? a : b);

/**
 * `scores.argsort()[::-1]`: indices from the highest score to the lowest, ties in numpy's order.
 * @param scores (N) float32 scores
 * @returns (N) indices
 */
export function argsortDescending(scores: ArrayLike<number>): Int32Array {
  return argsort(scores).reverse();
}

/**
 * `cpu_nms` (rcnn/cython/cpu_nms.pyx): indices of the detections kept, highest score first.
 * @param dets (N, 5) float32 x1, y1, x2, y2, score
 * @param thresh suppress when float32 IoU ≥ thresh
 * @returns kept row indices of dets, in visiting order
 */
export function cpuNms(dets: Float32Array, thresh: number): number[] {
  const n = dets.length / 5;
  const f = Math.fround;
  const scores = new Float32Array(n);
  const areas = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2, score] = dets.subarray(i * 5, i * 5 + 5);
    scores[i] = score;
    areas[i] = f(f(f(x2 - x1) + 1) * f(f(y2 - y1) + 1));
  }
  const order = argsortDescending(scores);
  const suppressed = new Uint8Array(n);

  const keep: number[] = [];
  // candidate _i, in score order
  for (let _i = 0; _i < n; _i++) {
    const i = order[_i];
    if (suppressed[i]) continue;
    keep.push(i);
    const [ix1, iy1, ix2, iy2] = dets.subarray(i * 5, i * 5 + 4);
    // every lower-scored detection _j still in the running
    for (let _j = _i + 1; _j < n; _j++) {
      const j = order[_j];
      if (suppressed[j]) continue;
      const xx1 = max(ix1, dets[j * 5]);
      const yy1 = max(iy1, dets[j * 5 + 1]);
      const xx2 = min(ix2, dets[j * 5 + 2]);
      const yy2 = min(iy2, dets[j * 5 + 3]);
      const w = max(0, f(f(xx2 - xx1) + 1));
      const h = max(0, f(f(yy2 - yy1) + 1));
      const inter = f(w * h);
      const ovr = f(inter / f(f(areas[i] + areas[j]) - inter));
      if (ovr >= thresh) suppressed[j] = 1;
    }
  }
  return keep;
}
