/**
 * Online hard example mining for one stride (`RPNFPNOHEM3Operator.forward`, rcnn/PY_OP/rpn_fpn_ohem3.py,
 * OHEM_MODE 1). Legend: A anchors per position, K = H·W positions, anchor i = a·K + k in the label
 * layout of assign_anchor_fpn (anchor-major).
 *
 * Of the ~16800 anchors of a crop almost all are easy background; training on all of them would teach
 * little. Per image and stride, OHEM keeps RPN_BATCH_SIZE (256) labelled anchors and ignores (−1) the
 * rest, choosing by the network's current face score s = score_face − score_background (the logit
 * difference, = log(p_face / p_background)):
 *
 * - at most RPN_FG_FRACTION·256 = 64 positives: if there are more, the 64 with the lowest s (the
 *   faces the network misses most);
 * - 256 − (positives kept) negatives: the ones with the highest s (background the network most
 *   mistakes for a face); all of them if there are fewer.
 *
 * The ranking is numpy's `argsort` (its unstable introsort, anchors/argsort.ts) ascending for
 * positives, and the same order reversed for negatives, so ties fall exactly as in the original.
 * The op also returns an anchor weight, 1 for each kept positive, in position-major order k·A + a
 * (the order the box and landmark weights are tiled in), and the count of kept positives.
 */
import { argsort } from '../anchors/argsort.js';
import { TRAIN_CONFIG, type TrainConfig } from './config.js';

export interface OhemResult {
  /** (A·K) labels after mining, index a·K + k: 1 kept face, 0 kept background, −1 ignored */
  readonly labels: Float32Array;
  /** (K·A) 1 for kept faces, index k·A + a */
  readonly anchorWeight: Float32Array;
  /** Number of kept faces (`valid_count`). */
  readonly validCount: number;
}

/**
 * `RPNFPNOHEM3Operator.forward` (rcnn/PY_OP/rpn_fpn_ohem3.py), mode 1, for one image.
 * @param clsScore (2, A·K) the stride's class logits reshaped (0, 2, −1): [0][i] background, [1][i] face
 * @param labels (A·K) the stride's labels from assign_anchor_fpn (`face_label_strideS`)
 */
export function rpnFpnOhem3(clsScore: Float32Array, labels: Float32Array, A: number, config: TrainConfig = TRAIN_CONFIG): OhemResult {
  const n = labels.length;
  const K = n / A;
  const out = new Float32Array(labels);
  const fgScore = new Float32Array(n);
  for (let i = 0; i < n; i++) fgScore[i] = clsScore[n + i] - clsScore[i];

  // Positives: keep the num_fg hardest (lowest face score).
  const numFg = Math.trunc(config.RPN_FG_FRACTION * config.RPN_BATCH_SIZE);
  const fgInds = indicesWhere(out, (l) => l > 0);
  if (fgInds.length > numFg) {
    const order = argsort(fgInds.map((i) => fgScore[i]));
    for (const i of fgInds) out[i] = -1;
    for (let j = 0; j < numFg; j++) out[fgInds[order[j]]] = 1;
  }

  // Negatives: fill the batch with the hardest (highest face score).
  const nFg = indicesWhere(out, (l) => l > 0).length;
  const numBg = config.RPN_BATCH_SIZE - nFg;
  const bgInds = indicesWhere(out, (l) => l === 0);
  if (numBg === 0) {
    for (const i of bgInds) out[i] = -1;
  } else if (bgInds.length > numBg) {
    const order = argsort(bgInds.map((i) => fgScore[i])).reverse();
    for (const i of bgInds) out[i] = -1;
    for (let j = 0; j < numBg; j++) out[bgInds[order[j]]] = 0;
  }

  // Anchor weights in position-major order: index k·A + a holds anchor a·K + k.
  const anchorWeight = new Float32Array(n);
  for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) if (out[a * K + k] > 0) anchorWeight[k * A + a] = 1;
  return { labels: out, anchorWeight, validCount: nFg };
}

function indicesWhere(values: Float32Array, test: (v: number) => boolean): number[] {
  const inds: number[] = [];
  values.forEach((v, i) => {
    if (test(v)) inds.push(i);
  });
  return inds;
}
