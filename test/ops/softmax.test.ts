import { describe, expect, it } from 'vitest';
import { reshape } from '../../src/ops/reshape.js';
import { parseSoftmaxAttrs, softmax } from '../../src/ops/softmax.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('softmax reference', () => {
  it('on the (1, 2, A·H, W) view pairs channel c with c + 2 of the (1, 4, H, W) score map', () => {
    // anchor 0: background 0, face ln 3 → face 3/4; anchor 1: background 0, face −ln 3 → face 1/4
    const scores = tensor([1, 4, 1, 1], new Float32Array([0, 0, Math.log(3), -Math.log(3)]));
    const prob = reshape(softmax(reshape(scores, [1, 2, 2, 1]), { axis: 1 }), [1, 4, 1, 1]);
    const got = Array.from(prob.data);
    [0.25, 0.75, 0.75, 0.25].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6));
  });
  it('subtracts the maximum: huge logits give 1/2, not NaN', () => {
    const y = softmax(tensor([1, 2, 1, 1], new Float32Array([1000, 1000])), { axis: 1 });
    expect(Array.from(y.data)).toEqual([0.5, 0.5]);
  });
  it('axis -1 (MXNet default) is the last axis', () => {
    expect(parseSoftmaxAttrs('s', {})).toEqual({ axis: -1 });
    const y = softmax(tensor([2, 2], new Float32Array([0, Math.log(4), 0, 0])), { axis: -1 });
    const got = Array.from(y.data);
    [0.2, 0.8, 0.5, 0.5].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6));
  });
});
