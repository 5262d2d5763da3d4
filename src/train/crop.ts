/**
 * The training crop (`get_crop_image1`, rcnn/io/image.py): every training sample is a 640×640 window
 * of a rescaled photo. Legend: H×W the photo, s the pre-scale, SIZE = 640, N faces, K faces kept.
 *
 * 1. Pick s from PRE_SCALES (0.3, 0.45, 0.6, 0.8, 1.0): the window will cover size = int(min(H, W)·s)
 *    photo pixels, so im_scale = SIZE / size ≥ 640 / min(H, W) and the rescaled photo is at least
 *    640 on its shorter side. Small s zooms in: faces grow, the network learns small faces as large.
 * 2. Resize the photo by im_scale with `cv2.resize(im, None, None, fx=im_scale, fy=im_scale,
 *    INTER_LINEAR)` — factors, not a size: OpenCV then maps with 1/im_scale rather than W/DW, and our
 *    `resizeLinear` reproduces either bit for bit. Boxes and landmark x, y are multiplied by im_scale
 *    in float32 (numpy casts the scalar to float32 first: float32(v)·float32(im_scale)); the −1 markers
 *    of missing landmarks are scaled too, while their flag stays −1.
 * 3. Cut the window at (up, left), drawn uniformly from [0, DH − 640] × [0, DW − 640]; shift boxes and
 *    landmarks by (−left, −up), markers included (a missing point ends at (−im_scale − left,
 *    −im_scale − up)). Keep a face if its box centre ((x1 + x2)/2, (y1 + y2)/2) lies in [0, 640)² and
 *    its longer side is at least MIN_BOX_SIZE (0). If no face is kept, draw another window, up to 25
 *    tries; the last one is kept even if empty.
 * 4. Colour jitter (`color_aug` with mnet's COLOR_MODE 1: `brightness_aug` only): the crop, as float32,
 *    times float32(1 + u) with u uniform in ±COLOR_JITTERING (0.125), not clipped. COLOR_MODE 2 (the
 *    default outside mnet: contrast and saturation too, in shuffled order) is not implemented.
 * Flipped samples (the second half of the original's roidb) are flipped before all this (flip.ts).
 *
 * `cropSample` is the deterministic core with s, up and left given (what the golden `train-crop-*`
 * fixes); `randomCropSample` draws them from a seed.
 */
import { RetinaFaceError } from '../errors.js';
import { resizeLinear } from '../image/resize.js';
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import { inputTensor } from '../net/input.js';
import type { Tensor } from '../tensor/tensor.js';
import type { GtLabel } from './assign-anchor-fpn.js';
import { TRAIN_CONFIG, type TrainConfig } from './config.js';
import { flipSample } from './flip.js';
import type { GroundTruth } from './ground-truth.js';
import { rng } from './rng.js';

const f = Math.fround;

/** A photo rescaled for cropping, with its faces in rescaled pixels. */
export interface ScaledSample {
  readonly image: RgbImage;
  readonly imScale: number;
  readonly gt: GroundTruth;
}

/** One training crop. */
export interface CropSample {
  /** SIZE×SIZE RGB window */
  readonly image: RgbImage;
  /** im_scale = SIZE / int(min(H, W)·preScale) */
  readonly imScale: number;
  /** (K, 4) kept boxes in crop pixels */
  readonly boxes: Float32Array;
  /** (K, 5, 3) their landmarks (missing points keep their shifted markers and flag −1) */
  readonly landmarks: Float32Array;
  /** Brightness factor of the colour jitter (1: none); the network input is the crop times this. */
  readonly brightness: number;
}

/** The draws that define a crop. */
export interface CropParams {
  readonly preScale: number;
  /** Top row of the window in the rescaled photo. */
  readonly up: number;
  /** Left column of the window in the rescaled photo. */
  readonly left: number;
  /** Mirror the photo and its faces first. */
  readonly flip?: boolean;
}

/** Steps 1–2: the photo and its faces rescaled for pre-scale `preScale`. */
export function scaleSample(image: RgbImage, gt: GroundTruth, preScale: number, config: TrainConfig = TRAIN_CONFIG): ScaledSample {
  const size = Math.trunc(Math.min(image.height, image.width) * preScale);
  if (!(size > 0 && preScale <= 1)) {
    throw new RetinaFaceError('OPTION', `crop: pre-scale ${preScale} of a ${image.width}x${image.height} image gives a window of ${size} px; use 0 < pre-scale <= 1`);
  }
  const imScale = config.SIZE / size;
  const scale32 = f(imScale);
  const boxes = gt.boxes.map((v) => f(v * scale32));
  const landmarks = new Float32Array(gt.landmarks);
  // point p: x and y scale, the flag does not
  for (let p = 0; p < landmarks.length / 3; p++) {
    landmarks[p * 3] = f(landmarks[p * 3] * scale32);
    landmarks[p * 3 + 1] = f(landmarks[p * 3 + 1] * scale32);
  }
  return { image: resizeLinear(image, { fx: imScale, fy: imScale }), imScale, gt: { boxes, landmarks } };
}

