/**
 * Reference MXNet `Concat`: inputs joined along one axis `dim`, every other extent equal. The SSH
 * modules join their three branches (conv1, context conv2, context conv3_2) along channels, dim 1.
 * Legend: the shape is split around `dim` as (outer, D, inner): outer the product of the extents
 * before it, D its extent, inner the product of those after it.
 *
 *     y[o, offset_k + d, i] = x_k[o, d, i]     with offset_k = D_0 + … + D_(k−1)
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface ConcatAttrs {
  readonly dim: number;
  readonly num_args: number;
}

export function parseConcatAttrs(node: string, raw: RawAttrs | undefined): ConcatAttrs {
  const a = attrReader('Concat', node, raw);
  const dim = a.int('dim', 1);
  if (dim < 0) throw unsupportedAttr('Concat', node, 'dim', dim, 'a non-negative axis');
  return { dim, num_args: a.int('num_args') };
}

/**
 * @param inputs num_args tensors equal in every extent but `dim`
 * @returns the shape with the `dim` extents summed
 */
export function inferConcatShape(node: string, inputs: readonly Shape[], _params: readonly Shape[], attrs: ConcatAttrs): Shape {
  const { dim, num_args } = attrs;
  const shown = inputs.map(formatShape).join(', ');
  if (inputs.length !== num_args) {
    throw new RetinaFaceError('SHAPE', `[Concat ${node}] num_args=${num_args} but ${inputs.length} inputs: ${shown}`);
  }
  const first = inputs[0];
  if (dim >= first.length) throw new RetinaFaceError('SHAPE', `[Concat ${node}] dim=${dim} is past the rank of ${formatShape(first)}`);
  const out = [...first];
  for (const x of inputs.slice(1)) {
    if (x.length !== first.length || x.some((d, i) => i !== dim && d !== first[i])) {
      throw new RetinaFaceError('SHAPE', `[Concat ${node}] inputs ${shown} differ outside dim=${dim}`);
    }
    out[dim] += x[dim];
  }
  return out;
}

/**
 * @param inputs (outer, D_k, inner) each, in the order given
 * @returns (outer, Σ D_k, inner)
 */
export function concat(inputs: readonly Tensor[], attrs: ConcatAttrs): Tensor {
  const { dim } = attrs;
  const outShape = [...inputs[0].shape];
  outShape[dim] = inputs.reduce((sum, x) => sum + x.shape[dim], 0);
  const outer = size(outShape.slice(0, dim));
  const inner = size(outShape.slice(dim + 1));
  const out = tensor(outShape);
  for (let o = 0; o < outer; o++) {
    // slice o of the outer extents: each input's D_k·inner block follows the previous one
    let offset = 0;
    for (const x of inputs) {
      const D = x.shape[dim];
      for (let d = 0; d < D; d++) {
        for (let i = 0; i < inner; i++) {
          out.data[(o * outShape[dim] + offset + d) * inner + i] = x.data[(o * D + d) * inner + i];
        }
      }
      offset += D;
    }
  }
  return out;
}
