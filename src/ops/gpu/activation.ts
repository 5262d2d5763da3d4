/**
 * Activation(act_type = relu) as a gpu.js kernel, twin of the reference ops/activation.ts, for
 * the relu that follows a Concat (the others are fused into their Convolution by net/fuse.ts).
 * relu keeps the zero border and padding channels zero, so no position test is needed.
 * Legend: CB channel blocks, HP/WP stored extents.
 */
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, type GpuTensor } from './device-tensor.js';

type ReluConstants = { HP: number; WP: number };

function reluKernel(this: KernelThis<ReluConstants>, x: number[]): number[] {
  const i = ((this.thread.z * this.constants.HP + this.thread.y) * this.constants.WP + this.thread.x) * 4;
  return [Math.max(x[i], 0), Math.max(x[i + 1], 0), Math.max(x[i + 2], 0), Math.max(x[i + 3], 0)];
}

/** max(x, 0), x (1, C, H, W). */
export function relu(device: GpuDevice, x: GpuTensor): Promise<GpuTensor> {
  const { CB, HP, WP } = blockedDims(x.shape);
  const run = device.kernel('activation-relu', reluKernel, [WP, HP, CB], { HP, WP });
  return run(x.data).then((data) => ({ shape: [...x.shape], data }));
}
