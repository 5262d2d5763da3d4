/**
 * Dense k×k Convolution (num_group = 1, any stride, pad ≤ 1) as a gpu.js kernel, with the bias,
 * the folded BatchNorm and relu as its epilogue. Twin of the reference ops/convolution.ts: the
 * same index names (oc, oy, ox, ic, ky, kx, iy, ix), read through the blocked layout of
 * device-tensor.ts. Legend: IC/OC in/out channels, ICB = ceil(IC/4) input blocks, OCP = OC
 * rounded up to 4, KH/KW kernel, SY/SX stride, PY/PX pad, OH/OW output, HP/WP stored input
 * extents (device-tensor.ts).
 *
 * One thread computes output channels oc..oc+3 of output pixel (oy, ox): each input value is
 * loaded once for four multiply-adds, and the weights are stored input-major,
 * w[((ic·KH + ky)·KW + kx)·OCP + oc], so those four weights sit together. The input index walks
 * by increments instead of being recomputed per tap. bench/kernels/convolution-dense.ts has the
 * variants and their timings.
 */
import type { ConvGeometry } from '../conv-geometry.js';
import type { ConvWeights } from './convolution.js';
import type { GpuDevice, KernelThis } from './device.js';
import { storedWidth, type GpuTensor } from './device-tensor.js';

type DenseConstants = {
  ICB: number; OCP: number; KH: number; KW: number; SY: number; SX: number; PY: number; PX: number;
  OH: number; OW: number; HP: number; WP: number; BIAS: number; RELU: number;
};

/** Output channels oc..oc+3 of stored output pixel (thread.x, thread.y) = (ox + 1, oy + 1). */
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
  // stored index of input pixel (iy, ix) = (oy·SY − PY + ky, ox·SX − PX + kx), +1 for the border
  const corner = ((oy * this.constants.SY - this.constants.PY + 1) * this.constants.WP + ox * this.constants.SX - this.constants.PX + 1) * 4;
  let k = oc;
  for (let icb = 0; icb < this.constants.ICB; icb++) {
    for (let ci = 0; ci < 4; ci++) {
      let row = corner + icb * this.constants.HP * this.constants.WP * 4 + ci;
      for (let ky = 0; ky < this.constants.KH; ky++) {
        for (let kx = 0; kx < this.constants.KW; kx++) {
          const v = x[row + kx * 4];
          s0 += v * w[k];
          s1 += v * w[k + 1];
          s2 += v * w[k + 2];
          s3 += v * w[k + 3];
          k += this.constants.OCP;
        }
        row += this.constants.WP * 4;
      }
    }
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
export function convolutionDense(device: GpuDevice, g: ConvGeometry, x: GpuTensor, packed: Float32Array, relu: boolean): Promise<GpuTensor> {
  const OCP = Math.ceil(g.OC / 4) * 4;
  const ICB = Math.ceil(g.IC / 4);
  const constants: DenseConstants = {
    ICB, OCP, KH: g.KH, KW: g.KW, SY: g.sy, SX: g.sx, PY: g.py, PX: g.px, OH: g.OH, OW: g.OW,
    HP: g.H + 2, WP: storedWidth(g.W), BIAS: ICB * 4 * g.KH * g.KW * OCP, RELU: relu ? 1 : 0,
  };
  const run = device.kernel('convolution-dense', convolutionDenseKernel, [storedWidth(g.OW), g.OH + 2, OCP / 4], constants);
  return run(x.data, packed).then((data) => ({ shape: [1, g.OC, g.OH, g.OW], data }));
}
