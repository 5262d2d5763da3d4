import { describe, expect, it } from 'vitest';
import { elemwiseAdd, inferElemwiseAddShape } from '../../src/ops/elemwise-add.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('elemwise_add reference', () => {
  it('adds element by element', () => {
    const a = tensor([1, 1, 1, 3], new Float32Array([1, 2, 3]));
    const b = tensor([1, 1, 1, 3], new Float32Array([10, -2, 0.5]));
    expect(Array.from(elemwiseAdd(a, b).data)).toEqual([11, 0, 3.5]);
  });
  it('different shapes (an uncropped FPN map) are a SHAPE error naming node and shapes', () => {
    expect(() => inferElemwiseAddShape('_plus0', [[1, 64, 11, 21], [1, 64, 12, 22]])).toThrow(
      '[elemwise_add _plus0] inputs (1,64,11,21) and (1,64,12,22) differ',
    );
  });
});
