import { describe, expect, it } from 'vitest';
import { activation, parseActivationAttrs } from '../../src/ops/activation.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('Activation reference', () => {
  it('relu: negatives and zero to 0, positives kept', () => {
    const y = activation(tensor([1, 1, 1, 4], new Float32Array([-1, 0, 2.5, -0.001])));
    expect(Array.from(y.data)).toEqual([0, 0, 2.5, 0]);
  });
  it('any act_type other than relu is UNSUPPORTED, naming the node', () => {
    expect(parseActivationAttrs('a', { act_type: 'relu' })).toEqual({ act_type: 'relu' });
    expect(() => parseActivationAttrs('mobilenet0_relu3_fwd', { act_type: 'sigmoid' })).toThrow(
      '[Activation mobilenet0_relu3_fwd] act_type=sigmoid is not supported (supported: relu)',
    );
  });
});
