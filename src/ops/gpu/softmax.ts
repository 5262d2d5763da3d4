/**
 * softmax over the channel axis (axis = 1) as a gpu.js kernel, twin of the reference
 * ops/softmax.ts: out[c] = exp(x[c] − m) / Σ_c' exp(x[c'] − m) with m = max_c' x[c'], per pixel.
 * It serves `softmax(axis=1)` (mnet.25) and `SoftmaxActivation(mode=channel)` (mnet_cov2), the
 * same arithmetic (ops/softmax-activation.ts). They run on the reshaped score maps, (1, 2, A·H, W)
 * and mnet_cov2's (1, 3, A·H, W) type map, so each thread's block holds every class.
 * Legend: C channels (≤ 4: one block), H/W the map, HP/WP stored extents.
 */
import { RetinaFaceError } from '../../errors.js';
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, type GpuTensor } from './device-tensor.js';

type SoftmaxConstants = { C: number; H: number; W: number; HP: number; WP: number };

function softmaxKernel(this: KernelThis<SoftmaxConstants>, x: number[]): number[] {
  if (this.thread.y < 1 || this.thread.y > this.constants.H) return [0, 0, 0, 0];
  const i = (this.thread.y * this.constants.WP + this.thread.x) * 4;
  let m = x[i];
  for (let c = 1; c < this.constants.C; c++) m = Math.max(m, x[i + c]);
  // channels past C get weight 0 and stay 0
  const e0 = Math.exp(x[i] - m);
  const e1 = this.constants.C > 1 ? Math.exp(x[i + 1] - m) : 0;
  const e2 = this.constants.C > 2 ? Math.exp(x[i + 2] - m) : 0;
  const e3 = this.constants.C > 3 ? Math.exp(x[i + 3] - m) : 0;
  const sum = e0 + e1 + e2 + e3;
  if (this.thread.x < 1 || this.thread.x > this.constants.W) return [0, 0, 0, 0];
  return [e0 / sum, e1 / sum, e2 / sum, e3 / sum];
}

/** softmax over axis 1 of x (1, C, H, W), C ≤ 4; `step` names the node in errors. */
export function softmax(device: GpuDevice, step: { op: string; name: string }, x: GpuTensor): Promise<GpuTensor> {
  const { C, H, W, HP, WP } = blockedDims(x.shape);
  if (C > 4) {
    throw new RetinaFaceError('UNSUPPORTED', `[${step.op} ${step.name}] ${C} classes on the gpu path: at most 4 (one channel block)`);
  }
  const run = device.kernel('softmax', softmaxKernel, [WP, HP, 1], { C, H, W, HP, WP });
  return run(x.data).then((data) => ({ shape: [...x.shape], data }));
}
