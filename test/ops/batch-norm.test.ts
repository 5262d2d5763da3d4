import { describe, expect, it } from 'vitest';
import { batchNorm, inferBatchNormShape, parseBatchNormAttrs } from '../../src/ops/batch-norm.js';
import { tensor } from '../../src/tensor/tensor.js';

const v = (...a: number[]) => tensor([a.length], new Float32Array(a));
// eps 0.25 and variances 3.75, 0.75 make the denominators √4 = 2 and √1 = 1.
const x = tensor([1, 2, 1, 2], new Float32Array([1, 2, 3, 4]));
const [gamma, beta, mean, variance] = [v(2, 5), v(0.5, 1), v(1, 3), v(3.75, 0.75)];

const CASES = [
  { name: 'fix_gamma=False: (x − mean)/√(var + eps)·γ + β', fix_gamma: false, want: [0.5, 1.5, 1, 6] },
  { name: 'fix_gamma=True: the stored γ is ignored (taken as 1)', fix_gamma: true, want: [0.5, 1, 1, 2] },
];

describe('BatchNorm reference (inference)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const y = batchNorm(x, gamma, beta, mean, variance, { eps: 0.25, fix_gamma: c.fix_gamma });
      expect(y.shape).toEqual([1, 2, 1, 2]);
      expect(Array.from(y.data)).toEqual(c.want);
    });
  }
  it('eps is read from the node (1e-5 backbone, 2e-5 rf_*); MXNet defaults eps 1e-3, fix_gamma True', () => {
    expect(parseBatchNormAttrs('b', { eps: '1e-05', fix_gamma: 'False', momentum: '0.9' })).toEqual({ eps: 1e-5, fix_gamma: false });
    expect(parseBatchNormAttrs('b', { eps: '2e-05', fix_gamma: 'False' })).toEqual({ eps: 2e-5, fix_gamma: false });
    expect(parseBatchNormAttrs('b', {})).toEqual({ eps: 1e-3, fix_gamma: true });
  });
  it('a statistic of the wrong length names op, node, tensor and both shapes', () => {
    expect(() => inferBatchNormShape('rf_c2_lateral_bn', [[1, 64, 11, 21]], [[64], [64], [32], [64]])).toThrow(
      '[BatchNorm rf_c2_lateral_bn] moving_mean (32) needs 64 channels, got input (1,64,11,21) [N,C,H,W]',
    );
  });
});
