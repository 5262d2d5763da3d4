/**
 * Depthwise k×k Convolution (num_group = IC = OC, any stride, pad ≤ 1) as a gpu.js kernel with the
 * bias / folded BatchNorm / relu epilogue. Twin of the reference ops/convolution.ts with g = C:
 * output channel c reads input channel c only. Legend: C channels, CP = C rounded up to 4, KH/KW
 * kernel, SY/SX stride, PY/PX pad, OH/OW output, HP/WP stored input extents.
 *
 * One thread computes channels c..c+3 (one block) of output pixel (oy, ox); in the blocked layout
 * those four channels of an input pixel are adjacent. Weights are stored tap-major,
 * w[(ky·KW + kx)·CP + c], then the CP biases.
 */
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import type { GpuDevice, KernelThis } from './device.js';
import { storedWidth, type GpuTensor } from './device-tensor.js';

type DepthwiseConstants = {
  CP: number; KH: number; KW: number; SY: number; SX: number; PY: number; PX: number;
  OH: number; OW: number; HP: number; WP: number; BIAS: number; RELU: number;
};

/** Channels c..c+3 of stored output pixel (thread.x, thread.y) = (ox + 1, oy + 1). */
function convolutionDepthwiseKernel(this: KernelThis<DepthwiseConstants>, x: number[], w: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  // border lanes compute on a clamped pixel and write zeros at the end: no per-tap branch
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const c = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  // stored index of input pixel (iy, ix) = (oy·SY − PY + ky, ox·SX − PX + kx) of block c/4
  let row = ((this.thread.z * this.constants.HP + oy * this.constants.SY - this.constants.PY + 1) * this.constants.WP +
    ox * this.constants.SX - this.constants.PX + 1) * 4;
  let k = c;
  for (let ky = 0; ky < this.constants.KH; ky++) {
    for (let kx = 0; kx < this.constants.KW; kx++) {
      const i = row + kx * 4;
      s0 += x[i] * w[k];
      s1 += x[i + 1] * w[k + 1];
      s2 += x[i + 2] * w[k + 2];
      s3 += x[i + 3] * w[k + 3];
      k += this.constants.CP;
    }
    row += this.constants.WP * 4;
  }
  s0 += w[this.constants.BIAS + c];
  s1 += w[this.constants.BIAS + c + 1];
  s2 += w[this.constants.BIAS + c + 2];
  s3 += w[this.constants.BIAS + c + 3];
  if (this.constants.RELU === 1) {
    s0 = Math.max(s0, 0);
    s1 = Math.max(s1, 0);
    s2 = Math.max(s2, 0);
    s3 = Math.max(s3, 0);
  }
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

/** Weights (C, 1, KH, KW) and bias (C) as w[(ky·KW + kx)·CP + c], then the CP biases. */
export function packDepthwiseWeights(g: ConvGeometry, p: ConvWeights): Float32Array {
  const CP = Math.ceil(g.OC / 4) * 4;
  const taps = g.KH * g.KW;
  const packed = new Float32Array(taps * CP + CP);
  for (let c = 0; c < g.OC; c++) {
    for (let t = 0; t < taps; t++) packed[t * CP + c] = p.weight[c * taps + t];
    packed[taps * CP + c] = p.bias[c];
  }
  return packed;
}

/** x (1, C, H, W) → (1, C, OH, OW) on `device`; `packed` from packDepthwiseWeights. */
export function convolutionDepthwise(device: GpuDevice, g: ConvGeometry, x: GpuTensor, packed: Float32Array, relu: boolean): Promise<GpuTensor> {
  const CP = Math.ceil(g.OC / 4) * 4;
  const constants: DepthwiseConstants = {
    CP, KH: g.KH, KW: g.KW, SY: g.sy, SX: g.sx, PY: g.py, PX: g.px, OH: g.OH, OW: g.OW,
    HP: g.H + 2, WP: storedWidth(g.W), BIAS: g.KH * g.KW * CP, RELU: relu ? 1 : 0,
  };
  const run = device.kernel('convolution-depthwise', convolutionDepthwiseKernel, [storedWidth(g.OW), g.OH + 2, CP / 4], constants);
  return run(x.data, packed).then((data) => ({ shape: [1, g.OC, g.OH, g.OW], data }));
}
