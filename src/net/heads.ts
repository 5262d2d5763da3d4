/**
 * The nine outputs of mnet.25, three per stride (32, 16, 8), named as in the MXNet symbol:
 *
 *   face_rpn_cls_prob_reshape_strideS   (1, 2A, H, W)   background for anchors 0..A−1, then face
 *   face_rpn_bbox_pred_strideS          (1, 4A, H, W)   box deltas, anchor a in channels 4a..4a+3
 *   face_rpn_landmark_pred_strideS      (1, 10A, H, W)  five (x, y) landmark deltas per anchor
 *
 * with A = 2 anchors per position and H×W the stride's feature map.
 */
export const HEAD_KINDS = ['cls_prob_reshape', 'bbox_pred', 'landmark_pred'] as const;
export const HEAD_STRIDES = [32, 16, 8] as const;

export type HeadKind = (typeof HEAD_KINDS)[number];

export function headName(kind: HeadKind, stride: number): string {
  return `face_rpn_${kind}_stride${stride}`;
}

/** All nine, in the symbol's output order (stride 32 first; per stride cls, bbox, landmark). */
export const HEAD_NAMES: readonly string[] = HEAD_STRIDES.flatMap((s) => HEAD_KINDS.map((k) => headName(k, s)));
