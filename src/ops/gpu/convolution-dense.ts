/**
 * Dense k×k Convolution (num_group = 1, any stride, pad ≤ 1) as a gpu.js kernel, with the bias,
 * the folded BatchNorm and relu as its epilogue. Twin of the reference ops/convolution.ts: the
 * same index names (oc, oy, ox, ic, ky, kx, iy, ix). Legend: IC/OC in/out channels, ICP/OCP
 * rounded up to 4, KH/KW kernel, SY/SX stride, PY/PX pad, OH/OW output, HP/WP stored input
 * extents (device-tensor.ts).
 *
 * One thread computes output channels oc..oc+3 of output pixel (oy, ox): each input value is
 * loaded once for four multiply-adds, and the weights are stored input-major,
 * w[((ic·KH + ky)·KW + kx)·OCP + oc], so those four weights sit together. The input index walks
 * by increments instead of being recomputed per tap.
 *
 * The kernel reads its input planar, (ICP, HP, WP) with the same zero border, not blocked: the
 * four x-neighbours a webasm SIMD call gathers are then one float apart instead of four, which
 * made this kernel 1.25× faster (bench/kernels/convolution-dense.ts, v8 against v6). The planar
 * copy of the blocked input is made first and kept per GpuTensor, so the SSH convolutions sharing
 * an input copy it once.
 */
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, storedWidth, type GpuTensor } from './device-tensor.js';

/**
 * x as (CP, HP, WP) planar values, border included, made once per tensor (kept in `x.copies`). A
 * host loop: between kernels the data is in host memory (backend.ts), and this copy took 1–2 ms
 * where a gpu.js copy kernel took 8 ms (64 channels at 80×80).
 */
export function planar(device: GpuDevice, x: GpuTensor): Float32Array {
  x.copies ??= new Map();
  let copy = x.copies.get('planar');
  if (copy === undefined) {
    const { CB, HP, WP } = blockedDims(x.shape);
    const b = x.data;
    copy = device.take(CB * 4 * HP * WP);
    for (let c = 0; c < CB * 4; c++) {
      const from = (c >> 2) * HP * WP * 4 + (c & 3);
      const to = c * HP * WP;
      for (let p = 0; p < HP * WP; p++) copy[to + p] = b[from + p * 4];
    }
    x.copies.set('planar', copy);
  }
  return copy;
}

type DenseConstants = {
  ICP: number; OCP: number; KH: number; KW: number; SY: number; SX: number; PY: number; PX: number;
  OH: number; OW: number; HP: number; WP: number; BIAS: number; RELU: number;
};

/** Output channels oc..oc+3 of stored output pixel (thread.x, thread.y) = (ox + 1, oy + 1); x planar. */
function convolutionDenseKernel(this: KernelThis<DenseConstants>, x: number[], w: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  // border lanes compute on a clamped pixel and write zeros at the end: no per-tap branch
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  // stored index of input pixel (iy, ix) = (oy·SY − PY + ky, ox·SX − PX + kx) of channel 0, +1 for the border
  let row = (oy * this.constants.SY - this.constants.PY + 1) * this.constants.WP + ox * this.constants.SX - this.constants.PX + 1;
  let k = oc;
  for (let ic = 0; ic < this.constants.ICP; ic++) {
    for (let ky = 0; ky < this.constants.KH; ky++) {
      for (let kx = 0; kx < this.constants.KW; kx++) {
        const v = x[row + kx];
        s0 += v * w[k];
        s1 += v * w[k + 1];
        s2 += v * w[k + 2];
        s3 += v * w[k + 3];
        k += this.constants.OCP;
      }
      row += this.constants.WP;
    }
    row += (this.constants.HP - this.constants.KH) * this.constants.WP;
  }
  s0 += w[this.constants.BIAS + oc];
  s1 += w[this.constants.BIAS + oc + 1];
  s2 += w[this.constants.BIAS + oc + 2];
  s3 += w[this.constants.BIAS + oc + 3];
  if (this.constants.RELU === 1) {
    s0 = Math.max(s0, 0);
    s1 = Math.max(s1, 0);
    s2 = Math.max(s2, 0);
    s3 = Math.max(s3, 0);
  }
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

/**
 * Weights (OC, IC, KH, KW) and bias (OC) packed as the kernel reads them: w[((ic·KH + ky)·KW +
 * kx)·OCP + oc] for ic < 4·ICB (zeros past IC and OC), then the OCP biases.
 */
export function packDenseWeights(g: ConvGeometry, p: ConvWeights): Float32Array {
  const ICP = Math.ceil(g.IC / 4) * 4;
  const OCP = Math.ceil(g.OC / 4) * 4;
  const taps = g.KH * g.KW;
  const packed = new Float32Array(ICP * taps * OCP + OCP);
  for (let oc = 0; oc < g.OC; oc++) {
    for (let ic = 0; ic < g.IC; ic++) {
      for (let t = 0; t < taps; t++) packed[(ic * taps + t) * OCP + oc] = p.weight[(oc * g.IC + ic) * taps + t];
    }
    packed[ICP * taps * OCP + oc] = p.bias[oc];
  }
  return packed;
}

/** x (1, IC, H, W) → (1, OC, OH, OW) on `device`; `packed` from packDenseWeights. */
export async function convolutionDense(device: GpuDevice, g: ConvGeometry, x: GpuTensor, packed: Float32Array, relu: boolean): Promise<GpuTensor> {
  const OCP = Math.ceil(g.OC / 4) * 4;
  const ICP = Math.ceil(g.IC / 4) * 4;
  const constants: DenseConstants = {
    ICP, OCP, KH: g.KH, KW: g.KW, SY: g.sy, SX: g.sx, PY: g.py, PX: g.px, OH: g.OH, OW: g.OW,
    HP: g.H + 2, WP: storedWidth(g.W), BIAS: ICP * g.KH * g.KW * OCP, RELU: relu ? 1 : 0,
  };
  const run = device.kernel('convolution-dense', convolutionDenseKernel, [storedWidth(g.OW), g.OH + 2, OCP / 4], constants);
  const data = await run(planar(device, x), packed);
  return { shape: [1, g.OC, g.OH, g.OW], data };
}
