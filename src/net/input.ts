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
 * @param into optional (1, 3, H, W) float32 storage to fill (a detector reuses one across photos)
 * @returns (1, 3, H, W) float32, 0..255
 */
export function inputTensor(rgb: Uint8Array, width: number, height: number, into?: Float32Array): Tensor {
  const n = height * width;
  if (rgb.length !== n * 3) {
    throw new RetinaFaceError('SHAPE', `[input data] ${rgb.length} bytes do not make an RGB image of ${height}×${width} (needs ${n * 3}) [H,W,3]`);
  }
  const out = tensor([1, 3, height, width], into);
  const data = out.data;
  // pixel i = y·W + x: its three bytes go to planes R, G, B at the same offset
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    data[i] = rgb[j];
    data[n + i] = rgb[j + 1];
    data[2 * n + i] = rgb[j + 2];
  }
  return out;
}
