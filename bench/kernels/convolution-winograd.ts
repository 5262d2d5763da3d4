/**
 * Dense 3×3 stride-1 Convolution: the src kernel (planar copy + direct kernel, v9 of
 * convolution-dense.ts) against Winograd F(2×2, 3×3) (host input transform, gpu.js
 * GEMM, host output transform; src/ops/gpu/convolution-winograd.ts), on the shapes of mnet.25's stride-8 SSH/FPN layers at 640×640
 * and odd sizes. Every variant is checked against the reference ops/convolution.ts (with bias and
 * relu) before it is timed; each timed call gets a fresh input tensor, so the per-tensor planar
 * copy / input transform is paid every time. Run as harness.ts says.
 */
import { convolution } from '../../src/ops/convolution.js';
import { convolutionDense, packDenseWeights } from '../../src/ops/gpu/convolution-dense.js';
import type { ConvGeometry } from '../../src/ops/conv-geometry.js';
import { GpuDevice } from '../../src/ops/gpu/device.js';
import { fromBlocked, toBlocked, type GpuTensor } from '../../src/ops/gpu/device-tensor.js';
import { compare, modeFromArgv, seeded, type Variant } from './harness.js';
import { convolutionWinograd, packWinogradWeights } from '../../src/ops/gpu/convolution-winograd.js';

const mode = modeFromArgv();
const device = new GpuDevice(mode);
const shapes: [IC: number, OC: number, H: number, W: number][] = [
  [64, 64, 80, 80],
  [64, 32, 80, 80],
  [64, 16, 80, 80],
  [16, 16, 80, 80],
  [64, 64, 40, 40],
  [13, 7, 11, 9],
];
for (const [IC, OC, H, W] of shapes) {
  const g: ConvGeometry = { N: 1, IC, H, W, OC, OH: H, OW: W, KH: 3, KW: 3, sy: 1, sx: 1, py: 1, px: 1, g: 1 };
  const x = seeded(IC * H * W, 1);
  const weight = seeded(OC * IC * 9, 2);
  const bias = seeded(OC, 3);
  const ref = convolution(
    { shape: [1, IC, H, W], data: x },
    { shape: [OC, IC, 3, 3], data: weight },
    { shape: [OC], data: bias },
    { kernel: [3, 3], stride: [1, 1], pad: [1, 1], num_filter: OC, num_group: 1, no_bias: false },
  ).data;
  for (let i = 0; i < ref.length; i++) ref[i] = Math.max(ref[i], 0);
  const blocked = toBlocked({ shape: [1, IC, H, W], data: x });
  const dense = packDenseWeights(g, { weight, bias });
  const wino = packWinogradWeights(g, { weight, bias });
  const nchw = (r: unknown) => fromBlocked(r as GpuTensor).data;
  const variants: Variant[] = [
    { name: 'v9 src dense (planar copy + direct)', run: () => convolutionDense(device, g, { ...blocked }, dense, true), nchw, kernelClass: () => device.kernelClass },
    { name: 'w1 Winograd F(2x2,3x3), host transforms', run: () => convolutionWinograd(device, g, { ...blocked }, wino, true), nchw, kernelClass: () => device.kernelClass },
  ];
  await compare(`dense 3×3 ${IC}→${OC} @${H}×${W} on ${mode}`, 2 * OC * IC * 9 * H * W, ref, variants);
}
device.destroy();
