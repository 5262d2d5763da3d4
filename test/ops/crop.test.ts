import { describe, expect, it } from 'vitest';
import { crop, inferCropShape, parseCropAttrs } from '../../src/ops/crop.js';
import { tensor } from '../../src/tensor/tensor.js';

const x = tensor([1, 2, 3, 3], new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19]));

/** The first input (1, 2, 3, 3) cut to the second's H×W at the top-left corner. */
const CASES = [
  { name: 'both dimensions (as crop0/crop1 at 168×328)', like: [1, 64, 2, 2], want: [1, 2, 4, 5, 11, 12, 14, 15] },
  { name: 'height only (as crop1 at 180×320)', like: [1, 64, 2, 3], want: [1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16] },
  { name: 'width only', like: [1, 1, 3, 2], want: [1, 2, 4, 5, 7, 8, 11, 12, 14, 15, 17, 18] },
  { name: 'nothing to cut', like: [1, 2, 3, 3], want: Array.from(x.data) },
];

describe('Crop reference (num_args=2, offset 0,0)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const like = tensor(c.like);
      const shape = inferCropShape('crop0', [x.shape, like.shape]);
      expect(shape).toEqual([1, 2, c.like[2], c.like[3]]);
      const y = crop(x, like);
      expect(y.shape).toEqual(shape);
      expect(Array.from(y.data)).toEqual(c.want);
    });
  }
  it('a second input larger than the first is a SHAPE error naming node and shapes', () => {
    expect(() => inferCropShape('crop1', [[1, 32, 20, 40], [1, 32, 21, 41]])).toThrow('[Crop crop1] cannot cut (1,32,20,40) to the H×W of (1,32,21,41)');
  });
  it('center_crop and offsets are refused, not ignored', () => {
    expect(parseCropAttrs('c', { num_args: '2' })).toEqual({});
    expect(() => parseCropAttrs('c', { num_args: '2', center_crop: 'True' })).toThrow('[Crop c] center_crop=true is not supported');
    expect(() => parseCropAttrs('c', { num_args: '2', offset: '(1, 0)' })).toThrow('[Crop c] offset=(1, 0) is not supported');
    expect(() => parseCropAttrs('c', { num_args: '1', h_w: '(2, 2)' })).toThrow('[Crop c] num_args=1 is not supported');
  });
});
