import { describe, expect, it } from 'vitest';
import { attrReader } from '../../src/ops/attrs.js';
import { opDef } from '../../src/ops/registry.js';

const a = attrReader('Convolution', 'conv0', { kernel: '(3, 3)', shape: '(0, 2, -1, 0)', one: '(4,)', no_bias: 'True', fix: 'False', eps: '2e-05', n: '8', act: 'relu', bad: '(3, x)' });

describe('MXNet attr strings → typed values', () => {
  it('tuples, booleans, numbers, strings', () => {
    expect(a.ints('kernel')).toEqual([3, 3]);
    expect(a.ints('shape')).toEqual([0, 2, -1, 0]);
    expect(a.ints('one')).toEqual([4]);
    expect(a.bool('no_bias')).toBe(true);
    expect(a.bool('fix')).toBe(false);
    expect(a.float('eps')).toBe(2e-5);
    expect(a.int('n')).toBe(8);
    expect(a.string('act')).toBe('relu');
  });
  it('absent attrs take the given default', () => {
    expect(a.ints('stride', [1, 1])).toEqual([1, 1]);
    expect(a.bool('center_crop', false)).toBe(false);
  });
  it('errors name op, node and attr', () => {
    expect(() => a.ints('bad')).toThrow("[Convolution conv0] attr bad='(3, x)' is not a tuple of integers like (3, 3)");
    expect(() => a.bool('act')).toThrow("[Convolution conv0] attr act='relu' is not a boolean");
    expect(() => a.int('num_filter')).toThrow('[Convolution conv0] attr num_filter is missing');
  });
});

describe('registry', () => {
  it('an unknown op is UNSUPPORTED naming op, node and the supported list', () => {
    expect(() => opDef('Pooling', 'pool1')).toThrow(
      "[Pooling pool1] op 'Pooling' is not supported (supported: Convolution, BatchNorm, Activation, UpSampling, Crop, elemwise_add, Concat, Reshape, softmax, _minus_scalar, _mul_scalar, SoftmaxActivation)",
    );
  });
});
