import { describe, expect, it } from 'vitest';
import { inferReshapeShape, parseReshapeAttrs, reshape } from '../../src/ops/reshape.js';
import { tensor } from '../../src/tensor/tensor.js';

/** MXNet codes: 0 keeps the input extent at that position, −1 is inferred. */
const CASES = [
  { name: '(0, 2, -1, 0) on the stride-8 scores', input: [1, 4, 21, 41], shape: '(0, 2, -1, 0)', want: [1, 2, 42, 41] },
  { name: '(0, 4, -1, 0) back', input: [1, 2, 42, 41], shape: '(0, 4, -1, 0)', want: [1, 4, 21, 41] },
  { name: 'plain extents and one -1', input: [2, 3, 4], shape: '(-1, 4)', want: [6, 4] },
  { name: 'only zeros keeps the shape', input: [1, 3, 5], shape: '(0, 0, 0)', want: [1, 3, 5] },
];

describe('Reshape (MXNet codes 0 / -1)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      expect(inferReshapeShape('r', [c.input], [], parseReshapeAttrs('r', { shape: c.shape }))).toEqual(c.want);
    });
  }
  it('is a view: same buffer, new shape', () => {
    const x = tensor([1, 4, 1, 2]);
    const y = reshape(x, [1, 2, 2, 2]);
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(y.data).toBe(x.data);
  });
  it('a count that does not divide is a SHAPE error naming node, shapes and attr', () => {
    expect(() => inferReshapeShape('face_rpn_cls_score_reshape_stride8', [[1, 3, 5, 5]], [], { shape: [0, 2, -1, 0] })).toThrow(
      '[Reshape face_rpn_cls_score_reshape_stride8] cannot view (1,3,5,5) as shape=(0, 2, -1, 0): 75 values do not divide into 10',
    );
  });
  it('codes other than 0 and -1 are UNSUPPORTED', () => {
    expect(() => parseReshapeAttrs('r', { shape: '(0, -3, 0)' })).toThrow('[Reshape r] shape=(0, -3, 0) is not supported');
  });
});
