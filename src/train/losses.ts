/**
 * The training losses of one stride (`get_out`, rcnn/symbol/symbol_common.py, with RPN_ENABLE_OHEM 2
 * and LR_MODE 0). Legend: A anchors per position, K = H·W positions, anchor i = a·K + k, box channel
 * a·4 + j and landmark channel a·10 + 2p + (0 x | 1 y) of position k.
 *
 * - OHEM (ohem.ts) turns the stride's labels into 256 labelled anchors and an anchor weight.
 * - Classification (`SoftmaxOutput`, multi_output, use_ignore, ignore_label −1, normalization
 *   'valid'): the mean over anchors with label ≠ −1 of −log p(label), p the softmax of the anchor's
 *   two logits (background, face).
 * - Boxes: smooth_l1 with scalar σ = 3 of (pred − target) · bbox_weight · anchor_weight, summed over
 *   all elements, scaled by the `MakeLoss` grad_scale bbox_lr_mode0 = 0.25 · BATCH_IMAGES /
 *   RPN_BATCH_SIZE (= 1/64 for mnet). smooth_l1_σ(x) = 0.5·(σx)² if |x| < 1/σ², else |x| − 0.5/σ².
 * - Landmarks: the same with the landmark weights and scale 0.4 · LANDMARK_LR_MULT · bbox_lr_mode0
 *   (= 1/64 too).
 * `MakeLoss` passes its input through and applies the scale to the gradient; the loss reported here
 * is that input's sum times the scale, the quantity whose gradient training follows (the definitions
 * in the golden `train-loss-*` manifests). Sums run in float64.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { TRAIN_CONFIG, type TrainConfig } from './config.js';
import { rpnFpnOhem3, type OhemResult } from './ohem.js';

/** The network outputs of one stride that the losses read. */
export interface StrideOutputs {
  /** (1, 2A, H, W) `face_rpn_cls_score_strideS`: the class logits before the softmax */
  readonly clsScore: Tensor;
  /** (1, 4A, H, W) `face_rpn_bbox_pred_strideS` */
  readonly bboxPred: Tensor;
  /** (1, 10A, H, W) `face_rpn_landmark_pred_strideS` */
  readonly landmarkPred: Tensor;
}

export interface StrideLosses extends OhemResult {
  readonly stride: number;
  /** Kept faces after OHEM. */
  readonly nFg: number;
  /** Anchors with a label after OHEM (faces + background). */
  readonly nValid: number;
  readonly clsLoss: number;
  readonly bboxLoss: number;
  readonly landmarkLoss: number;
}

/**
 * `get_out` (rcnn/symbol/symbol_common.py): OHEM, then the three losses of one stride.
 * @param targets the output of assignAnchorFpn (`face_label_strideS`, `face_bbox_target_strideS`, …)
 */
export function getOut(stride: number, outputs: StrideOutputs, targets: Map<string, Tensor>, config: TrainConfig = TRAIN_CONFIG): StrideLosses {
  const [, twoA, H, W] = outputs.clsScore.shape;
  const A = twoA / 2;
  // each target must cover the A·H·W anchors of this stride's head (L values per anchor)
  const target = (kind: string, L: number): Float32Array => {
    const name = `face_${kind}_stride${stride}`;
    const t = targets.get(name);
    if (t === undefined) throw new RetinaFaceError('SHAPE', `[get_out stride${stride}] no ${name} among the targets (have ${[...targets.keys()].join(', ')})`);
    if (t.data.length !== A * L * H * W) {
      throw new RetinaFaceError('SHAPE', `[get_out stride${stride}] ${name} ${formatShape(t.shape)} needs ${A * L * H * W} values for face_rpn_cls_score_stride${stride} ${formatShape(outputs.clsScore.shape)} [N,2A,H,W]`);
    }
    return t.data;
  };
  const ohem = rpnFpnOhem3(outputs.clsScore.data, target('label', 1), A, config);

  const bboxLrMode0 = (0.25 * config.BATCH_IMAGES) / config.RPN_BATCH_SIZE;
  const landmarkLrMode0 = 0.4 * config.LANDMARK_LR_MULT * bboxLrMode0;
  const bboxLoss = maskedSmoothL1(outputs.bboxPred.data, target('bbox_target', 4), target('bbox_weight', 4), ohem.anchorWeight, A, 4, config) * bboxLrMode0;
  const landmarkLoss =
    maskedSmoothL1(outputs.landmarkPred.data, target('landmark_target', 10), target('landmark_weight', 10), ohem.anchorWeight, A, 10, config) * landmarkLrMode0;

  const { clsLoss, nValid } = softmaxCrossEntropy(outputs.clsScore.data, ohem.labels);
  return { ...ohem, stride, nFg: ohem.validCount, nValid, clsLoss, bboxLoss, landmarkLoss };
}

/**
 * `SoftmaxOutput` (use_ignore, normalization 'valid') as a loss value: mean −log p(label) over labels ≠ −1.
 * @param clsScore (2, N) logits, [0][i] background, [1][i] face
 * @param labels (N) 1, 0 or −1
 */
export function softmaxCrossEntropy(clsScore: Float32Array, labels: Float32Array): { clsLoss: number; nValid: number } {
  const N = labels.length;
  let sum = 0;
  let nValid = 0;
  for (let i = 0; i < N; i++) {
    if (labels[i] === -1) continue;
    const background = clsScore[i];
    const face = clsScore[N + i];
    // −log softmax = logsumexp − logit, shifted by the larger logit
    const max = Math.max(background, face);
    const logSumExp = max + Math.log(Math.exp(background - max) + Math.exp(face - max));
    sum += logSumExp - (labels[i] === 1 ? face : background);
    nValid++;
  }
  return { clsLoss: nValid > 0 ? sum / nValid : 0, nValid };
}

/**
 * Σ smooth_l1_σ((pred − target) · weight · anchorWeight) over one stride.
 * @param pred (L·A, K) prediction head, channel a·L + j
 * @param target (L·A, K), weight (L·A, K) from assign_anchor_fpn
 * @param anchorWeight (K·A) from OHEM, index k·A + a (tiled L times per anchor in the original)
 */
function maskedSmoothL1(
  pred: Float32Array,
  target: Float32Array,
  weight: Float32Array,
  anchorWeight: Float32Array,
  A: number,
  L: number,
  config: TrainConfig,
): number {
  const K = anchorWeight.length / A;
  const sigma2 = config.SMOOTH_L1_SCALAR * config.SMOOTH_L1_SCALAR;
  let sum = 0;
  // channel c = a·L + j at position k
  for (let c = 0; c < A * L; c++) {
    const a = Math.floor(c / L);
    for (let k = 0; k < K; k++) {
      const i = c * K + k;
      const x = (pred[i] - target[i]) * weight[i] * anchorWeight[k * A + a];
      sum += Math.abs(x) < 1 / sigma2 ? 0.5 * sigma2 * x * x : Math.abs(x) - 0.5 / sigma2;
    }
  }
  return sum;
}
