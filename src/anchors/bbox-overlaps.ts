/**
 * Pairwise IoU of two box sets (`bbox_overlaps_cython`, rcnn/cython/bbox.pyx, from Fast R-CNN), the
 * overlap training uses to label anchors against ground truth (rcnn/io/rpn.py `assign_anchor_fpn`).
 * Legend: N boxes, K query boxes, each [x1, y1, x2, y2].
 *
 *   IoU = iw·ih / ua,  iw = min(x2) − max(x1) + 1,  ih alike,  ua = area_n + area_k − iw·ih
 *
 * with areas in the +1 convention; pairs with iw ≤ 0 or ih ≤ 0 overlap 0. The Cython code works in
 * double (`np.float_t`; rpn.py passes `astype(np.float)` arrays), and so does this.
 */

/**
 * `bbox_overlaps` (rcnn/cython/bbox.pyx `bbox_overlaps_cython`).
 * @param boxes (N, 4) x1, y1, x2, y2
 * @param queryBoxes (K, 4) x1, y1, x2, y2
 * @returns (N, K) float64, [n·K + k] = IoU of boxes[n] and queryBoxes[k]
 */
export function bboxOverlaps(boxes: ArrayLike<number>, queryBoxes: ArrayLike<number>): Float64Array {
  const N = boxes.length / 4;
  const K = queryBoxes.length / 4;
  const overlaps = new Float64Array(N * K);
  // query box k against every box n
  for (let k = 0; k < K; k++) {
    const [qx1, qy1, qx2, qy2] = [queryBoxes[k * 4], queryBoxes[k * 4 + 1], queryBoxes[k * 4 + 2], queryBoxes[k * 4 + 3]];
    const boxArea = (qx2 - qx1 + 1) * (qy2 - qy1 + 1);
    for (let n = 0; n < N; n++) {
      const [x1, y1, x2, y2] = [boxes[n * 4], boxes[n * 4 + 1], boxes[n * 4 + 2], boxes[n * 4 + 3]];
      const iw = Math.min(x2, qx2) - Math.max(x1, qx1) + 1;
      if (iw <= 0) continue;
      const ih = Math.min(y2, qy2) - Math.max(y1, qy1) + 1;
      if (ih <= 0) continue;
      const ua = (x2 - x1 + 1) * (y2 - y1 + 1) + boxArea - iw * ih;
      overlaps[n * K + k] = (iw * ih) / ua;
    }
  }
  return overlaps;
}
