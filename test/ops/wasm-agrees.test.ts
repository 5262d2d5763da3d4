/**
 * Every hand-written wasm kernel (src/ops/wasm) against its reference op, on a seeded table of
 * awkward shapes: odd maps (13×11, 7×9), 1×1 and 1×N maps, stride 2 on odd sides, 3 input channels
 * (the first layer), channel counts that are not multiples of 4 (a partial last block), with
 * and without relu, each also with every thread range run alone in reverse order; then the data-movement ops, the memory's reuse of freed blocks, and the
 * geometries the wasm path refuses, each with an error naming the node and its shape.
 */
import { describe, expect, it } from 'vitest';
import { activation } from '../../src/ops/activation.js';
import { concat } from '../../src/ops/concat.js';
import { convGeometry, type ConvolutionAttrs } from '../../src/ops/conv-geometry.js';
import { convolution } from '../../src/ops/convolution.js';
import { crop } from '../../src/ops/crop.js';
import { elemwiseAdd } from '../../src/ops/elemwise-add.js';
import { upSampling } from '../../src/ops/up-sampling.js';
import { minusScalar, mulScalar } from '../../src/ops/binary-scalar.js';
import { softmax } from '../../src/ops/softmax.js';
import { binaryScalarJs } from '../../src/ops/wasm/binary-scalar.js';
import { softmaxChannelsJs } from '../../src/ops/wasm/softmax.js';
import { placeFloors, prepareConvolution, weightStore, winogradFits } from '../../src/ops/wasm/convolution.js';
import * as wasm from '../../src/ops/wasm/data-movement.js';
import { instantiateKernels } from '../../src/ops/wasm/kernels.js';
import { startThreads, type KernelThreads } from '../../src/ops/wasm/threads.js';
import { planarDims, planarLength, WasmMemory } from '../../src/ops/wasm/memory.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { expectTensorClose } from '../helpers/golden.js';
import { randomTensors, seedOf, withSeeds } from '../helpers/random.js';


const memory = new WasmMemory();
const kernels = instantiateKernels(memory.memory);
const single = startThreads(memory, kernels, 1);
/**
 * Ranges of one unit (channel block, band of rows or tiles), last first: how two threads could
 * order them at worst. Each range must write only its own floats, so this gives `single`'s bits.
 */
const reversed: KernelThreads = {
  count: 1,
  workerRuns: 0,
  split: (total, calls) => {
    for (let from = total - 1; from >= 0; from--) for (const [name, args] of calls) kernels[name](...args(from, 1));
  },
  destroy: () => {},
};
const floors = placeFloors(memory);
/** Weights by case name: every case packs its own. */
const weights = weightStore(memory);

/** [IC, H, W, OC, kernel, stride, groups ('C' = depthwise), relu]; pad is 1 for 3×3, 0 for 1×1. */
type ConvCase = [number, number, number, number, 1 | 3, 1 | 2, 1 | 'C', boolean];
const CONV_CASES: ConvCase[] = [
  [3, 13, 11, 8, 3, 2, 1, true], // the first layer: 3 channels, stride 2, odd sides
  [3, 20, 36, 8, 3, 2, 1, false],
  [8, 13, 11, 12, 3, 1, 1, false], // dense 3×3 stride 1
  [13, 7, 9, 4, 3, 1, 1, true], // 13 input channels, 9 wide: the last vector of a row runs past it
  [5, 1, 1, 8, 3, 1, 1, true], // 1×1 map
  [6, 9, 14, 12, 3, 2, 1, false], // dense stride 2, odd height
  [16, 1, 17, 4, 3, 1, 1, true], // one row
  [12, 13, 11, 20, 1, 1, 1, true], // pointwise
  [7, 13, 11, 4, 1, 1, 1, false], // pointwise, 7 input channels
  [64, 5, 3, 8, 1, 1, 1, true],
  [64, 11, 21, 6, 1, 1, 1, false], // pointwise, 6 output channels (mnet_cov2's type head): a partial block
  [5, 13, 11, 1, 1, 1, 1, true], // pointwise, one output channel
  [512, 3, 5, 260, 1, 1, 1, false], // pointwise with 535 KB of weights: split by output blocks, not rows (convolution.ts)
  [6, 9, 14, 7, 3, 2, 1, false], // dense, 7 output channels
  [3, 13, 11, 10, 3, 1, 1, true], // dense, 10 output channels
  [8, 13, 11, 8, 3, 1, 'C', true], // depthwise
  [6, 12, 9, 6, 3, 1, 'C', false], // depthwise, 6 channels
  [16, 13, 11, 16, 3, 2, 'C', false], // depthwise stride 2
  [5, 17, 18, 5, 3, 2, 'C', true],
  [4, 1, 1, 4, 3, 1, 'C', false],
  // dense 3×3 stride 1 is Winograd F(2×2, 3×3): tiles past odd sides, tile rows padded to eight tiles, bands
  [8, 9, 37, 8, 3, 1, 1, true], // 19 tiles a row: six groups of four, padded
  [4, 2, 2, 4, 3, 1, 1, false], // one tile
  [6, 23, 1, 8, 3, 1, 1, true], // one column
  [17, 15, 33, 12, 3, 1, 1, false],
  [64, 40, 9, 64, 3, 1, 1, true], // several bands of tile rows (convolution.ts WINOGRAD_BAND_BYTES)
  // F(4×4)'s edges: heights 4k+1..4k+3 (rows past the map read as zeros), widths whose last tile crosses the row's end
  [5, 5, 6, 4, 3, 1, 1, false], // WP = 8: the last tile's vector is cut to three floats
  [7, 6, 7, 8, 3, 1, 1, true], // WP = 12 = OW + 5
  [3, 7, 10, 4, 3, 1, 1, false], // WP = 12 = OW + 2: cut to two floats
  [9, 3, 17, 5, 3, 1, 1, true], // five tiles a row, 17 = 4·4 + 1
];

