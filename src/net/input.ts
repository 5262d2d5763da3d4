/**
 * The network input as the original feeds it: the resized RGB image as float32 NCHW, values
 * 0..255 unchanged: mnet.25 was trained without mean subtraction or scaling (InsightFace's
 * `RetinaFace.detect` only reorders BGR → RGB and transposes HWC → CHW).
 * Legend: H/W image height/width, C = 3 channels (R, G, B).
 */
import { RetinaFaceError } from '../errors.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import type { RgbImage } from '../image/rgb-image.js';
import { mirrored, resizeTaps, resizeWithTaps } from '../image/resize.js';
import type { PictureInput } from '../ops/backend.js';

/**
 * @param rgb (H, W, 3) uint8, interleaved R, G, B
 * @returns (1, 3, H, W) float32, 0..255
 */
export function inputTensor(rgb: Uint8Array, width: number, height: number): Tensor {
  const n = height * width;
  if (rgb.length !== n * 3) {
    throw new RetinaFaceError('SHAPE', `[input data] ${rgb.length} bytes do not make an RGB image of ${height}×${width} (needs ${n * 3}) [H,W,3]`);
  }
  const out = tensor([1, 3, height, width]);
  const data = out.data;
  // pixel i = y·W + x: its three bytes go to planes R, G, B at the same offset
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    data[i] = rgb[j];
    data[n + i] = rgb[j + 1];
    data[2 * n + i] = rgb[j + 2];
  }
  return out;
}

/**
 * The input of one scale of detect(): `image` resized by cv2 INTER_LINEAR with fx = fy = scale,
 * mirrored left-right when `flip` (the original resizes, then flips: im[:, ::-1, :]). Scale 1 is
 * the original's copy (resize.ts resizeTaps).
 */
export function pictureInput(image: RgbImage, scale: number, flip: boolean): PictureInput {
  const { columns, rows } = resizeTaps(image.width, image.height, { fx: scale, fy: scale });
  return { shape: [1, 3, rows.s0.length, columns.s0.length], image, taps: { columns: flip ? mirrored(columns) : columns, rows } };
}

/** The reference: the picture resized (image/resize.ts) and made a tensor (inputTensor). */
export function pictureTensor(p: PictureInput): Tensor {
  const resized = resizeWithTaps(p.image, p.taps);
  return inputTensor(resized.data, resized.width, resized.height);
}
