/**
 * WIDER FACE's easy / medium / hard AP, computed as the official evaluation script computes it
 * (wondervictor's `evaluation.py`, as vendored in biubug6/Pytorch_Retinaface `widerface_evaluate/`),
 * quirks included, so the numbers equal what papers report:
 *
 * 1. `norm_score`: every score of the prediction folder is min-max normalised over the whole folder
 *    (images outside the ground truth included), with the running minimum starting at 1 and the
 *    maximum at 0: s' = (s − min) / (max − min).
 * 2. `image_eval`, per image and setting: faces whose 1-based index is not in the setting's `gt_list`
 *    are "ignore" faces. Predictions are taken in FILE order (never sorted by score); each is matched
 *    to the face of highest IoU (`bbox_overlaps`, the +1 convention, boxes as x, y, x + w, y + h;
 *    the first face on a tie). If that IoU ≥ 0.5, a match to an ignore face makes the prediction
 *    "not a proposal"; a match to a counted face recalls it, once: a duplicate detection of a face
 *    already recalled is still a proposal, and so a false positive. `pred_recall[h]` is the number
 *    of faces recalled by the first h + 1 predictions.
 * 3. `img_pr_info`: for 1000 thresholds t = 1 − (k + 1)/1000, the LAST prediction in file order with
 *    score ≥ t decides: proposals = predictions up to it that are proposals, recalled =
 *    `pred_recall` at it. An image with no face or no prediction adds nothing, but its faces still
 *    count in the setting's total.
 * 4. `dataset_pr_info` and `voc_ap`: precision = recalled / proposals (0/0 is NaN, as numpy makes
 *    it), recall = recalled / faces of the setting; AP is the area under the precision envelope
 *    (VOC all-point), summed where recall changes.
 */
import { bboxOverlaps } from '../anchors/bbox-overlaps.js';
import { RetinaFaceError } from '../errors.js';
import { SETTINGS, type Setting, type WiderEvent } from './wider-ground-truth.js';
import type { PredictionSet } from './wider-predictions.js';

/** The script's `thresh_num`. */
export const THRESH_NUM = 1000;
/** The script's `iou_thresh`. */
export const IOU_THRESH = 0.5;

export interface PrCurve {
  /** Per threshold k (t = 1 − (k + 1)/1000): precision and recall. */
  readonly precision: Float64Array;
  readonly recall: Float64Array;
}

export interface WiderResult {
  readonly ap: Record<Setting, number>;
  /** Images scored (those of the ground truth; in subset mode those with a prediction file). */
  readonly images: number;
  /** Faces that count per setting, over the images scored. */
  readonly faces: Record<Setting, number>;
  readonly curves: Record<Setting, PrCurve>;
  /** True when only the images with a prediction file were scored: not comparable with published AP. */
  readonly subset: boolean;
  /** Ground-truth images without a prediction file (skipped in subset mode; otherwise an error). */
  readonly missing: number;
}

export interface WiderOptions {
  /** Score only the images that have a prediction file (a user with part of the set). */
  readonly subset?: boolean;
}

/** Scores `predictions` against the ground truth, as evaluation.py's `evaluation()`. */
export function evaluateWider(groundTruth: readonly WiderEvent[], predictions: PredictionSet, options: WiderOptions = {}): WiderResult {
  const subset = options.subset ?? false;
  const normalise = normScore(predictions);
  const pr = Object.fromEntries(SETTINGS.map((s) => [s, { proposals: new Float64Array(THRESH_NUM), recalled: new Float64Array(THRESH_NUM) }])) as Record<Setting, { proposals: Float64Array; recalled: Float64Array }>;
  const faces = { easy: 0, medium: 0, hard: 0 };
  let images = 0;
  let missing = 0;
  for (const event of groundTruth) {
    const eventPredictions = predictions.get(event.name);
    for (const image of event.images) {
      const found = eventPredictions?.get(image.name);
      if (found === undefined) {
        missing++;
        if (subset) continue;
        throw new RetinaFaceError('WIDER', `no prediction file for ${event.name}/${image.name}.jpg (expected ${event.name}/${image.name}.txt naming '${image.name}' on line 1; --subset scores only the images that have one)`);
      }
      images++;
      for (const s of SETTINGS) faces[s] += image.keep[s].length;
      if (image.boxes.length === 0 || found.boxes.length === 0) continue;
      const scores = normalise(found.boxes);
      const matches = bestMatches(found.boxes, image.boxes);
      const last = lastAboveThreshold(scores);
      for (const s of SETTINGS) {
        const { proposalsUpTo, predRecall } = imageEval(matches, image.boxes.length / 4, image.keep[s]);
        // img_pr_info, summed into the set's curve
        for (let k = 0; k < THRESH_NUM; k++) {
          const r = last[k];
          if (r < 0) continue;
          pr[s].proposals[k] += proposalsUpTo[r];
          pr[s].recalled[k] += predRecall[r];
        }
      }
    }
  }
  const curves = {} as Record<Setting, PrCurve>;
  const ap = {} as Record<Setting, number>;
  for (const s of SETTINGS) {
    // dataset_pr_info
    const precision = new Float64Array(THRESH_NUM);
    const recall = new Float64Array(THRESH_NUM);
    for (let k = 0; k < THRESH_NUM; k++) {
      precision[k] = pr[s].recalled[k] / pr[s].proposals[k];
      recall[k] = pr[s].recalled[k] / faces[s];
    }
    curves[s] = { precision, recall };
    ap[s] = vocAp(recall, precision);
  }
  return { ap, images, faces, curves, subset, missing };
}

/**
 * `norm_score`: a function giving one image's normalised scores, with min and max taken over every
 * box of the folder (running min from 1, max from 0, images with no box left out).
 */
