import { describe, expect, it } from 'vitest';
import { convGeometry } from '../../src/ops/conv-geometry.js';
import { convolution, inferConvolutionShape, parseConvolutionAttrs, type ConvolutionAttrs } from '../../src/ops/convolution.js';
import { tensor } from '../../src/tensor/tensor.js';

const base: ConvolutionAttrs = { kernel: [3, 3], stride: [1, 1], pad: [1, 1], num_filter: 1, num_group: 1, no_bias: true };
const nine = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // a 3×3 map, row by row
const ones3x3 = [1, 1, 1, 1, 1, 1, 1, 1, 1];

/** Hand-checked cases: x, weight, bias, attrs → expected output. */
const CASES = [
  {
    name: '1×1 dense, two input channels, bias',
    x: [[1, 2, 1, 2], [1, 2, 3, 4]], w: [[1, 2, 1, 1], [10, 100]], bias: [0.5],
    attrs: { ...base, kernel: [1, 1], pad: [0, 0], no_bias: false },
    want: [[1, 1, 1, 2], [1 * 10 + 3 * 100 + 0.5, 2 * 10 + 4 * 100 + 0.5]],
  },
  {
    name: '3×3 box sum, pad 1: border pixels see zeros',
    x: [[1, 1, 3, 3], nine], w: [[1, 1, 3, 3], ones3x3],
    attrs: base,
    want: [[1, 1, 3, 3], [12, 21, 16, 27, 45, 33, 24, 39, 28]],
  },
  {
    name: 'cross-correlation, not convolution: only the top-left tap set shifts the map down-right',
    x: [[1, 1, 3, 3], nine], w: [[1, 1, 3, 3], [1, 0, 0, 0, 0, 0, 0, 0, 0]],
    attrs: base,
    want: [[1, 1, 3, 3], [0, 0, 0, 0, 1, 2, 0, 4, 5]],
  },
  {
    name: 'stride 2 on an odd 3×3 map: ceil(3/2) = 2 outputs per side',
    x: [[1, 1, 3, 3], nine], w: [[1, 1, 3, 3], ones3x3],
    attrs: { ...base, stride: [2, 2] },
    want: [[1, 1, 2, 2], [12, 16, 24, 28]],
  },
  {
    name: 'stride 2 on a 3×5 map (odd, not square)',
    x: [[1, 1, 3, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]], w: [[1, 1, 3, 3], ones3x3],
    attrs: { ...base, stride: [2, 2] },
    // windows: rows {0,1} or {1,2}; columns {0,1}, {1,2,3}, {3,4}
    want: [[1, 1, 2, 3], [1 + 2 + 6 + 7, 2 + 3 + 4 + 7 + 8 + 9, 4 + 5 + 9 + 10, 6 + 7 + 11 + 12, 7 + 8 + 9 + 12 + 13 + 14, 9 + 10 + 14 + 15]],
  },
  {
    name: 'pad (0, 1) with a 1×3 kernel: only the width is padded',
    x: [[1, 1, 1, 3], [1, 2, 3]], w: [[1, 1, 1, 3], [1, 1, 1]],
    attrs: { ...base, kernel: [1, 3], pad: [0, 1] },
    want: [[1, 1, 1, 3], [3, 6, 5]],
  },
  {
    name: 'depthwise (num_group = IC = OC = 2): each channel its own 1×1 weight and bias',
    x: [[1, 2, 1, 2], [1, 2, 3, 4]], w: [[2, 1, 1, 1], [2, -1]], bias: [1, 1],
    attrs: { ...base, kernel: [1, 1], pad: [0, 0], num_filter: 2, num_group: 2, no_bias: false },
    want: [[1, 2, 1, 2], [3, 5, -2, -3]],
  },
  {
    name: 'two groups of two input channels, one output each',
    x: [[1, 4, 1, 1], [1, 2, 3, 4]], w: [[2, 2, 1, 1], [1, 10, 100, 1000]],
    attrs: { ...base, kernel: [1, 1], pad: [0, 0], num_filter: 2, num_group: 2 },
    want: [[1, 2, 1, 1], [1 + 20, 300 + 4000]],
  },
] as const;