/** Step 3 for one window: cut at (up, left) and keep the faces whose centre falls inside. */
export function cropAt(scaled: ScaledSample, up: number, left: number, config: TrainConfig = TRAIN_CONFIG): CropSample {
  const { image, gt } = scaled;
  const SIZE = config.SIZE;
  if (!(Number.isInteger(up) && Number.isInteger(left) && up >= 0 && left >= 0 && up + SIZE <= image.height && left + SIZE <= image.width)) {
    throw new RetinaFaceError('OPTION', `crop: window ${SIZE}x${SIZE} at up ${up}, left ${left} does not fit the rescaled ${image.width}x${image.height} image (up 0..${image.height - SIZE}, left 0..${image.width - SIZE})`);
  }
  const window = rgbImage(SIZE, SIZE);
  // row y of the window
  for (let y = 0; y < SIZE; y++) {
    const from = ((up + y) * image.width + left) * 3;
    window.data.set(image.data.subarray(from, from + SIZE * 3), y * SIZE * 3);
  }
  const boxes: number[] = [];
  const landmarks: number[] = [];
  // face i, shifted into the window
  for (let i = 0; i < gt.boxes.length / 4; i++) {
    const x1 = f(gt.boxes[i * 4] - left);
    const y1 = f(gt.boxes[i * 4 + 1] - up);
    const x2 = f(gt.boxes[i * 4 + 2] - left);
    const y2 = f(gt.boxes[i * 4 + 3] - up);
    // numpy float32 scalars: the sum rounds to float32, the halving is exact in float64
    const centerX = f(x1 + x2) / 2;
    const centerY = f(y1 + y2) / 2;
    if (centerX < 0 || centerY < 0 || centerX >= SIZE || centerY >= SIZE) continue;
    if (Math.max(f(x2 - x1), f(y2 - y1)) < config.MIN_BOX_SIZE) continue;
    boxes.push(x1, y1, x2, y2);
    for (let p = 0; p < 5; p++) {
      const at = (i * 5 + p) * 3;
      landmarks.push(f(gt.landmarks[at] - left), f(gt.landmarks[at + 1] - up), gt.landmarks[at + 2]);
    }
  }
  return { image: window, imScale: scaled.imScale, boxes: Float32Array.from(boxes), landmarks: Float32Array.from(landmarks), brightness: 1 };
}

/** `get_crop_image1` (rcnn/io/image.py) with its random draws given: one window, no colour jitter. */
export function cropSample(image: RgbImage, gt: GroundTruth, params: CropParams, config: TrainConfig = TRAIN_CONFIG): CropSample {
  const source = params.flip ? flipSample(image, gt) : { image, gt };
  return cropAt(scaleSample(source.image, source.gt, params.preScale, config), params.up, params.left, config);
}

/**
 * `get_crop_image1` (rcnn/io/image.py) with its draws from `seed`: pre-scale, then up to
 * CROP_RETRIES windows until one keeps a face, then (with `colorJitter`) the brightness factor.
 * The same seed gives the same crop.
 * @returns the crop and the draws that made it
 */
export function randomCropSample(
  image: RgbImage,
  gt: GroundTruth,
  seed: number,
  options: { flip?: boolean; colorJitter?: boolean } = {},
  config: TrainConfig = TRAIN_CONFIG,
): CropSample & CropParams {
  const random = rng(seed);
  const source = options.flip ? flipSample(image, gt) : { image, gt };
  const preScale = random.choice(config.PRE_SCALES);
  const scaled = scaleSample(source.image, source.gt, preScale, config);
  let retry = 0;
  for (;;) {
    const up = random.randint(0, scaled.image.height - config.SIZE + 1);
    const left = random.randint(0, scaled.image.width - config.SIZE + 1);
    const crop = cropAt(scaled, up, left, config);
    if (crop.boxes.length > 0 || retry === config.CROP_RETRIES - 1) {
      const brightness = options.colorJitter ? 1 + random.uniform(-config.COLOR_JITTERING, config.COLOR_JITTERING) : 1;
      return { ...crop, brightness, preScale, up, left, flip: options.flip ?? false };
    }
    retry++;
  }
}

/**
 * The network input of a crop (`transform`, rcnn/io/image.py, with mnet's zero means and unit stds):
 * the window as float32 NCHW, times the brightness factor in float32 when colour jitter drew one.
 * @returns (1, 3, SIZE, SIZE)
 */
export function cropInput(crop: CropSample): Tensor {
  const input = inputTensor(crop.image.data, crop.image.width, crop.image.height);
  if (crop.brightness !== 1) {
    const alpha = f(crop.brightness);
    for (let i = 0; i < input.data.length; i++) input.data[i] = f(input.data[i] * alpha);
  }
  return input;
}

/**
 * `get_crop_batch` (rcnn/io/rpn.py): a crop's faces as assign_anchor_fpn takes them, boxes with the
 * class column (1: face) appended.
 */
export function cropGtLabel(crop: { boxes: Float32Array; landmarks: Float32Array }): GtLabel {
  const n = crop.boxes.length / 4;
  const gtBoxes = new Float32Array(n * 5);
  for (let i = 0; i < n; i++) gtBoxes.set([...crop.boxes.subarray(i * 4, i * 4 + 4), 1], i * 5);
  return { gtBoxes, gtLandmarks: crop.landmarks };
}
