/**
 * Box voting (`RetinaFace.bbox_vote`, retinaface.py), the merge detect() uses instead of NMS when the
 * detector is built with `vote=True` (the multi-scale WIDER FACE evaluation). Legend: N detections, each
 * [x1, y1, x2, y2, score], sorted by score, highest first.
 *
 * Repeatedly take the best remaining detection and every remaining one that overlaps it with
 * IoU ≥ thresh (+1 convention, float64, the best one included: its IoU with itself is 1); remove them
 * all and emit their score-weighted mean box with the group's highest score. A group of one is the
 * original's quirk: it is dropped, unless it is the very last detection left, which is emitted as it is.
 * At most 750 detections are emitted.
 */

const MAX_DETECTIONS = 750;

/**
 * `bbox_vote` (retinaface.py).
 * @param det (N, 5) x1, y1, x2, y2, score, sorted by score descending (detect's float32 pre_det)
 * @param thresh merge when IoU ≥ thresh (the detector's nms_threshold)
 * @returns (M, 5) float64 voted detections, M ≤ 750
 */
export function bboxVote(det: ArrayLike<number>, thresh: number): Float64Array {
  let remaining = Array.from({ length: det.length / 5 }, (_, i) => i);
  const x1 = (i: number): number => det[i * 5];
  const y1 = (i: number): number => det[i * 5 + 1];
  const x2 = (i: number): number => det[i * 5 + 2];
  const y2 = (i: number): number => det[i * 5 + 3];
  const area = (i: number): number => (x2(i) - x1(i) + 1) * (y2(i) - y1(i) + 1);

  const out: number[] = [];
  while (remaining.length > 0 && out.length < MAX_DETECTIONS * 5) {
    // the group of the best remaining detection t
    const t = remaining[0];
    const group: number[] = [];
    const rest: number[] = [];
    for (const i of remaining) {
      const w = Math.max(0, Math.min(x2(t), x2(i)) - Math.max(x1(t), x1(i)) + 1);
      const h = Math.max(0, Math.min(y2(t), y2(i)) - Math.max(y1(t), y1(i)) + 1);
      const inter = w * h;
      // i === t: the original relies on IoU 1 here; a zero-area box (0/0) would make it loop forever
      if (i === t || inter / (area(t) + area(i) - inter) >= thresh) group.push(i);
      else rest.push(i);
    }
    remaining = rest;

    if (group.length === 1) {
      if (remaining.length === 0) out.push(x1(t), y1(t), x2(t), y2(t), det[t * 5 + 4]);
      continue;
    }
    // score-weighted mean of the group's boxes, the group's highest score
    const sum = [0, 0, 0, 0];
    let scoreSum = 0;
    let maxScore = -Infinity;
    for (const i of group) {
      const score = det[i * 5 + 4];
      for (let c = 0; c < 4; c++) sum[c] += det[i * 5 + c] * score;
      scoreSum += score;
      maxScore = Math.max(maxScore, score);
    }
    out.push(sum[0] / scoreSum, sum[1] / scoreSum, sum[2] / scoreSum, sum[3] / scoreSum, maxScore);
  }
  return Float64Array.from(out);
}
