/**
 * Anchor labels and regression targets for one training crop (`AA.assign_anchor_fpn`, rcnn/io/rpn.py,
 * from Faster R-CNN's anchor target layer). Legend: N ground-truth faces, A anchors per position
 * (2), H×W the feature map of a stride, K = H·W positions, M = all anchors of all strides.
 *
 * Every anchor of the three strides (anchors_plane order, row (y·W + x)·A + a, strides 32, 16, 8
 * concatenated) is compared with every face by IoU (+1 convention, float64, `bbox_overlaps`):
 *
 *   label 0 (background) where its best IoU < RPN_NEGATIVE_OVERLAP (0.3),
 *   label 1 (face)       where its best IoU ≥ RPN_POSITIVE_OVERLAP (0.5),
 *   label −1 (ignored)   in between.
 *
 * RPN_CLOBBER_POSITIVES writes the background labels last instead of first; RPN_FORCE_POSITIVE also makes
 * positive every anchor whose IoU with some face equals that face's best IoU (the original's
 * `np.where(overlaps == gt_max_overlaps)`, quirks included: a face no anchor touches has best IoU 0 and
 * then forces every anchor it does not touch). Both are off for mnet, and no sampling happens here
 * (RPN_ENABLE_OHEM = 2: OHEM picks the anchors later, ohem.ts), so the result is deterministic.
 *
 * Every anchor gets the box and landmark targets of its best face (argmax, the first on ties, face 0
 * when it touches none), but only label-1 anchors get weight 1; landmark weights are 0 when that face's
 * landmarks are missing (flag of its first point < 0). Faces of class −1 are dropped first. Anchors
 * outside the image by more than ALLOWED_BORDER (9999: none) get label −1 and zero targets.
 *
 * The outputs keep the original's names and layout: `face_label_strideS` (1, A·K) indexed a·K + k
 * (anchor-major, the layout of the (0, 2, −1) reshape of the class scores); `face_bbox_target_strideS`
 * (1, 4A, K) and `face_landmark_target_strideS` (1, 10A, K) with channel a·4 + j and a·10 + 2p + (0 x |
 * 1 y) (the layout of the bbox and landmark heads); weights alike; and `face_label`, `face_bbox_target`,
 * … with the strides concatenated on the last axis.
 */
import { ANCHOR_CONFIG, type AnchorLevel } from '../anchors/config.js';
import { bboxOverlaps } from '../anchors/bbox-overlaps.js';
import { generateAnchorsFpn } from '../anchors/generate-anchors.js';
import { anchorsPlane } from '../anchors/plane.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { TRAIN_CONFIG, type TrainConfig } from './config.js';
import { landmarkTransform, nonlinearTransform } from './transforms.js';

/** The ground truth of one crop, as `get_crop_batch` (rcnn/io/rpn.py) hands it over. */
export interface GtLabel {
  /** (N, 5) x1, y1, x2, y2, class (1 face; −1 ignored) */
  readonly gtBoxes: Float32Array;
  /** (N, 5, 3) x, y, flag (1 visible, 0 occluded, −1 missing) */
  readonly gtLandmarks: Float32Array;
}

/** The anchors of one stride over an image. */
interface LevelAnchors {
  readonly stride: number;
  readonly height: number;
  readonly width: number;
  readonly A: number;
  /** (K·A, 4) float32, row (y·W + x)·A + a */
  readonly anchors: Float32Array;
}

/**
 * `AA.assign_anchor_fpn` (rcnn/io/rpn.py) with `landmark=True, prefix='face'`.
 * @param image height and width of the network input (im_info; 640×640 for a training crop)
 * @returns the original's label dict: `face_label[_strideS]`, `face_bbox_target[_strideS]`,
 *   `face_bbox_weight[_strideS]`, `face_landmark_target[_strideS]`, `face_landmark_weight[_strideS]`
 */
