/**
 * The structure of mnet.25 in one place, for readers and for the code: which of the 162 nodes
 * belong to which stage (STAGES; buildPlan stamps each step with its stage, so the forward's trace,
 * `dump --verbose` and `explain`'s timing all speak of it), what each stage is for, and the nodes
 * where each pyramid level starts, merges and ends (LEVELS; explain draws them). Node names are the MXNet symbol's, so every golden file and every `dump` output can be
 * placed here. The paragraphs paraphrase the seed article's description of the simplified,
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
    nodes: /^mobilenet0_/,
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
    nodes: /^rf_c\d_det_/,
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

/** One pyramid level: the nodes of its row in the data flow above. */
export interface Level {
  readonly stride: 32 | 16 | 8;
  /** The prefix of its FPN and SSH node names. */
  readonly prefix: 'rf_c3' | 'rf_c2' | 'rf_c1';
  /** The backbone output it starts from. */
  readonly backbone: string;
  /** Its lateral 1×1 convolution's output (conv, BatchNorm, relu): the FPN's entry. */
  readonly lateral: string;
  /** The coarser level upsampled, cropped to this one and added; none at stride 32, the coarsest. */
  readonly merge?: { readonly upsampling: string; readonly crop: string; readonly sum: string };
  /** The SSH module's output (concat, relu): the input of the level's three heads. */
  readonly ssh: string;
}

export const LEVELS: readonly Level[] = [
  { stride: 32, prefix: 'rf_c3', backbone: 'mobilenet0_relu26_fwd', lateral: 'rf_c3_lateral_relu', ssh: 'rf_c3_det_concat_relu' },
  {
    stride: 16, prefix: 'rf_c2', backbone: 'mobilenet0_relu22_fwd', lateral: 'rf_c2_lateral_relu',
    merge: { upsampling: 'rf_c3_upsampling', crop: 'crop0', sum: '_plus0' }, ssh: 'rf_c2_det_concat_relu',
  },
  {
    stride: 8, prefix: 'rf_c1', backbone: 'mobilenet0_relu10_fwd', lateral: 'rf_c1_red_conv_relu',
    merge: { upsampling: 'rf_c2_upsampling', crop: 'crop1', sum: '_plus1' }, ssh: 'rf_c1_det_concat_relu',
  },
];

/** The stage a node belongs to (the network input `data` belongs to none). */
export function stageOf(node: string): StageName | undefined {
  return STAGES.find((s) => s.nodes.test(node))?.name;
}
