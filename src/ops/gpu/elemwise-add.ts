/**
 * elemwise_add as a gpu.js kernel, twin of the reference ops/elemwise-add.ts. Both inputs have the
 * same shape, hence the same stored layout (device-tensor.ts), and their zero borders add to zero,
 * so one thread adds four stored values with no index arithmetic beyond its own position.
 * Legend: CB channel blocks, HP/WP stored extents.
 */
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, type GpuTensor } from './device-tensor.js';

type AddConstants = { HP: number; WP: number };

function elemwiseAddKernel(this: KernelThis<AddConstants>, a: number[], b: number[]): number[] {
  const i = ((this.thread.z * this.constants.HP + this.thread.y) * this.constants.WP + this.thread.x) * 4;
  return [a[i] + b[i], a[i + 1] + b[i + 1], a[i + 2] + b[i + 2], a[i + 3] + b[i + 3]];
}

/** a + b, both (1, C, H, W). */
export function elemwiseAdd(device: GpuDevice, a: GpuTensor, b: GpuTensor): Promise<GpuTensor> {
  const { CB, HP, WP } = blockedDims(a.shape);
  const run = device.kernel('elemwise-add', elemwiseAddKernel, [WP, HP, CB], { HP, WP });
  return run(a.data, b.data).then((data) => ({ shape: [...a.shape], data }));
}