export function assignAnchorFpn(
  gt: GtLabel,
  image: { height: number; width: number },
  config: TrainConfig = TRAIN_CONFIG,
  anchorConfig: readonly AnchorLevel[] = ANCHOR_CONFIG,
): Map<string, Tensor> {
  const { boxes, landmarks } = dropIgnored(gt);
  const N = boxes.length / 4;
  const levels = levelAnchors(image, anchorConfig);
  const anchors = concat(levels.map((l) => l.anchors));
  const M = anchors.length / 4;

  // The anchors that take part: not more than ALLOWED_BORDER outside the image.
  const inside = new Uint8Array(M);
  let row = 0;
  for (const [i, level] of levels.entries()) {
    const border = anchorConfig[i].allowedBorder;
    for (let r = 0; r < level.anchors.length / 4; r++, row++) {
      const [x1, y1, x2, y2] = anchors.subarray(row * 4, row * 4 + 4);
      inside[row] = x1 >= -border && y1 >= -border && x2 < image.width + border && y2 < image.height + border ? 1 : 0;
    }
  }

  // Labels from the IoU of each anchor with its best face.
  const labels = new Float32Array(M).fill(-1);
  const argmax = new Int32Array(M);
  if (N === 0) {
    for (let m = 0; m < M; m++) if (inside[m]) labels[m] = 0;
  } else {
    const overlaps = bboxOverlaps(anchors, boxes);
    const maxOverlap = new Float64Array(M);
    // anchor m: its best face (the first on ties, as numpy's argmax)
    for (let m = 0; m < M; m++) {
      for (let n = 1; n < N; n++) if (overlaps[m * N + n] > overlaps[m * N + argmax[m]]) argmax[m] = n;
      maxOverlap[m] = overlaps[m * N + argmax[m]];
    }
    const setBackground = () => {
      for (let m = 0; m < M; m++) if (inside[m] && maxOverlap[m] < config.RPN_NEGATIVE_OVERLAP) labels[m] = 0;
    };
    if (!config.RPN_CLOBBER_POSITIVES) setBackground();
    if (config.RPN_FORCE_POSITIVE) forceBestAnchors(overlaps, inside, N, labels);
    for (let m = 0; m < M; m++) if (inside[m] && maxOverlap[m] >= config.RPN_POSITIVE_OVERLAP) labels[m] = 1;
    if (config.RPN_CLOBBER_POSITIVES) setBackground();
  }

  // Targets against each anchor's best face; weights only where the label is 1.
  const bboxTargets = new Float32Array(M * 4);
  const bboxWeights = new Float32Array(M * 4);
  const landmarkTargets = new Float32Array(M * 10);
  const landmarkWeights = new Float32Array(M * 10);
  if (N > 0) {
    const bestBoxes = new Float32Array(M * 4);
    const bestLandmarks = new Float32Array(M * 15);
    for (let m = 0; m < M; m++) {
      bestBoxes.set(boxes.subarray(argmax[m] * 4, argmax[m] * 4 + 4), m * 4);
      bestLandmarks.set(landmarks.subarray(argmax[m] * 15, argmax[m] * 15 + 15), m * 15);
    }
    bboxTargets.set(nonlinearTransform(anchors, bestBoxes));
    landmarkTargets.set(landmarkTransform(anchors, bestLandmarks));
    for (let m = 0; m < M; m++) {
      if (!inside[m]) {
        bboxTargets.fill(0, m * 4, m * 4 + 4);
        landmarkTargets.fill(0, m * 10, m * 10 + 10);
      }
    }
  }
  for (let m = 0; m < M; m++) {
    if (labels[m] !== 1) continue;
    bboxWeights.fill(1, m * 4, m * 4 + 4);
    const landmarksMissing = N > 0 && landmarks[argmax[m] * 15 + 2] < 0;
    if (!landmarksMissing) landmarkWeights.fill(1, m * 10, m * 10 + 10);
  }

  return toLabelDict(levels, { labels, bboxTargets, bboxWeights, landmarkTargets, landmarkWeights });
}

/**
 * The anchors labelled 1 in assign_anchor_fpn's output, as boxes per stride (what a picture of the
 * targets shows).
 * @param targets assignAnchorFpn's output for an image of this size
 * @returns one entry per stride in table order, boxes (P, 4) x1, y1, x2, y2 in anchors_plane row order
 */
export function positiveAnchors(
  targets: Map<string, Tensor>,
  image: { height: number; width: number },
  anchorConfig: readonly AnchorLevel[] = ANCHOR_CONFIG,
): { stride: number; boxes: Float32Array }[] {
  return levelAnchors(image, anchorConfig).map((level) => {
    const K = level.height * level.width;
    const labels = targets.get(`face_label_stride${level.stride}`)!.data;
    const boxes: number[] = [];
    // anchor row r = k·A + a has its label at a·K + k
    for (let r = 0; r < K * level.A; r++) {
      if (labels[(r % level.A) * K + Math.floor(r / level.A)] === 1) boxes.push(...level.anchors.subarray(r * 4, r * 4 + 4));
    }
    return { stride: level.stride, boxes: Float32Array.from(boxes) };
  });
}

