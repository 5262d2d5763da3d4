/**
 * MXNet `Reshape`: the same values in the same (C) order under a new shape, so the result shares
 * the input's buffer (no copy). The target `shape` uses MXNet's special codes, of which mnet.25
 * needs two:
 *
 *     0  keep the input's extent at this position      −1  infer this extent from the element count
 *
 * The score heads use it to view the (N, 2A, H, W) class scores as (N, 2, A·H, W) for the softmax
 * and back as (N, 2A, H, W) afterwards (see softmax.ts).
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface ReshapeAttrs {
  /** MXNet target codes, e.g. (0, 2, −1, 0) */
  readonly shape: readonly number[];
}

export function parseReshapeAttrs(node: string, raw: RawAttrs | undefined): ReshapeAttrs {
  const a = attrReader('Reshape', node, raw);
  const shape = a.ints('shape');
  if (shape.some((d) => d < -1)) throw unsupportedAttr('Reshape', node, 'shape', shape, 'extents ≥ 1 and the codes 0 and -1');
  if (shape.filter((d) => d === -1).length > 1) throw unsupportedAttr('Reshape', node, 'shape', shape, 'at most one -1');
  if (a.bool('reverse', false)) throw unsupportedAttr('Reshape', node, 'reverse', true, 'False');
  return { shape };
}

/**
 * @param inputs [x any shape]
 * @returns the resolved target shape, same element count as x
 */
export function inferReshapeShape(node: string, [x]: readonly Shape[], _params: readonly Shape[], attrs: ReshapeAttrs): Shape {
  const fail = (why: string) =>
    new RetinaFaceError('SHAPE', `[Reshape ${node}] cannot view ${formatShape(x)} as shape=(${attrs.shape.join(', ')}): ${why}`);
  const out = attrs.shape.map((code, i) => {
    if (code !== 0) return code;
    if (i >= x.length) throw fail(`code 0 at position ${i} has no input extent to keep`);
    return x[i];
  });
  const known = size(out.filter((d) => d !== -1));
  const inferred = out.indexOf(-1);
  if (inferred >= 0) {
    if (known === 0 || size(x) % known !== 0) throw fail(`${size(x)} values do not divide into ${known}`);
    out[inferred] = size(x) / known;
  }
  if (size(out) !== size(x)) throw fail(`${size(x)} values, ${formatShape(out)} holds ${size(out)}`);
  return out;
}

/**
 * @param x any shape
 * @param shape the target shape, already resolved by `inferReshapeShape` when the plan was built
 * @returns a tensor of `shape` over x's own buffer
 */
export function reshape(x: Tensor, shape: Shape): Tensor {
  return { shape: [...shape], data: x.data };
}