function normScore(predictions: PredictionSet): (boxes: Float64Array) => Float64Array {
  let maxScore = 0;
  let minScore = 1;
  for (const event of predictions.values()) {
    for (const { boxes } of event.values()) {
      if (boxes.length === 0) continue;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 4; i < boxes.length; i += 5) { lo = Math.min(lo, boxes[i]); hi = Math.max(hi, boxes[i]); }
      maxScore = Math.max(hi, maxScore);
      minScore = Math.min(lo, minScore);
    }
  }
  const diff = maxScore - minScore;
  return (boxes) => {
    const scores = new Float64Array(boxes.length / 5);
    for (let h = 0; h < scores.length; h++) scores[h] = (boxes[h * 5 + 4] - minScore) / diff;
    return scores;
  };
}

/**
 * For each prediction h (file order), the face of highest IoU (`gt_overlap.argmax()`: the first on a
 * tie, the first NaN if any) and that IoU, from `bbox_overlaps` of x1, y1, x2 = x + w, y2 = y + h.
 * The same for every setting, so computed once per image.
 * @param predictions (P, 5) x, y, w, h, score
 * @param faces (F, 4) x, y, w, h
 */
function bestMatches(predictions: Float64Array, faces: Float64Array): { face: Int32Array; iou: Float64Array } {
  const P = predictions.length / 5;
  const F = faces.length / 4;
  const corners = (rows: Float64Array, width: number, n: number) => {
    const out = new Float64Array(n * 4);
    for (let i = 0; i < n; i++) {
      const [x, y, w, h] = [rows[i * width], rows[i * width + 1], rows[i * width + 2], rows[i * width + 3]];
      out.set([x, y, w + x, h + y], i * 4);
    }
    return out;
  };
  const overlaps = bboxOverlaps(corners(predictions, 5, P), corners(faces, 4, F)); // (P, F)
  const face = new Int32Array(P);
  const iou = new Float64Array(P);
  for (let h = 0; h < P; h++) {
    let best = overlaps[h * F];
    let at = 0;
    for (let f = 1; f < F && !Number.isNaN(best); f++) {
      const v = overlaps[h * F + f];
      if (v > best || Number.isNaN(v)) { best = v; at = f; }
    }
    face[h] = at;
    iou[h] = best;
  }
  return { face, iou };
}

/**
 * `image_eval` for one setting: `predRecall[h]` (faces recalled by predictions 0..h) and
 * `proposalsUpTo[h]` (predictions 0..h still proposals: the count `img_pr_info` takes).
 * @param keep 1-based indices of the faces that count; the others are ignore faces
 */
function imageEval(matches: { face: Int32Array; iou: Float64Array }, F: number, keep: Float64Array): { proposalsUpTo: Int32Array; predRecall: Int32Array } {
  const counted = new Uint8Array(F);
  for (const k of keep) counted[k - 1] = 1;
  const recallList = new Int8Array(F); // 0 not yet, 1 recalled, -1 ignore face matched
  const P = matches.face.length;
  const predRecall = new Int32Array(P);
  const proposalsUpTo = new Int32Array(P);
  let recalled = 0;
  let proposals = 0;
  for (let h = 0; h < P; h++) {
    const f = matches.face[h];
    let proposal = true;
    if (matches.iou[h] >= IOU_THRESH) {
      if (counted[f] === 0) {
        recallList[f] = -1;
        proposal = false;
      } else if (recallList[f] === 0) {
        recallList[f] = 1;
        recalled++;
      }
    }
    if (proposal) proposals++;
    predRecall[h] = recalled;
    proposalsUpTo[h] = proposals;
  }
  return { proposalsUpTo, predRecall };
}

/**
 * For each threshold k, the index of the last prediction (file order) with score ≥ 1 − (k + 1)/1000,
 * or −1: `np.where(pred_info[:, 4] >= thresh)[0][-1]`. The thresholds fall with k, so prediction h
 * is above every threshold from the first one at or below its score on; a running maximum over k
 * gives the last index in O(P log K + K).
 */
function lastAboveThreshold(scores: Float64Array): Int32Array {
  const last = new Int32Array(THRESH_NUM).fill(-1);
  for (let h = 0; h < scores.length; h++) {
    // first k with THRESHOLDS[k] <= score (binary search over the falling thresholds)
    let lo = 0;
    let hi = THRESH_NUM;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (THRESHOLDS[mid] <= scores[h]) hi = mid;
      else lo = mid + 1;
    }
    if (lo < THRESH_NUM) last[lo] = Math.max(last[lo], h);
  }
  for (let k = 1; k < THRESH_NUM; k++) last[k] = Math.max(last[k], last[k - 1]);
  return last;
}

/** `thresh = 1 - (t+1)/thresh_num`, in the same float64 arithmetic as the script. */
const THRESHOLDS = Float64Array.from({ length: THRESH_NUM }, (_, k) => 1 - (k + 1) / THRESH_NUM);

/**
 * `voc_ap`: sentinels (recall 0 … 1, precision 0 … 0), the precision envelope from the right
 * (np.maximum keeps a NaN, and so does Math.max), then Σ Δrecall · precision where recall changes.
 */
export function vocAp(recall: Float64Array, precision: Float64Array): number {
  const mrec = Float64Array.of(0, ...recall, 1);
  const mpre = Float64Array.of(0, ...precision, 0);
  for (let i = mpre.length - 1; i > 0; i--) mpre[i - 1] = Math.max(mpre[i - 1], mpre[i]);
  let ap = 0;
  for (let i = 0; i + 1 < mrec.length; i++) {
    if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  }
  return ap;
}