describe('wasm kernels agree with the reference ops', () => {
  // dense 3×3 stride 1 three times: by Winograd F(4×4) and F(2×2), and directly
  const runs = CONV_CASES.flatMap((c): [ConvCase, boolean | 2 | 4][] => (c[4] === 3 && c[5] === 1 && c[6] === 1 ? [[c, 4], [c, 2], [c, false]] : [[c, true]]));
  for (const [[IC, H, W, OC, k, s, groups, relu], winograd] of runs) {
    const g = groups === 'C' ? IC : 1;
    const p = k === 3 ? 1 : 0;
    const how = winograd === false ? ' (direct, no Winograd)' : winograd === true ? '' : ` (Winograd F(${winograd}×${winograd}, 3×3))`;
    const title = `Convolution x=(1,${IC},${H},${W}) OC=${OC} k=${k} s=${s} p=${p} g=${g}${relu ? ' +relu' : ''}${how}`;
    it(title, () => withSeeds(title, (random, seed) => {
      const attrs: ConvolutionAttrs = { kernel: [k, k], stride: [s, s], pad: [p, p], num_filter: OC, num_group: g, no_bias: false };
      const x = random([1, IC, H, W]);
      const weight = random([OC, IC / g, k, k]);
      const bias = random([OC]);
      const conv = convolution(x, weight, bias, attrs);
      const run = prepareConvolution(memory, single, floors, weights, `${title} seed ${seed}`, 'case', convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: bias.data }, relu, winograd);
      const stored = memory.upload(x);
      // the output lands in a freed block of its size, filled with NaN first: the kernel must write every stored float
      const junk = memory.tensor(conv.shape);
      memory.f32.fill(NaN, junk.offset / 4, junk.offset / 4 + planarLength(conv.shape));
      memory.freeTensor(junk);
      const out = run(stored);
      expectTensorClose('wasm conv', memory.download(out), relu ? activation(conv) : conv);
      // every stored position that is not the map is zero (the next 3×3 reads it as padding)
      const { C, H: OH, W: OW, WP, PS } = planarDims(out.shape);
      const f32 = memory.f32;
      let nonzero = 0;
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < PS; i++) {
          const y = Math.floor(i / WP) - 1;
          const xx = (i % WP) - 1;
          const inside = y >= 0 && y < OH && xx >= 0 && xx < OW;
          if (!inside && f32[out.offset / 4 + c * PS + i] !== 0) nonzero++;
        }
      }
      expect(nonzero).toBe(0);
      // the same bits when every range runs alone, last first (a fresh copy of x: Winograd's input
      // transform of `stored` would be reused, convolution.ts `transformed`)
      const fresh = memory.upload(x);
      const again = prepareConvolution(memory, reversed, floors, weights, `${title} seed ${seed}`, 'case', convGeometry(x.shape, weight.shape, attrs), { weight: weight.data, bias: bias.data }, relu, winograd)(fresh);
      expect(memory.f32.slice(again.offset / 4, again.offset / 4 + C * PS)).toEqual(memory.f32.slice(out.offset / 4, out.offset / 4 + C * PS));
      if (k === 3 && s === 1 && groups === 1) {
        // a second layer on the same tensor reuses that transform: other weights, the other floor
        const weight2 = random([OC + 4, IC, 3, 3]);
        const bias2 = random([OC + 4]);
        const sibling = prepareConvolution(memory, single, floors, weights, `${title} seed ${seed} sibling`, 'sibling', convGeometry(x.shape, weight2.shape, attrs), { weight: weight2.data, bias: bias2.data }, !relu, winograd)(fresh);
        const conv2 = convolution(x, weight2, bias2, { ...attrs, num_filter: OC + 4 });
        expectTensorClose('wasm conv, the transform reused', memory.download(sibling), relu ? conv2 : activation(conv2));
        memory.freeTensor(sibling);
      }
      for (const t of [again, fresh, stored, out]) memory.freeTensor(t);
    }));
  }

  it("Winograd's scratch is bounded: t2's stride-8 layers take it (64 MB), a 4000×4000 input's (524 MB) run directly", () => {
    const dense = (IC: number, OC: number, H: number, W: number) => convGeometry([1, IC, H, W], [OC, IC, 3, 3], { kernel: [3, 3], stride: [1, 1], pad: [1, 1], num_filter: OC, num_group: 1, no_bias: false });
    expect(winogradFits(dense(64, 64, 128, 247))).toBe(true);
    expect(winogradFits(dense(64, 64, 500, 500))).toBe(false);
    expect(winogradFits(dense(16, 16, 300, 300))).toBe(true);
  });

  const title = 'relu, elemwise_add, Concat (8 + 3 + 6 channels), UpSampling ×2 and ×3, Crop: the reference\'s values, and zeros around them';
  it(title, () => withSeeds(title, (random) => {
    const x = random([1, 5, 13, 11]);
    const y = random([1, 5, 13, 11]);
    expectTensorClose('relu', memory.download(wasm.relu(memory, single, memory.upload(x))), activation(x));
    expectTensorClose('add', memory.download(wasm.elemwiseAdd(memory, single, memory.upload(x), memory.upload(y))), elemwiseAdd(x, y));
    const xs = [random([1, 8, 5, 7]), random([1, 3, 5, 7]), random([1, 6, 5, 7])];
    expectTensorClose('concat', memory.download(wasm.concat(memory, 'case', xs.map((t) => memory.upload(t)))), concat(xs, { dim: 1, num_args: 3 }));
    // the stored planes whole (border and tail zero), also range by range in reverse order
    const storedOf = (t: { offset: number; shape: readonly number[] }) => {
      const { C, PS } = planarDims(t.shape);
      return memory.f32.slice(t.offset / 4, t.offset / 4 + C * PS);
    };
    const withZeroBorder = (t: Tensor) => storedOf(memory.upload(t));
    for (const [shape, scale] of [[[1, 6, 7, 5], 2], [[1, 4, 1, 1], 2], [[1, 3, 9, 13], 2], [[1, 2, 3, 4], 3]] as const) {
      const u = random([...shape]);
      const want = upSampling(u, { scale });
      for (const threads of [single, reversed]) expect(storedOf(wasm.upSampling(memory, threads, memory.upload(u), scale))).toEqual(withZeroBorder(want));
    }
    const big = random([1, 6, 14, 10]);
    for (const like of [tensor([1, 6, 12, 9]), tensor([1, 6, 1, 1]), tensor([1, 6, 14, 10])]) {
      for (const threads of [single, reversed]) expect(storedOf(wasm.crop(memory, threads, memory.upload(big), like.shape))).toEqual(withZeroBorder(crop(big, like)));
    }
  }));

  const softmaxTitle = 'channel softmax on (1,3,10,7), (1,2,1,1) and (1,5,4,9) logits up to ±40: the reference\'s numbers bit for bit';
  it(softmaxTitle, () => withSeeds(softmaxTitle, (random) => {
    for (const shape of [[1, 3, 10, 7], [1, 2, 1, 1], [1, 5, 4, 9]]) {
      const x = tensor(shape, random(shape).data.map((v) => v * 40));
      const out = memory.download(softmaxChannelsJs(memory, memory.upload(x)));
      expect(out.shape).toEqual(shape);
      expect(Array.from(out.data)).toEqual(Array.from(softmax(x, { axis: 1 }).data));
    }
  }));

  for (const [op, reference, scalar] of [['_minus_scalar', minusScalar, 127.5], ['_mul_scalar', mulScalar, 0.0078125]] as const) {
    const scalarTitle = `${op} ${scalar} on (1,3,13,11) and (1,5,1,2): the reference's numbers, zeros everywhere else stored`;
    it(scalarTitle, () => withSeeds(scalarTitle, (random) => {
      for (const shape of [[1, 3, 13, 11], [1, 5, 1, 2]]) {
        const x = tensor(shape, random(shape).data.map((v) => v * 255));
        const out = binaryScalarJs(memory, op, memory.upload(x), { scalar });
        expect(Array.from(memory.download(out).data)).toEqual(Array.from(reference(x, { scalar }).data));
        const { C, H, W, WP, PS } = planarDims(shape);
        let nonzero = 0;
        for (let i = 0; i < C * PS; i++) {
          const [y, xx] = [Math.floor((i % PS) / WP) - 1, (i % PS) % WP - 1];
          if (!(y >= 0 && y < H && xx >= 0 && xx < W) && memory.f32[out.offset / 4 + i] !== 0) nonzero++;
        }
        expect(nonzero).toBe(0);
      }
    }));
  }

  it('Concat of inputs with different H×W is a SHAPE error naming the node', () => {
    const random = randomTensors(seedOf('concat error'));
    const xs = [memory.upload(random([1, 4, 5, 7])), memory.upload(random([1, 4, 5, 6]))];
    expect(() => wasm.concat(memory, 'rf_c1_det_concat', xs)).toThrow(/\[Concat rf_c1_det_concat\] inputs \(1,4,5,7\) and \(1,4,5,6\) differ/);
  });

  it('a freed block is handed out again, zeroed; neighbours merge; freeing the top block lowers the top', () => {
    const m = new WasmMemory();
    const shape = [1, 3, 6, 5];
    const a = m.upload(randomTensors(seedOf('freed block'))(shape));
    const at = a.offset;
    m.freeTensor(a);
    expect(a.offset).toBe(-1);
    const b = m.tensor(shape);
    expect(b.offset).toBe(at);
    expect(m.f32.subarray(at / 4, at / 4 + planarLength(shape)).every((v) => v === 0)).toBe(true);
    // three blocks in a row, a fourth above; freeing the first three leaves one free run that holds their sum
    const c = m.tensor(shape);
    const d = m.tensor(shape);
    const top = m.tensor([1, 1, 1, 1]);
    for (const t of [c, b, d]) m.freeTensor(t);
    const big = m.alloc(3 * planarLength(shape));
    expect(big).toBe(at);
    // freeing the highest block and what is below it gives the bytes back to the top
    m.release(big, 3 * planarLength(shape));
    m.freeTensor(top);
    expect(m.tensor(shape).offset).toBe(at);
  });

  it('a tensor past wasm32\'s 4 GiB, or a memory that cannot grow, is an UNSUPPORTED error, not a crash', () => {
    const m = new WasmMemory();
    expect(() => m.alloc(2 ** 30)).toThrow(/wasm backend: 4097 MB of tensors passes the 4096 MB a wasm32 memory can address/);
    m.memory.grow = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    };
    expect(() => m.tensor([1, 64, 1000, 1000])).toThrow(/wasm backend: cannot grow the memory to \d+ MB of tensors \(WebAssembly.Memory.grow\(\): Maximum memory size exceeded\)/);
  });

  for (const [what, attrs, IC, OC] of [
    ['5×5 kernel', { kernel: [5, 5], stride: [1, 1], pad: [2, 2] }, 4, 4],
    ['3×3 without padding', { kernel: [3, 3], stride: [1, 1], pad: [0, 0] }, 4, 4],
    ['1×1 with stride 2', { kernel: [1, 1], stride: [2, 2], pad: [0, 0] }, 4, 4],
  ] as const) {
    it(`refuses a ${what}, naming the node and its geometry`, () => {
      const a: ConvolutionAttrs = { ...attrs, kernel: [...attrs.kernel], stride: [...attrs.stride], pad: [...attrs.pad], num_filter: OC, num_group: 1, no_bias: true };
      const g = convGeometry([1, IC, 8, 8], [OC, IC, a.kernel[0], a.kernel[1]], a);
      expect(() => prepareConvolution(memory, single, floors, weights, what, 'odd_conv', g, { weight: new Float32Array(OC * IC * a.kernel[0] * a.kernel[1]), bias: new Float32Array(OC) }, false))
        .toThrow(/^\[Convolution odd_conv\] kernel \d×\d, stride \(\d,\d\), pad \(\d,\d\), num_group 1, 4→\d channels on the wasm path/);
    });
  }
});