describe('Convolution reference, hand-checked', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const x = tensor(c.x[0], new Float32Array(c.x[1]));
      const w = tensor(c.w[0], new Float32Array(c.w[1]));
      const b = 'bias' in c ? tensor([c.bias.length], new Float32Array(c.bias)) : undefined;
      const attrs = c.attrs as ConvolutionAttrs;
      const params = b === undefined ? [w.shape] : [w.shape, b.shape];
      expect(inferConvolutionShape('t', [x.shape], params, attrs)).toEqual(c.want[0]);
      const y = convolution(x, w, b, attrs);
      expect(y.shape).toEqual(c.want[0]);
      expect(Array.from(y.data)).toEqual(c.want[1]);
    });
  }
});

describe('Convolution attrs and geometry', () => {
  it('reads the symbol strings, with MXNet defaults for what is absent', () => {
    expect(parseConvolutionAttrs('c', { kernel: '(3, 3)', num_filter: '8', num_group: '8', no_bias: 'True', pad: '(1, 1)', stride: '(2, 2)', dilate: '(1, 1)', layout: 'NCHW' }))
      .toEqual({ kernel: [3, 3], stride: [2, 2], pad: [1, 1], num_filter: 8, num_group: 8, no_bias: true });
    expect(parseConvolutionAttrs('c', { kernel: '(1, 1)', num_filter: '64' }))
      .toEqual({ kernel: [1, 1], stride: [1, 1], pad: [0, 0], num_filter: 64, num_group: 1, no_bias: false });
  });
  it('refuses dilation and a missing kernel, naming node and attr', () => {
    expect(() => parseConvolutionAttrs('c9', { kernel: '(3, 3)', num_filter: '8', dilate: '(2, 2)' })).toThrow('[Convolution c9] dilate=(2, 2) is not supported');
    expect(() => parseConvolutionAttrs('c9', { num_filter: '8' })).toThrow('[Convolution c9] attr kernel is missing');
  });
  it('convGeometry: 3×3 pad 1 stride 2 gives ceil(s/2)', () => {
    for (const [H, OH] of [[168, 84], [21, 11], [11, 6], [1, 1]]) {
      expect(convGeometry([1, 8, H, H + 1], [8, 1, 3, 3], { ...base, stride: [2, 2], num_group: 8 })).toMatchObject({ OH, OW: Math.ceil((H + 1) / 2) });
    }
  });
});

describe('Convolution shape errors name op, node and both shapes', () => {
  const lateral: ConvolutionAttrs = { ...base, kernel: [1, 1], pad: [0, 0], num_filter: 64, no_bias: false };
  it('wrong input channel count', () => {
    expect(() => inferConvolutionShape('rf_c2_lateral', [[1, 64, 23, 40]], [[64, 32, 1, 1], [64]], lateral)).toThrow(
      '[Convolution rf_c2_lateral] weight (64,32,1,1) needs input channels 32×num_group=1, got input (1,64,23,40) [N,C,H,W]',
    );
  });
  it('weight that does not match num_filter / kernel', () => {
    expect(() => inferConvolutionShape('x', [[1, 32, 4, 4]], [[64, 32, 3, 3], [64]], lateral)).toThrow(
      '[Convolution x] weight (64,32,3,3) does not match num_filter=64, kernel (1,1) [OC,IC/g,KH,KW]',
    );
  });
  it('bias of the wrong length, or a bias missing without no_bias', () => {
    expect(() => inferConvolutionShape('x', [[1, 32, 4, 4]], [[64, 32, 1, 1], [32]], lateral)).toThrow('[Convolution x] bias (32) does not match num_filter=64');
    expect(() => inferConvolutionShape('x', [[1, 32, 4, 4]], [[64, 32, 1, 1]], lateral)).toThrow('[Convolution x] needs weight and bias, got 1 parameter(s)');
  });
});
