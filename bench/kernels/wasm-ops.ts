/**
 * The hand-written wasm kernels (src/ops/wasm) on the convolution shapes of mnet.25 at 640×640
 * (and the stride-8 map of t1's 1479×1024 input), one thread: each checked against the reference
 * ops/convolution.ts (bias + relu) first, then timed (min of 12, a fresh output tensor each call,
 * freed after). Dense 3×3 stride-1 layers run three times: directly, by Winograd F(2×2, 3×3) and
 * by F(4×4, 3×3) (the default). Run as harness.ts says:
 *   node .../bench/kernels/wasm-ops.js
 */
import { activation } from '../../src/ops/activation.js';
import type { ConvolutionAttrs } from '../../src/ops/conv-geometry.js';
import { convGeometry } from '../../src/ops/conv-geometry.js';
import { convolution } from '../../src/ops/convolution.js';
import { placeFloors, prepareConvolution, weightStore } from '../../src/ops/wasm/convolution.js';
import { instantiateKernels } from '../../src/ops/wasm/kernels.js';
import { startThreads } from '../../src/ops/wasm/threads.js';
import { WasmMemory, type WasmTensor } from '../../src/ops/wasm/memory.js';
import { tensor } from '../../src/tensor/tensor.js';
import { compare, seeded } from './harness.js';

const memory = new WasmMemory();
const kernels = instantiateKernels(memory.memory);
const single = startThreads(memory, kernels, 1);
const floors = placeFloors(memory);
const weights = weightStore(memory);

/** [layer, IC, OC, H, kernel, stride, groups, W (default H)] */
const CASES: [string, number, number, number, 1 | 3, 1 | 2, number, number?][] = [
  ['conv0 dense 3→8 s2 @640', 3, 8, 640, 3, 2, 1],
  ['rf_c1_aggr dense 64→64 @80', 64, 64, 80, 3, 1, 1],
  ['rf_c1_det_conv1 dense 64→32 @80', 64, 32, 80, 3, 1, 1],
  ['rf_c3_det_conv1 dense 64→32 @20', 64, 32, 20, 3, 1, 1],
  ['rf_c1_det_context_conv2 dense 16→16 @80', 16, 16, 80, 3, 1, 1],
  ['rf_c1_aggr dense 64→64 @128×185 (t1)', 64, 64, 128, 3, 1, 1, 185],
  ['rf_c1_det_conv1 dense 64→32 @128×185 (t1)', 64, 32, 128, 3, 1, 1, 185],
  ['rf_c1_det_context_conv2 dense 16→16 @128×185 (t1)', 16, 16, 128, 3, 1, 1, 185],
  ['relu2 pointwise 8→16 @320', 8, 16, 320, 1, 1, 1],
  ['relu6 pointwise 32→32 @160', 32, 32, 160, 1, 1, 1],
  ['relu10 pointwise 64→64 @80', 64, 64, 80, 1, 1, 1],
  ['relu14 pointwise 128→128 @40', 128, 128, 40, 1, 1, 1],
  ['relu26 pointwise 256→256 @20', 256, 256, 20, 1, 1, 1],
  ['relu1 depthwise 8 @320', 8, 8, 320, 3, 1, 8],
  ['relu5 depthwise 32 @160', 32, 32, 160, 3, 1, 32],
  ['relu3 depthwise 16 s2 @320', 16, 16, 320, 3, 2, 16],
];

for (const [name, IC, OC, H, k, s, g, W = H] of CASES) {
  const p = k === 3 ? 1 : 0;
  const attrs: ConvolutionAttrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: OC, num_group: g, no_bias: false };
  const x = tensor([1, IC, H, W], seeded(IC * H * W, 1));
  const weight = tensor([OC, IC / g, k, k], seeded(OC * (IC / g) * k * k, 2));
  const bias = tensor([OC], seeded(OC, 3));
  const ref = activation(convolution(x, weight, bias, attrs)).data;
  const stored = memory.upload(x);
  const flop = 2 * OC * (IC / g) * k * k * ref.length / OC;
  const ways: [string, boolean | 2 | 4][] = k === 3 && s === 1 && g === 1 ? [['wasm direct', false], ['wasm Winograd F(2×2,3×3)', 2], ['wasm Winograd F(4×4,3×3)', 4]] : [['wasm', true]];
  await compare(name, flop, ref, ways.map(([variant, winograd]) => {
    const conv = prepareConvolution(memory, single, floors, weights, `${name} ${variant}`, name, convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: bias.data }, true, winograd);
    return {
      name: variant,
      run: async () => {
        const out = conv(stored);
        const where = { ...out };
        memory.freeTensor(out);
        return where;
      },
      // read right after the first call: the freed block is still intact, nothing ran in between
      nchw: (out: unknown) => memory.download(out as WasmTensor).data,
      kernelClass: () => 'wasm-simd128',
    };
  }), 12);
  memory.freeTensor(stored);
}