/** Drops the faces of class −1 (`nonneg`), keeping boxes as (N, 4) and landmarks as (N, 15). */
function dropIgnored(gt: GtLabel): { boxes: Float32Array; landmarks: Float32Array } {
  const kept: number[] = [];
  for (let n = 0; n < gt.gtBoxes.length / 5; n++) if (gt.gtBoxes[n * 5 + 4] !== -1) kept.push(n);
  const boxes = new Float32Array(kept.length * 4);
  const landmarks = new Float32Array(kept.length * 15);
  kept.forEach((n, i) => {
    boxes.set(gt.gtBoxes.subarray(n * 5, n * 5 + 4), i * 4);
    landmarks.set(gt.gtLandmarks.subarray(n * 15, n * 15 + 15), i * 15);
  });
  return { boxes, landmarks };
}

/**
 * The anchors of every stride. The feature map of stride S is ⌈size / S⌉ on each side: the backbone
 * halves with ⌈s / 2⌉ per stride-2 convolution, and nested ceilings of halves are the ceiling of the
 * quotient (20×20, 40×40, 80×80 for a 640 crop: the `feat_shape` the original infers from the network).
 */
function levelAnchors(image: { height: number; width: number }, anchorConfig: readonly AnchorLevel[]): LevelAnchors[] {
  const base = generateAnchorsFpn(anchorConfig);
  return anchorConfig.map((level) => {
    const baseAnchors = base.get(level.stride)!;
    const height = Math.ceil(image.height / level.stride);
    const width = Math.ceil(image.width / level.stride);
    return { stride: level.stride, height, width, A: baseAnchors.length / 4, anchors: anchorsPlane(height, width, level.stride, baseAnchors) };
  });
}

/** RPN_FORCE_POSITIVE: label 1 for every anchor row holding some face's best IoU. */
function forceBestAnchors(overlaps: Float64Array, inside: Uint8Array, N: number, labels: Float32Array): void {
  const M = labels.length;
  const best = new Float64Array(N).fill(-Infinity);
  for (let m = 0; m < M; m++) if (inside[m]) for (let n = 0; n < N; n++) best[n] = Math.max(best[n], overlaps[m * N + n]);
  for (let m = 0; m < M; m++) {
    if (!inside[m]) continue;
    for (let n = 0; n < N; n++) if (overlaps[m * N + n] === best[n]) labels[m] = 1;
  }
}

/** Per-anchor arrays (row m = anchor m) in the order of `levelAnchors`. */
interface AnchorArrays {
  /** (M,) */
  readonly labels: Float32Array;
  /** (M, 4) */
  readonly bboxTargets: Float32Array;
  readonly bboxWeights: Float32Array;
  /** (M, 10) */
  readonly landmarkTargets: Float32Array;
  readonly landmarkWeights: Float32Array;
}

/**
 * The reshapes at the end of `assign_anchor_fpn`: per stride, labels (K, A) → (1, A·K) anchor-major and
 * targets (K, A·L) → (1, A·L, K) channel-major; then each kind concatenated over strides on its last axis.
 */
function toLabelDict(levels: LevelAnchors[], arrays: AnchorArrays): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const kinds = [
    { name: 'bbox_target', data: arrays.bboxTargets, L: 4 },
    { name: 'bbox_weight', data: arrays.bboxWeights, L: 4 },
    { name: 'landmark_target', data: arrays.landmarkTargets, L: 10 },
    { name: 'landmark_weight', data: arrays.landmarkWeights, L: 10 },
  ];
  const A = levels[0].A;
  const totalK = levels.reduce((sum, l) => sum + l.height * l.width, 0);
  const labelConcat: Float32Array[] = [];
  const concatenated = new Map(kinds.map((kind) => [kind.name, new Float32Array(A * kind.L * totalK)]));
  let first = 0; // first anchor row of this stride
  let kOffset = 0; // first position of this stride in the concatenated last axis
  for (const level of levels) {
    const K = level.height * level.width;
    const label = new Float32Array(A * K);
    // position k, anchor a
    for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) label[a * K + k] = arrays.labels[first + k * A + a];
    out.set(`face_label_stride${level.stride}`, tensor([1, A * K], label));
    labelConcat.push(label);
    for (const kind of kinds) {
      const perStride = new Float32Array(A * kind.L * K);
      const all = concatenated.get(kind.name)!;
      // channel c = a·L + j of position k
      for (let k = 0; k < K; k++) {
        for (let c = 0; c < A * kind.L; c++) {
          const value = kind.data[(first + k * A) * kind.L + c];
          perStride[c * K + k] = value;
          all[c * totalK + kOffset + k] = value;
        }
      }
      out.set(`face_${kind.name}_stride${level.stride}`, tensor([1, A * kind.L, K], perStride));
    }
    first += K * A;
    kOffset += K;
  }
  out.set('face_label', tensor([1, A * totalK], concat(labelConcat)));
  for (const kind of kinds) out.set(`face_${kind.name}`, tensor([1, A * kind.L, totalK], concatenated.get(kind.name)!));
  return out;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
