/**
 * Reference MXNet `elemwise_add`: the element-wise sum of two tensors of identical shape (no
 * broadcasting; the FPN makes the shapes equal with `Crop` first).
 *
 *     y[i] = a[i] + b[i]
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, sameShape, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';

export type ElemwiseAddAttrs = Record<string, never>;

export function parseElemwiseAddAttrs(): ElemwiseAddAttrs {
  return {};
}

/** @returns the common shape of both inputs */
export function inferElemwiseAddShape(node: string, [a, b]: readonly Shape[]): Shape {
  if (!sameShape(a, b)) {
    throw new RetinaFaceError('SHAPE', `[elemwise_add ${node}] inputs ${formatShape(a)} and ${formatShape(b)} differ; identical shapes needed [N,C,H,W]`);
  }
  return a;
}

/**
 * @param a any shape
 * @param b the same shape as a
 */
export function elemwiseAdd(a: Tensor, b: Tensor): Tensor {
  const out = tensor(a.shape);
  for (let i = 0; i < a.data.length; i++) {
    out.data[i] = a.data[i] + b.data[i];
  }
  return out;
}
