import { describe, expect, it } from 'vitest';
import { binaryScalarAttrs, minusScalar, mulScalar } from '../../src/ops/binary-scalar.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('_minus_scalar and _mul_scalar reference', () => {
  it("mnet_cov2's normalisation (x − 127.5) · 0.0078125 maps 0, 127.5, 255 to −0.99609375, 0, 0.99609375", () => {
    const x = tensor([1, 1, 1, 3], new Float32Array([0, 127.5, 255]));
    const y = mulScalar(minusScalar(x, { scalar: 127.5 }), { scalar: 0.0078125 });
    expect(Array.from(y.data)).toEqual([-0.99609375, 0, 0.99609375]);
    expect(y.shape).toEqual([1, 1, 1, 3]);
  });
  it('computes in float32: the scalar is cast to float32 first, as MXNet casts it to the tensor type', () => {
    const attrs = binaryScalarAttrs('_mul_scalar')('m', { scalar: '0.1' });
    expect(attrs.scalar).toBe(Math.fround(0.1));
    const y = mulScalar(tensor([1], new Float32Array([3])), attrs);
    expect(y.data[0]).toBe(Math.fround(3 * Math.fround(0.1)));
  });
  it('a missing or malformed scalar is an error naming the op, the node and the attr', () => {
    expect(() => binaryScalarAttrs('_minus_scalar')('_minusscalar0', {})).toThrow('[_minus_scalar _minusscalar0] attr scalar is missing');
    expect(() => binaryScalarAttrs('_mul_scalar')('_mulscalar0', { scalar: 'half' })).toThrow("[_mul_scalar _mulscalar0] attr scalar='half' is not a number");
    expect(() => binaryScalarAttrs('_mul_scalar')('_mulscalar0', { scalar: '1e39' })).toThrow(/\[_mul_scalar _mulscalar0\] scalar=1e\+39 is not supported/);
  });
});
