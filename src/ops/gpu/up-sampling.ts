/**
 * Nearest UpSampling as a gpu.js kernel, twin of the reference ops/up-sampling.ts:
 * out[c][oy][ox] = x[c][⌊oy/S⌋][⌊ox/S⌋]. Legend: C channels, S scale, H/W input, OH/OW = S·H/S·W
 * output, HP/WP stored input extents (device-tensor.ts). One thread copies the four channels of a
 * block at one output pixel.
 */
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, storedWidth, type GpuTensor } from './device-tensor.js';

type UpSamplingConstants = { S: number; OH: number; OW: number; HP: number; WP: number };

/** Channels of block thread.z at stored output pixel (thread.x, thread.y) = (ox + 1, oy + 1). */
function upSamplingKernel(this: KernelThis<UpSamplingConstants>, x: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const iy = Math.floor(oy / this.constants.S);
  const ix = Math.floor(ox / this.constants.S);
  const i = ((this.thread.z * this.constants.HP + iy + 1) * this.constants.WP + ix + 1) * 4;
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [x[i], x[i + 1], x[i + 2], x[i + 3]];
}

/** x (1, C, H, W) → (1, C, S·H, S·W). */
export function upSampling(device: GpuDevice, x: GpuTensor, scale: number): Promise<GpuTensor> {
  const { C, H, W, CB, HP, WP } = blockedDims(x.shape);
  const OH = H * scale;
  const OW = W * scale;
  const run = device.kernel('up-sampling', upSamplingKernel, [storedWidth(OW), OH + 2, CB], { S: scale, OH, OW, HP, WP });
  return run(x.data).then((data) => ({ shape: [1, C, OH, OW], data }));
}
