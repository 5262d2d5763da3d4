/**
 * Every gpu.js kernel against its reference op, on a seeded table of awkward shapes (kernel 1/3,
 * stride 1/2, pad 0/1, groups 1/C, channel counts that are not multiples of 4, odd maps like
 * 13×11, 1×1 maps), on every gpu.js mode present. An absent mode is a visible skip with its
 * reason. Each mode also asserts the kernel class that ran.
 */
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { activation } from '../../src/ops/activation.js';
import { batchNorm } from '../../src/ops/batch-norm.js';
import { concat } from '../../src/ops/concat.js';
import { convGeometry, type ConvolutionAttrs } from '../../src/ops/conv-geometry.js';
import { convolution } from '../../src/ops/convolution.js';
import { crop } from '../../src/ops/crop.js';
import { elemwiseAdd } from '../../src/ops/elemwise-add.js';
import { minusScalar, mulScalar } from '../../src/ops/binary-scalar.js';
import { reshape } from '../../src/ops/reshape.js';
import { softmax } from '../../src/ops/softmax.js';
import { softmaxActivation } from '../../src/ops/softmax-activation.js';
import { upSampling } from '../../src/ops/up-sampling.js';
import { relu as gpuRelu } from '../../src/ops/gpu/activation.js';
import { batchNormScaleShift } from '../../src/ops/backend.js';
import { binaryScalar as gpuBinaryScalar } from '../../src/ops/gpu/binary-scalar.js';
import { batchNorm as gpuBatchNorm, packBatchNorm } from '../../src/ops/gpu/batch-norm.js';
import { concat as gpuConcat } from '../../src/ops/gpu/concat.js';
import { prepareConvolution } from '../../src/ops/gpu/convolution.js';
import { crop as gpuCrop } from '../../src/ops/gpu/crop.js';
import { GpuDevice, modeUnavailable, type GpuMode } from '../../src/ops/gpu/device.js';
import { blockedDims, fromBlocked, toBlocked } from '../../src/ops/gpu/device-tensor.js';
import { elemwiseAdd as gpuElemwiseAdd } from '../../src/ops/gpu/elemwise-add.js';
import { reshape as gpuReshape } from '../../src/ops/gpu/reshape.js';
import { softmax as gpuSoftmax } from '../../src/ops/gpu/softmax.js';
import { upSampling as gpuUpSampling } from '../../src/ops/gpu/up-sampling.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { Shape } from '../../src/tensor/shape.js';
import { expectTensorClose } from '../helpers/golden.js';
import { randomTensors, seedOf } from '../helpers/random.js';

const MODES: { mode: GpuMode; kernel: string }[] = [
  { mode: 'webasm', kernel: 'WebAssemblyKernel' },
  { mode: 'headlessgl', kernel: 'HeadlessGLKernel' },
  { mode: 'cpu', kernel: 'CPUKernel' },
];

/** Each case draws from its own seed, from its title (so `-t` changes no input), printed when it fails. */
let random: (shape: Shape) => Tensor;
beforeEach((ctx) => {
  const seed = seedOf(ctx.task.name);
  random = randomTensors(seed);
  ctx.onTestFailed(() => console.error(`${ctx.task.name}: seed ${seed}`));
});

/** [IC, H, W, OC, kernel, stride, pad, groups ('C' = depthwise), relu] */
type ConvCase = [number, number, number, number, number, number, number, number | 'C', boolean];
const CONV_CASES: ConvCase[] = [
  [3, 13, 11, 8, 3, 2, 1, 1, true], // the first layer: 3 channels, stride 2
  [8, 13, 11, 12, 3, 1, 1, 1, false], // 3×3 stride 1 pad 1: Winograd F(2×2, 3×3)
  [13, 7, 9, 6, 3, 1, 1, 1, true], // Winograd with odd map sides (half-empty edge tiles)
  [20, 4, 14, 36, 3, 1, 1, 1, true], // Winograd, 7 tiles a row (padded to 8)
  [5, 13, 11, 7, 3, 1, 0, 1, true], // channels not multiples of 4, no padding
  [6, 9, 14, 10, 3, 2, 1, 1, false],
  [16, 1, 1, 12, 3, 1, 1, 1, true], // 1×1 map
  [12, 13, 11, 20, 1, 1, 0, 1, true], // pointwise
  [7, 13, 11, 5, 1, 1, 0, 1, false],
  [8, 13, 11, 8, 1, 2, 0, 1, false], // 1×1 with stride: the dense kernel
  [8, 6, 7, 4, 1, 1, 1, 1, false], // 1×1 with pad: the dense kernel
  [8, 13, 11, 8, 3, 1, 1, 'C', true], // depthwise
  [16, 13, 11, 16, 3, 2, 1, 'C', false],
  [6, 12, 9, 6, 3, 1, 0, 'C', true],
  [4, 1, 1, 4, 3, 1, 1, 'C', false],
];

