/**
 * A map of mnet.25 for readers: which of the 162 nodes belong to which stage, and what each stage
 * is for. Node names are the MXNet symbol's, so every golden file and every `dump` output can be
 * placed here. The mask model mnet_cov2 (218 nodes) has the same stages under other backbone and
 * SSH names (`conv_1..conv_final`; `rf_head_strideS_*` and `rf_head2_strideS_*`, the second SSH
 * module feeding its type head), after its own input scaling (`_minusscalar0`, `_mulscalar0`). The paragraphs paraphrase the seed article's description of the simplified,
 * open-source RetinaFace "mnet" (a RetinaNet-style detector with SSH detection modules).
 *
 * Data flow, one row per pyramid level (stride S: input side / map side, rounded up at every
 * stride-2 layer; `+` is elemwise_add, `up` UpSampling ×2, then Crop):
 *
 *   S 32  mobilenet0_relu26_fwd → rf_c3_lateral                                     → rf_c3_det_* → face_rpn_*_stride32
 *   S 16  mobilenet0_relu22_fwd → rf_c2_lateral  + crop0(up rf_c3_lateral) → rf_c2_aggr → rf_c2_det_* → face_rpn_*_stride16
 *   S 8   mobilenet0_relu10_fwd → rf_c1_red_conv + crop1(up rf_c2_aggr)    → rf_c1_aggr → rf_c1_det_* → face_rpn_*_stride8
 */

export type StageName = 'backbone' | 'fpn' | 'ssh' | 'heads';

export interface Stage {
  readonly name: StageName;
  /** Which node names belong to it. */
  readonly nodes: RegExp;
  readonly about: string;
}

export const STAGES: readonly Stage[] = [
  {
    name: 'backbone',
    nodes: /^(mobilenet0_|conv_|_minusscalar|_mulscalar)/,
    about:
      'MobileNet at width 0.25 (mobilenet0_conv0..conv26, each with a BatchNorm, eps 1e-5, and a relu): ' +
      'the lightweight trunk that makes mnet fast, alternating depthwise 3×3 and pointwise 1×1 ' +
      'convolutions. Its feature maps at strides 8, 16 and 32 (relu10, relu22, relu26) feed the pyramid.',
  },
  {
    name: 'fpn',
    nodes: /^(rf_c\d_(lateral|red_conv|aggr|upsampling)|crop\d|_plus\d)/,
    about:
      'The feature pyramid, as in RetinaNet: it fuses information across scales, which matters most for ' +
      'small faces. Each backbone map gets a lateral 1×1 convolution (rf_c3_lateral, rf_c2_lateral, ' +
      'rf_c1_red_conv); the coarser level is upsampled ×2 (nearest), cropped to the finer map (Crop: ' +
      'odd sides round up at every stride-2 layer), added, and smoothed by a 3×3 rf_cN_aggr. The rf_* ' +
      'BatchNorms use eps 2e-5.',
  },
  {
    name: 'ssh',
    nodes: /^(rf_c\d_det_|rf_head2?_stride\d+_)/,
    about:
      'One SSH detection module per level (rf_cN_det_*), the main difference from RetinaNet: a 3×3 ' +
      'convolution (det_conv1) beside a context module that widens the receptive field around each ' +
      'position (context_conv1, then one 3×3 as a 5×5 equivalent, context_conv2, and two as a 7×7, ' +
      'context_conv3_1/3_2); the three branches are concatenated along channels and go through a relu.',
  },
  {
    name: 'heads',
    nodes: /^face_rpn_/,
    about:
      'Three 1×1 heads per stride (32, 16, 8; A = 2 anchors per position): face/background scores ' +
      '(softmax over the pair, via the (1, 2, A·H, W) reshape), four box deltas per anchor, and — the ' +
      'multi-task part mnet adds to classification and box regression — ten deltas for five landmarks.',
  },
];

/** The stage a node belongs to (the network input `data` belongs to none). */
export function stageOf(node: string): StageName | undefined {
  return STAGES.find((s) => s.nodes.test(node))?.name;
}
