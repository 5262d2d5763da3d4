/**
 * The training losses of one crop: the network run on it (the logits `face_rpn_cls_score_strideS`
 * kept besides the box and landmark heads), then `get_out` for each stride of the anchor table —
 * the per-stride half of the original's training symbol, evaluated once instead of trained.
 */
import { ANCHOR_CONFIG } from '../anchors/config.js';
import { forward } from '../net/forward.js';
import { buildPlan } from '../net/graph.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../weights/model.js';
import { getOut, type StrideLosses } from './losses.js';

/**
 * @param input (1, 3, H, W) the crop as network input (cropInput)
 * @param targets assignAnchorFpn's output for that crop
 * @returns one entry per stride, in anchor-table order (32, 16, 8)
 */
export async function cropLosses(model: Model, input: Tensor, targets: Map<string, Tensor>): Promise<StrideLosses[]> {
  const plan = buildPlan(model, input.shape[2], input.shape[3]);
  const out = await forward(plan, input, { keep: ANCHOR_CONFIG.map(({ stride }) => `face_rpn_cls_score_stride${stride}`) });
  return ANCHOR_CONFIG.map(({ stride }) =>
    getOut(
      stride,
      {
        clsScore: out.nodes.get(`face_rpn_cls_score_stride${stride}`)!,
        bboxPred: out.heads.get(`face_rpn_bbox_pred_stride${stride}`)!,
        landmarkPred: out.heads.get(`face_rpn_landmark_pred_stride${stride}`)!,
      },
      targets,
    ),
  );
}
