/**
 * Reference MXNet `softmax` along one axis, with the maximum subtracted first so exp never
 * overflows (the result is the same: the factor exp(−max) cancels).
 * Legend: the shape is split around `axis` as (outer, K, inner): K classes, outer and inner the
 * products of the extents before and after it.
 *
 *     y[o, k, i] = exp(x[o, k, i] − m) / Σ_j exp(x[o, j, i] − m),     m = max_j x[o, j, i]
 *
 * In RetinaFace the classification head has 2A channels per pixel (A = 2 anchors): channels
 * 0..A−1 are the background scores and A..2A−1 the face scores of the same anchors. Reshaping it
 * to (1, 2, A·H, W) puts background and face of one anchor at the same (A·H, W) position of the
 * two slices of axis 1, so softmax over axis 1 pairs channel c with channel c + A (c + 2 here).
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface SoftmaxAttrs {
  /** As written in the symbol; −1 (MXNet's default) is the last axis. */
  readonly axis: number;
}

export function parseSoftmaxAttrs(node: string, raw: RawAttrs | undefined): SoftmaxAttrs {
  const a = attrReader('softmax', node, raw);
  const temperature = a.string('temperature', 'None');
  if (temperature !== 'None' && Number(temperature) !== 1) throw unsupportedAttr('softmax', node, 'temperature', temperature, '1');
  return { axis: a.int('axis', -1) };
}

/** @returns the input's shape */
export function inferSoftmaxShape(node: string, [x]: readonly Shape[], _params: readonly Shape[], attrs: SoftmaxAttrs): Shape {
  if (attrs.axis >= x.length || attrs.axis < -x.length) {
    throw new RetinaFaceError('SHAPE', `[softmax ${node}] axis=${attrs.axis} is outside input ${formatShape(x)}`);
  }
  return x;
}

/**
 * @param x (outer, K, inner) around `axis`
 * @returns the same shape, each K-vector summing to 1
 */
export function softmax(x: Tensor, attrs: SoftmaxAttrs): Tensor {
  const axis = attrs.axis < 0 ? x.shape.length + attrs.axis : attrs.axis;
  const K = x.shape[axis];
  const outer = size(x.shape.slice(0, axis));
  const inner = size(x.shape.slice(axis + 1));
  const out = tensor(x.shape);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      // one K-vector: elements (o, k, i) for k = 0..K−1, inner apart in memory
      const base = o * K * inner + i;
      let m = -Infinity;
      for (let k = 0; k < K; k++) m = Math.max(m, x.data[base + k * inner]);
      let sum = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp(x.data[base + k * inner] - m);
        out.data[base + k * inner] = e;
        sum += e;
      }
      for (let k = 0; k < K; k++) out.data[base + k * inner] /= sum;
    }
  }
  return out;
}
