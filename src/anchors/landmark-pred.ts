/**
 * Landmark decoding (`RetinaFace.landmark_pred`, retinaface.py). Legend: N boxes, 5 points (left eye,
 * right eye, nose, left and right mouth corner), each (x, y).
 *
 * Each point is predicted as an offset from the anchor's centre in units of the anchor's size:
 *
 *   x = dx·w + cx,  y = dy·h + cy,  w = x2 − x1 + 1,  cx = x1 + 0.5·(w − 1)   (+1 convention)
 *
 * The original computes in float64 (its anchors are cast to float64) but writes the results into a copy
 * of the float32 delta array, so each point is rounded to float32 once, at the end.
 */

/**
 * `landmark_pred` (retinaface.py): decode landmark deltas against their anchors.
 * @param boxes (N, 4) anchors x1, y1, x2, y2
 * @param deltas (N, 5, 2) landmark deltas, point p at [p][0] = dx, [p][1] = dy
 * @returns (N, 5, 2) float32 landmark coordinates
 */
export function landmarkPred(boxes: Float32Array, deltas: Float32Array): Float32Array {
  const n = boxes.length / 4;
  const pred = new Float32Array(n * 10);
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = boxes.subarray(i * 4, i * 4 + 4);
    const width = x2 - x1 + 1;
    const height = y2 - y1 + 1;
    const ctrX = x1 + 0.5 * (width - 1);
    const ctrY = y1 + 0.5 * (height - 1);
    // point p of box i
    for (let p = 0; p < 5; p++) {
      pred[i * 10 + 2 * p] = deltas[i * 10 + 2 * p] * width + ctrX;
      pred[i * 10 + 2 * p + 1] = deltas[i * 10 + 2 * p + 1] * height + ctrY;
    }
  }
  return pred;
}
