/**
 * Pointwise Convolution (1×1, stride 1, pad 0, num_group = 1) as a gpu.js kernel with the bias /
 * folded BatchNorm / relu epilogue: a small GEMM, out[oc][p] = Σ_ic w[oc][ic]·x[ic][p] over the
 * pixels p. Twin of the reference ops/convolution.ts with KH = KW = 1. Legend: IC/OC in/out
 * channels, ICB = ceil(IC/4) input blocks, OCP = OC rounded up to 4, H/W the map, HP/WP stored
 * extents.
 *
 * One thread computes output channels oc..oc+3 of one pixel, so every input value loaded feeds
 * four multiply-adds; weights are stored input-major, w[ic·OCP + oc], then the OCP biases. The
 * input and output maps have the same stored extents, so the thread's own index is the input's.
 */
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import type { GpuDevice, KernelThis } from './device.js';
import { storedWidth, type GpuTensor } from './device-tensor.js';

type PointwiseConstants = { ICB: number; OCP: number; H: number; W: number; HP: number; WP: number; BIAS: number; RELU: number };

/** Output channels oc..oc+3 of stored pixel (thread.x, thread.y) = (ox + 1, oy + 1). */
function convolutionPointwiseKernel(this: KernelThis<PointwiseConstants>, x: number[], w: number[]): number[] {
  if (this.thread.y < 1 || this.thread.y > this.constants.H) return [0, 0, 0, 0];
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  // stored index of the same pixel in input block 0; the border lanes read the zero border
  let i = (this.thread.y * this.constants.WP + this.thread.x) * 4;
  let k = oc;
  for (let icb = 0; icb < this.constants.ICB; icb++) {
    for (let ci = 0; ci < 4; ci++) {
      const v = x[i + ci];
      s0 += v * w[k];
      s1 += v * w[k + 1];
      s2 += v * w[k + 2];
      s3 += v * w[k + 3];
      k += this.constants.OCP;
    }
    i += this.constants.HP * this.constants.WP * 4;
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
  if (this.thread.x < 1 || this.thread.x > this.constants.W) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

/** Weights (OC, IC, 1, 1) and bias (OC) as w[ic·OCP + oc] for ic < 4·ICB (zeros past IC, OC), then the OCP biases. */
export function packPointwiseWeights(g: ConvGeometry, p: ConvWeights): Float32Array {
  const ICP = Math.ceil(g.IC / 4) * 4;
  const OCP = Math.ceil(g.OC / 4) * 4;
  const packed = new Float32Array(ICP * OCP + OCP);
  for (let oc = 0; oc < g.OC; oc++) {
    for (let ic = 0; ic < g.IC; ic++) packed[ic * OCP + oc] = p.weight[oc * g.IC + ic];
    packed[ICP * OCP + oc] = p.bias[oc];
  }
  return packed;
}

/** x (1, IC, H, W) → (1, OC, H, W) on `device`; `packed` from packPointwiseWeights. */
export function convolutionPointwise(device: GpuDevice, g: ConvGeometry, x: GpuTensor, packed: Float32Array, relu: boolean): Promise<GpuTensor> {
  const OCP = Math.ceil(g.OC / 4) * 4;
  const ICB = Math.ceil(g.IC / 4);
  const constants: PointwiseConstants = {
    ICB, OCP, H: g.H, W: g.W, HP: g.H + 2, WP: storedWidth(g.W), BIAS: ICB * 4 * OCP, RELU: relu ? 1 : 0,
  };
  const run = device.kernel('convolution-pointwise', convolutionPointwiseKernel, [storedWidth(g.W), g.H + 2, OCP / 4], constants);
  return run(x.data, packed).then((data) => ({ shape: [1, g.OC, g.H, g.W], data }));
}
