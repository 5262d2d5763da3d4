/**
 * The training configuration of mnet.25: rcnn/sample_config.py after `generate_config('mnet',
 * 'retinaface')`, only the values the training-side code reads, under their original names (the golden
 * `train-*` manifests record the same values). The anchor table itself is `ANCHOR_CONFIG`
 * (anchors/config.ts, `RAC_SSH`).
 */

export interface TrainConfig {
  /** SCALES[0][0]: side of the square training crop. */
  readonly SIZE: number;
  /** get_crop_image1's PRE_SCALES: the crop side as a fraction of the image's shorter side. */
  readonly PRE_SCALES: readonly number[];
  /** get_crop_image1's LIMIT: crop positions tried before keeping one with no face. */
  readonly CROP_RETRIES: number;
  /** TRAIN.MIN_BOX_SIZE: boxes whose longer side is shorter are dropped from a crop. */
  readonly MIN_BOX_SIZE: number;
  /** COLOR_JITTERING: brightness factor drawn from 1 ± this (COLOR_MODE 1 for mnet: brightness only). */
  readonly COLOR_JITTERING: number;
  /** TRAIN.RPN_POSITIVE_OVERLAP: IoU from which an anchor is a face. */
  readonly RPN_POSITIVE_OVERLAP: number;
  /** TRAIN.RPN_NEGATIVE_OVERLAP: IoU below which an anchor is background. */
  readonly RPN_NEGATIVE_OVERLAP: number;
  /** TRAIN.RPN_CLOBBER_POSITIVES: background labels are written after the positive ones. */
  readonly RPN_CLOBBER_POSITIVES: boolean;
  /** TRAIN.RPN_FORCE_POSITIVE: each face's best anchors are positive whatever their IoU. */
  readonly RPN_FORCE_POSITIVE: boolean;
  /** TRAIN.RPN_BATCH_SIZE: anchors per stride that OHEM keeps labelled. */
  readonly RPN_BATCH_SIZE: number;
  /** TRAIN.RPN_FG_FRACTION: at most this share of them positive. */
  readonly RPN_FG_FRACTION: number;
  /** TRAIN.BATCH_IMAGES (mnet: 16): enters the box loss scale under LR_MODE 0. */
  readonly BATCH_IMAGES: number;
  /** LANDMARK_LR_MULT (mnet: 2.5): enters the landmark loss scale. */
  readonly LANDMARK_LR_MULT: number;
  /** The `scalar` (σ) of every `smooth_l1` in the training symbol. */
  readonly SMOOTH_L1_SCALAR: number;
}

export const TRAIN_CONFIG: TrainConfig = {
  SIZE: 640,
  PRE_SCALES: [0.3, 0.45, 0.6, 0.8, 1.0],
  CROP_RETRIES: 25,
  MIN_BOX_SIZE: 0,
  COLOR_JITTERING: 0.125,
  RPN_POSITIVE_OVERLAP: 0.5,
  RPN_NEGATIVE_OVERLAP: 0.3,
  RPN_CLOBBER_POSITIVES: false,
  RPN_FORCE_POSITIVE: false,
  RPN_BATCH_SIZE: 256,
  RPN_FG_FRACTION: 0.25,
  BATCH_IMAGES: 16,
  LANDMARK_LR_MULT: 2.5,
  SMOOTH_L1_SCALAR: 3.0,
};
