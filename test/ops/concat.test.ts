import { describe, expect, it } from 'vitest';
import { concat, inferConcatShape, parseConcatAttrs } from '../../src/ops/concat.js';
import { tensor } from '../../src/tensor/tensor.js';

const a = tensor([1, 1, 1, 2], new Float32Array([1, 2]));
const b = tensor([1, 2, 1, 2], new Float32Array([3, 4, 5, 6]));

describe('Concat reference', () => {
  it('dim 1 (the SSH channel join): channels of a, then of b', () => {
    const attrs = parseConcatAttrs('rf_c3_det_concat', { dim: '1', num_args: '2' });
    expect(inferConcatShape('n', [a.shape, b.shape], [], attrs)).toEqual([1, 3, 1, 2]);
    expect(Array.from(concat([a, b], attrs).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('dim 3 interleaves rows', () => {
    const c = tensor([1, 1, 2, 1], new Float32Array([7, 8]));
    const d = tensor([1, 1, 2, 2], new Float32Array([1, 2, 3, 4]));
    const y = concat([c, d], { dim: 3, num_args: 2 });
    expect(y.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(y.data)).toEqual([7, 1, 2, 8, 3, 4]);
  });
  it('mismatch outside dim is a SHAPE error listing every input', () => {
    expect(() => inferConcatShape('n', [[1, 16, 6, 11], [1, 16, 6, 10]], [], { dim: 1, num_args: 2 })).toThrow(
      '[Concat n] inputs (1,16,6,11), (1,16,6,10) differ outside dim=1',
    );
  });
});
