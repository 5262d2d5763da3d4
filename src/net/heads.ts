/**
 * The outputs of the RetinaFace-mnet networks, named as in the MXNet symbol, per stride (32, 16, 8):
 *
 *   face_rpn_cls_prob_reshape_strideS   (1, 2A, H, W)   background for anchors 0..A−1, then face
 *   face_rpn_bbox_pred_strideS          (1, 4A, H, W)   box deltas, anchor a in channels 4a..4a+3
 *   face_rpn_landmark_pred_strideS      (1, 10A, H, W)  five (x, y) landmark deltas per anchor
 *   face_rpn_type_prob_reshape_strideS  (1, 3A, H, W)   mnet_cov2 only: channel 2A + a the mask probability
 *
 * with A = 2 anchors per position and H×W the stride's feature map. mnet.25 has the first three
 * (nine heads), mnet_cov2 all four (twelve), in this order within each stride.
 */
export type HeadKind = 'cls_prob_reshape' | 'bbox_pred' | 'landmark_pred' | 'type_prob_reshape';

/** mnet.25's three heads per stride. */
export const HEAD_KINDS: readonly HeadKind[] = ['cls_prob_reshape', 'bbox_pred', 'landmark_pred'];
export const HEAD_STRIDES = [32, 16, 8] as const;

export function headName(kind: HeadKind, stride: number): string {
  return `face_rpn_${kind}_stride${stride}`;
}

/** The outputs in the symbol's order: stride by stride, each stride's heads in `kinds` order. */
export const headNames = (kinds: readonly HeadKind[], strides: readonly number[]): string[] => strides.flatMap((s) => kinds.map((k) => headName(k, s)));

/** mnet.25's nine, in the symbol's output order (stride 32 first; per stride cls, bbox, landmark). */
export const HEAD_NAMES: readonly string[] = headNames(HEAD_KINDS, HEAD_STRIDES);
