/**
 * `_minus_scalar` and `_mul_scalar` as one gpu.js kernel, twin of the reference
 * ops/binary-scalar.ts: y = x − s or y = x · s at every map position. Unlike relu or add, x − s
 * is not 0 where x is, so the kernel tests the position and writes 0 on the border, the extra
 * columns and the channels past C of the last block, which every later kernel reads as padding
 * (device-tensor.ts). Legend: C channels, H/W the map, CB channel blocks, HP/WP stored extents.
 */
import type { BinaryScalarAttrs, BinaryScalarOp } from '../binary-scalar.js';
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, type GpuTensor } from './device-tensor.js';

/** MINUS 1: x − S; MINUS 0: x · S. */
type ScalarConstants = { C: number; H: number; W: number; HP: number; WP: number; S: number; MINUS: number };

function binaryScalarKernel(this: KernelThis<ScalarConstants>, x: number[]): number[] {
  const y = this.thread.y;
  const xx = this.thread.x;
  if (y < 1 || y > this.constants.H || xx < 1 || xx > this.constants.W) return [0, 0, 0, 0];
  const i = ((this.thread.z * this.constants.HP + y) * this.constants.WP + xx) * 4;
  const c = this.thread.z * 4;
  const s = this.constants.S;
  if (this.constants.MINUS > 0) {
    return [
      c < this.constants.C ? x[i] - s : 0,
      c + 1 < this.constants.C ? x[i + 1] - s : 0,
      c + 2 < this.constants.C ? x[i + 2] - s : 0,
      c + 3 < this.constants.C ? x[i + 3] - s : 0,
    ];
  }
  return [x[i] * s, x[i + 1] * s, x[i + 2] * s, x[i + 3] * s];
}

/** x (1, C, H, W) − s or · s. */
export function binaryScalar(device: GpuDevice, op: BinaryScalarOp, x: GpuTensor, attrs: BinaryScalarAttrs): Promise<GpuTensor> {
  const { C, H, W, CB, HP, WP } = blockedDims(x.shape);
  const constants = { C, H, W, HP, WP, S: attrs.scalar, MINUS: op === '_minus_scalar' ? 1 : 0 };
  const run = device.kernel(op, binaryScalarKernel, [WP, HP, CB], constants);
  return run(x.data).then((data) => ({ shape: [...x.shape], data }));
}
