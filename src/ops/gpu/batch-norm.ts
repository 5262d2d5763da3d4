/**
 * Inference BatchNorm as a gpu.js kernel, twin of the reference ops/batch-norm.ts, for plans that
 * keep it as its own node (the fast path folds it into the Convolution, net/fuse.ts). The host
 * turns the node's parameters into one scale and shift per channel (ops/backend.ts
 * `batchNormScaleShift`: scale = γ / √(moving_var + eps), shift = β − moving_mean · scale), and
 * the kernel computes x · scale + shift, writing zeros on the border the shift would
 * otherwise fill. Legend: C channels, CP = C rounded up to 4, H/W the map, HP/WP stored extents.
 */
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, type GpuTensor } from './device-tensor.js';

type BatchNormConstants = { CP: number; H: number; W: number; HP: number; WP: number };

/** Channels c..c+3 at stored pixel (thread.x, thread.y); p = [scale (CP) | shift (CP)]. */
function batchNormKernel(this: KernelThis<BatchNormConstants>, x: number[], p: number[]): number[] {
  if (this.thread.y < 1 || this.thread.y > this.constants.H) return [0, 0, 0, 0];
  const c = this.thread.z * 4;
  const i = ((this.thread.z * this.constants.HP + this.thread.y) * this.constants.WP + this.thread.x) * 4;
  const y0 = x[i] * p[c] + p[this.constants.CP + c];
  const y1 = x[i + 1] * p[c + 1] + p[this.constants.CP + c + 1];
  const y2 = x[i + 2] * p[c + 2] + p[this.constants.CP + c + 2];
  const y3 = x[i + 3] * p[c + 3] + p[this.constants.CP + c + 3];
  if (this.thread.x < 1 || this.thread.x > this.constants.W) return [0, 0, 0, 0];
  return [y0, y1, y2, y3];
}

/** Per-channel scale and shift packed as [scale (CP) | shift (CP)], zeros past C. */
export function packBatchNorm(scale: Float32Array, shift: Float32Array): Float32Array {
  const CP = Math.ceil(scale.length / 4) * 4;
  const packed = new Float32Array(2 * CP);
  packed.set(scale, 0);
  packed.set(shift, CP);
  return packed;
}

/** x (1, C, H, W) → x · scale + shift per channel; `packed` from packBatchNorm. */
export function batchNorm(device: GpuDevice, x: GpuTensor, packed: Float32Array): Promise<GpuTensor> {
  const { H, W, CB, HP, WP } = blockedDims(x.shape);
  const run = device.kernel('batch-norm', batchNormKernel, [WP, HP, CB], { CP: CB * 4, H, W, HP, WP });
  return run(x.data, packed).then((data) => ({ shape: [...x.shape], data }));
}
