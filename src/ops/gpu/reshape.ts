/**
 * MXNet Reshape on the gpu path. The reference Reshape is a view of the same NCHW buffer; in the
 * blocked layout (device-tensor.ts) it moves values, so it is done as unpack → same NCHW values
 * under the new shape → pack. Only the score heads go through it (four channels, a few thousand
 * values), and between kernels the data is in host memory on every backend this engine drives
 * (backend.ts), so a host copy costs less than one more kernel launch.
 */
import { fromBlocked, toBlocked, type GpuTensor } from './device-tensor.js';
import type { Shape } from '../../tensor/shape.js';

/** x (1, C, H, W) → the same NCHW values as `shape` (inferred when the plan was built). */
export function reshape(x: GpuTensor, shape: Shape): GpuTensor {
  return toBlocked({ shape: [...shape], data: fromBlocked(x).data });
}
