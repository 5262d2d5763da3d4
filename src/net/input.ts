/**
 * The network input as the original feeds it: the resized RGB image as float32 NCHW, values
 * 0..255 unchanged: mnet.25 was trained without mean subtraction or scaling (InsightFace's
 * `RetinaFace.detect` only reorders BGR → RGB and transposes HWC → CHW).
 * Legend: H/W image height/width, C = 3 channels (R, G, B).
 */
import { RetinaFaceError } from '../errors.js';
import { tensor, type Tensor } from '../tensor/tensor.js';

/**
 * @param rgb (H, W, 3) uint8, interleaved R, G, B
 * @returns (1, 3, H, W) float32, 0..255
 */
export function inputTensor(rgb: Uint8Array, width: number, height: number): Tensor {
  if (rgb.length !== height * width * 3) {
    throw new RetinaFaceError('SHAPE', `[input data] ${rgb.length} bytes do not make an RGB image of ${height}×${width} (needs ${height * width * 3}) [H,W,3]`);
  }
  const out = tensor([1, 3, height, width]);
  const data = out.data;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        data[(c * height + y) * width + x] = rgb[(y * width + x) * 3 + c];
      }
    }
  }
  return out;
}
