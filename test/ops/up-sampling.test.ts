import { describe, expect, it } from 'vitest';
import { inferUpSamplingShape, parseUpSamplingAttrs, upSampling } from '../../src/ops/up-sampling.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('UpSampling reference (nearest)', () => {
  it('×2: out[y, x] = in[y // 2, x // 2], per channel', () => {
    const x = tensor([1, 2, 2, 2], new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]));
    const y = upSampling(x, { scale: 2 });
    expect(y.shape).toEqual([1, 2, 4, 4]);
    expect(Array.from(y.data)).toEqual([
      1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4,
      5, 5, 6, 6, 5, 5, 6, 6, 7, 7, 8, 8, 7, 7, 8, 8,
    ]);
  });
  it('×3 on a 1×2 map (non-square)', () => {
    const y = upSampling(tensor([1, 1, 1, 2], new Float32Array([1, 2])), { scale: 3 });
    expect(y.shape).toEqual([1, 1, 3, 6]);
    expect(Array.from(y.data)).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
  });
  it('attrs as in the symbol; bilinear is UNSUPPORTED', () => {
    const attrs = parseUpSamplingAttrs('u', { num_args: '1', sample_type: 'nearest', scale: '2', workspace: '512' });
    expect(attrs).toEqual({ scale: 2 });
    expect(inferUpSamplingShape('u', [[1, 64, 6, 11]], [], attrs)).toEqual([1, 64, 12, 22]);
    expect(() => parseUpSamplingAttrs('rf_c3_upsampling', { sample_type: 'bilinear', scale: '2' })).toThrow('[UpSampling rf_c3_upsampling] sample_type=bilinear is not supported');
  });
});
