import { describe, expect, it } from 'vitest';
import { reshape } from '../../src/ops/reshape.js';
import { inferSoftmaxActivationShape, parseSoftmaxActivationAttrs, softmaxActivation } from '../../src/ops/softmax-activation.js';
import { tensor } from '../../src/tensor/tensor.js';

describe('SoftmaxActivation reference (mode=channel)', () => {
  it("on the (1, 3, A·H, W) view of mnet_cov2's 6-channel type map, anchor a's classes are channels a, a + 2, a + 4", () => {
    // anchor 0: logits 0, 0, ln 2 → 1/4, 1/4, 1/2; anchor 1: ln 3, 0, 0 → 3/5, 1/5, 1/5
    const scores = tensor([1, 6, 1, 1], new Float32Array([0, Math.log(3), 0, 0, Math.log(2), 0]));
    const prob = reshape(softmaxActivation(reshape(scores, [1, 3, 2, 1])), [1, 6, 1, 1]);
    const got = Array.from(prob.data);
    [0.25, 0.6, 0.25, 0.2, 0.5, 0.2].forEach((want, i) => expect(got[i]).toBeCloseTo(want, 6));
  });
  it('each pixel of each batch item on its own; huge logits give no NaN', () => {
    const x = tensor([2, 2, 1, 2], new Float32Array([1000, 0, 1000, 0, 0, 0, 0, 0]));
    expect(Array.from(softmaxActivation(x).data)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });
  it("mode 'instance' (MXNet's default) and inputs without a map are refused, naming the node", () => {
    expect(parseSoftmaxActivationAttrs('p', { mode: 'channel' })).toEqual({ mode: 'channel' });
    expect(() => parseSoftmaxActivationAttrs('face_rpn_cls_prob_stride8', {})).toThrow('[SoftmaxActivation face_rpn_cls_prob_stride8] mode=instance is not supported (supported: channel)');
    expect(() => inferSoftmaxActivationShape('p', [[1, 4]])).toThrow('[SoftmaxActivation p] mode=channel needs an input with channels and a map, got (1,4)');
  });
});
