/**
 * One stride of RetinaFace.detect (retinaface.py, network 'net3'; RetinaFaceCoV.detect,
 * retinaface_cov.py, 'net3l'): turn the head tensors of a feature map into face proposals in
 * resized-image pixels.
 *
 * The heads are laid out NCHW; the original transposes them to (y, x, anchor) with (0, 2, 3, 1),
 * so proposal k = (y·W + x)·A + a, the row order of anchors_plane. For anchor a:
 *   score     = cls_prob[A + a][y][x]          (channels 0..A-1 are background, A..2A-1 face)
 *   box delta = bbox[4a + j][y][x], j = dx, dy, dw, dh
 *   landmark  = landmark[10a + 2p + c][y][x], p = 0..4 points, c = x, y
 *   mask      = type_prob[2A + a][y][x]      (mask models: the type head's third class)
 * Boxes are decoded in float64 (bbox_pred), clipped to the resized image (clip_boxes), kept when
 * score >= threshold in float32, landmarks decoded by landmark_pred (float32 results) from the
 * deltas times landmark_std (`landmark_deltas *= self.landmark_std`: float32 times float32).
 * The mask model's golden detections match this float64 decoding bit for bit; InsightFace's
 * retinaface_cov.py at 60fc1226 casts the anchors to np.float32 in its own bbox_pred instead, which
 * moves boxes by a float32 ulp (tried: 1 ulp off pre_nms on all five cov2 cases).
 */
import type { Tensor } from '../tensor/tensor.js';
import { anchorsPlane } from '../anchors/plane.js';
import { bboxPred, clipBoxes } from '../anchors/bbox-pred.js';
import { landmarkPred } from '../anchors/landmark-pred.js';
import type { ModelDescriptor } from './descriptor.js';

export interface StrideHeads {
  /** (1, 2A, H, W) softmax probabilities: background for anchors 0..A-1, then face. */
  readonly cls: Tensor;
  /** (1, 4A, H, W) box deltas. */
  readonly bbox: Tensor;
  /** (1, 10A, H, W) landmark deltas. */
  readonly landmark: Tensor;
  /** (1, 3A, H, W) mask models: softmax probabilities of three classes, the mask class last. */
  readonly type?: Tensor;
}

export interface Proposals {
  /** (N, 4) float64 x1, y1, x2, y2 in resized-image pixels. */
  boxes: Float64Array;
  /** (N) float32 face probabilities. */
  scores: Float32Array;
  /** (N, 5, 2) float32 landmarks in resized-image pixels. */
  landmarks: Float32Array;
  /** (N) float32 mask probabilities; mask models only. */
  mask?: Float32Array;
}

/**
 * @param baseAnchors (A, 4) the stride's anchors at the origin (generate_anchors_fpn)
 * @param imHeight, imWidth the resized image the network saw (clip_boxes' im_info)
 * @param decode the model's landmark_std (descriptor.ts)
 */
export function strideProposals(
  heads: StrideHeads,
  stride: number,
  baseAnchors: Float32Array,
  imHeight: number,
  imWidth: number,
  threshold: number,
  decode: Pick<ModelDescriptor, 'landmarkStd'>,
): Proposals {
  const [, twoA, H, W] = heads.cls.shape;
  const A = twoA / 2;
  const K = H * W;
  const HW = H * W;

  // Scores in (y, x, a) order; the threshold compares float32 with float32 (numpy casts it).
  const thresh = Math.fround(threshold);
  const keep: number[] = [];
  for (let k = 0; k < K; k++) {
    for (let a = 0; a < A; a++) {
      if (heads.cls.data[(A + a) * HW + k] >= thresh) keep.push(k * A + a);
    }
  }

  const anchors = anchorsPlane(H, W, stride, baseAnchors);
  const n = keep.length;
  const keptAnchors = new Float32Array(n * 4);
  const deltas = new Float32Array(n * 4);
  const landmarkDeltas = new Float32Array(n * 10);
  const scores = new Float32Array(n);
  const mask = heads.type === undefined ? undefined : new Float32Array(n);
  const std = Math.fround(decode.landmarkStd);
  for (let i = 0; i < n; i++) {
    const row = keep[i];
    const k = Math.floor(row / A);
    const a = row % A;
    scores[i] = heads.cls.data[(A + a) * HW + k];
    for (let j = 0; j < 4; j++) {
      keptAnchors[i * 4 + j] = anchors[row * 4 + j];
      deltas[i * 4 + j] = heads.bbox.data[(4 * a + j) * HW + k];
    }
    for (let j = 0; j < 10; j++) landmarkDeltas[i * 10 + j] = heads.landmark.data[(10 * a + j) * HW + k] * std;
    if (mask !== undefined) mask[i] = heads.type!.data[(2 * A + a) * HW + k];
  }

  // Decoding only the kept rows gives the same numbers as decoding all and then selecting:
  // every row is computed on its own.
  const boxes = clipBoxes(bboxPred(keptAnchors, deltas), imHeight, imWidth);
  const landmarks = landmarkPred(keptAnchors, landmarkDeltas);
  return mask === undefined ? { boxes, scores, landmarks } : { boxes, scores, landmarks, mask };
}
