/**
 * Pointwise (1×1) Convolution variants on the shapes of mnet.25's backbone at 640×640. Each is
 * checked against the reference ops/convolution.ts (bias + relu) and timed (min of 7) with a fresh
 * input tensor per call, so a per-tensor planar copy is paid every time. Run as harness.ts says.
 *
 *   p1  src/ops/gpu/convolution-pointwise.ts: four output channels per thread, blocked input
 *   p2  the same kernel reading the planar copy of the input (convolution-dense.ts `planar`): the
 *       four x-neighbours a SIMD call gathers one float apart instead of four
 */
import { convolution } from '../../src/ops/convolution.js';
import { planar } from '../../src/ops/gpu/convolution-dense.js';
import { convolutionPointwise, packPointwiseWeights } from '../../src/ops/gpu/convolution-pointwise.js';
import type { ConvGeometry } from '../../src/ops/conv-geometry.js';
import { GpuDevice, type KernelThis } from '../../src/ops/gpu/device.js';
import { fromBlocked, storedWidth, toBlocked, type GpuTensor } from '../../src/ops/gpu/device-tensor.js';
import { compare, modeFromArgv, seeded, type Variant } from './harness.js';

type C = { ICB: number; OCP: number; H: number; W: number; HP: number; WP: number; BIAS: number; RELU: number };

function p2(this: KernelThis<C>, x: number[], w: number[]): number[] {
  if (this.thread.y < 1 || this.thread.y > this.constants.H) return [0, 0, 0, 0];
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = this.thread.y * this.constants.WP + this.thread.x;
  let k = oc;
  for (let ic = 0; ic < this.constants.ICB * 4; ic++) {
    const v = x[i];
    s0 += v * w[k];
    s1 += v * w[k + 1];
    s2 += v * w[k + 2];
    s3 += v * w[k + 3];
    k += this.constants.OCP;
    i += this.constants.HP * this.constants.WP;
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

const mode = modeFromArgv();
const device = new GpuDevice(mode);
const shapes: [IC: number, OC: number, H: number, W: number][] = [
  [32, 32, 160, 160],
  [128, 128, 40, 40],
  [64, 64, 80, 80],
  [8, 16, 320, 320],
  [256, 256, 20, 20],
];
for (const [IC, OC, H, W] of shapes) {
  const g: ConvGeometry = { N: 1, IC, H, W, OC, OH: H, OW: W, KH: 1, KW: 1, sy: 1, sx: 1, py: 0, px: 0, g: 1 };
  const x = seeded(IC * H * W, 1);
  const weight = seeded(OC * IC, 2);
  const bias = seeded(OC, 3);
  const ref = convolution(
    { shape: [1, IC, H, W], data: x },
    { shape: [OC, IC, 1, 1], data: weight },
    { shape: [OC], data: bias },
    { kernel: [1, 1], stride: [1, 1], pad: [0, 0], num_filter: OC, num_group: 1, no_bias: false },
  ).data;
  for (let i = 0; i < ref.length; i++) ref[i] = Math.max(ref[i], 0);
  const blocked = toBlocked({ shape: [1, IC, H, W], data: x });
  const packed = packPointwiseWeights(g, { weight, bias });
  const ICB = Math.ceil(IC / 4);
  const constants: C = { ICB, OCP: Math.ceil(OC / 4) * 4, H, W, HP: H + 2, WP: storedWidth(W), BIAS: ICB * 4 * Math.ceil(OC / 4) * 4, RELU: 1 };
  const nchw = (r: unknown) => fromBlocked(r as GpuTensor).data;
  const variants: Variant[] = [
    { name: 'p1 src pointwise (blocked input)', run: () => convolutionPointwise(device, g, { ...blocked }, packed, true), nchw, kernelClass: () => device.kernelClass },
    {
      name: 'p2 planar input (copy per call)',
      run: async () => {
        const run = device.kernel('bench-pointwise-planar', p2, [storedWidth(W), H + 2, Math.ceil(OC / 4)], constants);
        return { shape: [1, OC, H, W], data: await run(planar(device, { ...blocked }), packed) };
      },
      nchw,
      kernelClass: () => device.kernelClass,
    },
  ];
  await compare(`pointwise ${IC}→${OC} @${H}×${W} on ${mode}`, 2 * OC * IC * H * W, ref, variants, 7);
}
device.destroy();