/** Runs the gpu op on blocked copies of `inputs` and returns the unpacked result. */
async function viaGpu(inputs: Tensor[], op: (xs: ReturnType<typeof toBlocked>[]) => Promise<ReturnType<typeof toBlocked>> | ReturnType<typeof toBlocked>): Promise<Tensor> {
  return fromBlocked(await op(inputs.map(toBlocked)));
}

for (const { mode, kernel } of MODES) {
  const why = modeUnavailable(mode);
  describe.skipIf(why !== null)(`gpu.js ${mode}${why ? ` — skipped: ${why}` : ''}`, () => {
    const device = why === null ? new GpuDevice(mode) : (null as unknown as GpuDevice);
    afterAll(() => device?.destroy());

    for (const [IC, H, W, OC, k, s, p, groups, relu] of CONV_CASES) {
      const g = groups === 'C' ? IC : groups;
      it(`Convolution x=(1,${IC},${H},${W}) OC=${OC} k=${k} s=${s} p=${p} g=${g}${relu ? ' +relu' : ''}`, async () => {
        const attrs: ConvolutionAttrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: OC, num_group: g, no_bias: false };
        const x = random([1, IC, H, W]);
        const weight = random([OC, IC / g, k, k]);
        const bias = random([OC]);
        const conv = convolution(x, weight, bias, attrs);
        const want = relu ? activation(conv) : conv;
        const run = prepareConvolution(device, 'case', convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: bias.data }, relu);
        expectTensorClose(`${mode} conv`, await viaGpu([x], ([b]) => run(b)), want);
      });
    }

    it('a 3×3 stride-1 pad-1 Convolution runs as Winograd, other dense ones as the direct kernel', async () => {
      const ops = vi.spyOn(device, 'kernel');
      try {
        for (const [k, s, p] of [[3, 1, 1], [3, 2, 1], [3, 1, 0]]) {
          const attrs: ConvolutionAttrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: 4, num_group: 1, no_bias: true };
          const x = random([1, 4, 6, 6]);
          const weight = random([4, 4, k, k]);
          await viaGpu([x], ([b]) => prepareConvolution(device, 'which', convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: new Float32Array(4) }, false)(b));
        }
        expect(ops.mock.calls.map((c) => c[0])).toEqual(['convolution-winograd', 'convolution-dense', 'convolution-dense']);
      } finally {
        ops.mockRestore();
      }
    });

    // The device's index limit lowered (still above the packed weights) so these maps run in bands.
    for (const [IC, H, W, OC, k, s, p, g, maxValues] of [
      [3, 13, 11, 8, 3, 2, 1, 1, 400], [8, 13, 11, 12, 3, 1, 1, 1, 1500], [5, 13, 11, 7, 3, 1, 0, 1, 1000], [6, 9, 14, 10, 3, 2, 1, 1, 1000],
      [12, 13, 11, 16, 1, 1, 0, 1, 1500], [7, 13, 11, 5, 1, 1, 0, 1, 800], // pointwise
      [8, 13, 11, 8, 3, 1, 1, 8, 1000], [16, 13, 11, 16, 3, 2, 1, 16, 1500], [6, 12, 9, 6, 3, 1, 0, 6, 600], // depthwise
    ]) {
      it(`Convolution in row bands (limit ${maxValues} values) x=(1,${IC},${H},${W}) OC=${OC} k=${k} s=${s} p=${p} g=${g}`, async () => {
        const attrs: ConvolutionAttrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: OC, num_group: g, no_bias: false };
        const x = random([1, IC, H, W]);
        const weight = random([OC, IC / g, k, k]);
        const bias = random([OC]);
        const run = prepareConvolution(device, 'banded', convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: bias.data }, true);
        const bands = vi.spyOn(device, 'kernel');
        device.maxValues = maxValues;
        try {
          expectTensorClose(`${mode} banded conv`, await viaGpu([x], ([b]) => run(b)), activation(convolution(x, weight, bias, attrs)));
          expect(bands.mock.calls.length).toBeGreaterThan(1);
        } finally {
          device.maxValues = 2 ** 24;
          bands.mockRestore();
        }
      });
    }

    it('BatchNorm x=(1,6,7,9), eps 2e-5, fix_gamma both ways', async () => {
      const x = random([1, 6, 7, 9]);
      const [gamma, beta, mean] = [random([6]), random([6]), random([6])];
      const variance = tensor([6], random([6]).data.map((v) => v + 1.5));
      for (const fix_gamma of [false, true]) {
        const attrs = { eps: 2e-5, fix_gamma };
        const { scale, shift } = batchNormScaleShift(gamma, beta, mean, variance, attrs);
        const ours = await viaGpu([x], ([b]) => gpuBatchNorm(device, b, packBatchNorm(scale, shift)));
        expectTensorClose(`${mode} batchnorm fix_gamma=${fix_gamma}`, ours, batchNorm(x, gamma, beta, mean, variance, attrs));
      }
    });

    it('Activation relu x=(1,5,13,11)', async () => {
      const x = random([1, 5, 13, 11]);
      expectTensorClose(`${mode} relu`, await viaGpu([x], ([b]) => gpuRelu(device, b)), activation(x));
    });

    it('UpSampling ×2 x=(1,6,7,5) and x=(1,4,1,1)', async () => {
      for (const shape of [[1, 6, 7, 5], [1, 4, 1, 1]]) {
        const x = random(shape);
        expectTensorClose(`${mode} upsampling`, await viaGpu([x], ([b]) => gpuUpSampling(device, b, 2)), upSampling(x, { scale: 2 }));
      }
    });

    it('Crop (1,6,14,10) to (12,9) and to (1,1)', async () => {
      const x = random([1, 6, 14, 10]);
      for (const like of [tensor([1, 6, 12, 9]), tensor([1, 6, 1, 1])]) {
        const ours = await viaGpu([x], ([b]) => gpuCrop(device, b, like.shape[2], like.shape[3]));
        expectTensorClose(`${mode} crop`, ours, crop(x, like));
      }
    });

    it('elemwise_add (1,7,13,11)', async () => {
      const [a, b] = [random([1, 7, 13, 11]), random([1, 7, 13, 11])];
      expectTensorClose(`${mode} add`, await viaGpu([a, b], ([ga, gb]) => gpuElemwiseAdd(device, ga, gb)), elemwiseAdd(a, b));
    });

    it('Concat dim 1 of 8 + 4 + 6 channels (the last one not a multiple of 4)', async () => {
      const xs = [random([1, 8, 5, 7]), random([1, 4, 5, 7]), random([1, 6, 5, 7])];
      expectTensorClose(`${mode} concat`, await viaGpu(xs, (bs) => gpuConcat('case', bs)), concat(xs, { dim: 1, num_args: 3 }));
    });

    it('Reshape (0,2,-1,0), softmax axis 1, Reshape (0,4,-1,0) on a (1,4,5,7) score map', async () => {
      const x = tensor([1, 4, 5, 7], random([1, 4, 5, 7]).data.map((v) => v * 8));
      const want = reshape(softmax(reshape(x, [1, 2, 10, 7]), { axis: 1 }), [1, 4, 5, 7]);
      const ours = await viaGpu([x], async ([b]) => gpuReshape(await gpuSoftmax(device, { op: 'softmax', name: 'case' }, gpuReshape(b, [1, 2, 10, 7])), [1, 4, 5, 7]));
      expectTensorClose(`${mode} softmax`, ours, want);
    });

    it('SoftmaxActivation mode=channel on a (1,3,10,7) type map (mnet_cov2\'s three classes) and on (1,2,1,1)', async () => {
      for (const shape of [[1, 3, 10, 7], [1, 2, 1, 1]]) {
        const x = tensor(shape, random(shape).data.map((v) => v * 8));
        const ours = await viaGpu([x], ([b]) => gpuSoftmax(device, { op: 'SoftmaxActivation', name: 'case' }, b));
        expectTensorClose(`${mode} SoftmaxActivation`, ours, softmaxActivation(x));
      }
    });

    for (const [op, reference, scalar] of [['_minus_scalar', minusScalar, 127.5], ['_mul_scalar', mulScalar, 0.0078125]] as const) {
      it(`${op} ${scalar} on (1,3,13,11) and (1,5,1,2): the map, and zeros everywhere else stored`, async () => {
        for (const shape of [[1, 3, 13, 11], [1, 5, 1, 2]]) {
          const x = tensor(shape, random(shape).data.map((v) => v * 255));
          const out = await gpuBinaryScalar(device, op, toBlocked(x), { scalar });
          expectTensorClose(`${mode} ${op}`, fromBlocked(out), reference(x, { scalar }));
          // border, extra columns and the channels past C are padding that the next 3×3 reads
          const { C, H, W, HP, WP } = blockedDims(shape);
          let nonzero = 0;
          out.data.forEach((v, i) => {
            const [ci, xx, y, cb] = [i % 4, Math.floor(i / 4) % WP, Math.floor(i / 4 / WP) % HP, Math.floor(i / 4 / WP / HP)];
            const inside = 4 * cb + ci < C && y >= 1 && y <= H && xx >= 1 && xx <= W;
            if (!inside && v !== 0) nonzero++;
          });
          expect(nonzero).toBe(0);
        }
      });
    }

    it(`ran ${kernel} for every kernel`, () => {
      expect([...device.ran]).toEqual([kernel]);
    });
  });
}
