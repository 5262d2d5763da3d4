/**
 * The anchor table of RetinaFace 'net3' (retinaface.py, `RetinaFace.__init__`, fmc = 3, `_ratio = (1.,)`;
 * the same table is `RAC_SSH` in rcnn/config.py): three feature maps at strides 32, 16 and 8, two square
 * anchors per position on each, 16·32 = 512 and 16·16 = 256 pixels wide at stride 32, 128 and 64 at
 * stride 16, 32 and 16 at stride 8.
 *
 * A level's anchors are its RATIOS × SCALES around a BASE_SIZE box (generate-anchors.ts). Other networks
 * of the original are other tables of the same type: 'net3a' has RATIOS (1, 1.5), fmc 4 adds a stride-4
 * level with SCALES (2, 1), fmc 6 has one scale per level at strides 128…4.
 */

/** One feature-map level of the anchor table (one `anchor_cfg['S']` entry of the original). */
export interface AnchorLevel {
  /** Feature stride S in input pixels (the key of the original's dict). */
  readonly stride: number;
  /** BASE_SIZE: side of the reference box (0, 0, base−1, base−1). */
  readonly baseSize: number;
  /** RATIOS: height / width of each anchor shape. */
  readonly ratios: readonly number[];
  /** SCALES: multiples of the ratio-adjusted base box. */
  readonly scales: readonly number[];
  /** ALLOWED_BORDER: how far (px) a training anchor may stick out of the image (9999: no limit). */
  readonly allowedBorder: number;
}

/** The 'net3' table, strides in the original's order (largest first, the order of the heads). */
export const ANCHOR_CONFIG: readonly AnchorLevel[] = [
  { stride: 32, baseSize: 16, ratios: [1], scales: [32, 16], allowedBorder: 9999 },
  { stride: 16, baseSize: 16, ratios: [1], scales: [8, 4], allowedBorder: 9999 },
  { stride: 8, baseSize: 16, ratios: [1], scales: [2, 1], allowedBorder: 9999 },
];
