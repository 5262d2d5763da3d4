/**
 * Crop (num_args = 2, offset (0, 0)) as a gpu.js kernel, twin of the reference ops/crop.ts: the
 * top-left OH×OW window of x, OH/OW taken from the second input. Legend: C channels, OH/OW kept
 * size, HP/WP stored input extents. Input and output share the one-pixel border, so stored
 * pixel (px, py) of the output is stored pixel (px, py) of the input.
 */
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, storedWidth, type GpuTensor } from './device-tensor.js';

type CropConstants = { OH: number; OW: number; HP: number; WP: number };

/** Channels of block thread.z at stored output pixel (thread.x, thread.y). */
function cropKernel(this: KernelThis<CropConstants>, x: number[]): number[] {
  if (this.thread.y < 1 || this.thread.y > this.constants.OH) return [0, 0, 0, 0];
  const px = Math.min(this.thread.x, this.constants.OW);
  const i = ((this.thread.z * this.constants.HP + this.thread.y) * this.constants.WP + px) * 4;
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [x[i], x[i + 1], x[i + 2], x[i + 3]];
}

/** x (1, C, H, W) → (1, C, OH, OW) with OH ≤ H, OW ≤ W (checked when the plan was built). */
export function crop(device: GpuDevice, x: GpuTensor, OH: number, OW: number): Promise<GpuTensor> {
  const { C, CB, HP, WP } = blockedDims(x.shape);
  const run = device.kernel('crop', cropKernel, [storedWidth(OW), OH + 2, CB], { OH, OW, HP, WP });
  return run(x.data).then((data) => ({ shape: [1, C, OH, OW], data }));
}
