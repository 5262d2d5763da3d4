/**
 * The tensor of this engine: data only, no methods. A float32 array in row-major (C) order with its
 * shape; for network activations the shape is NCHW (N batch, C channels, H height, W width).
 * Ops are free functions in `src/ops`; nothing here knows about them.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size, type Shape } from './shape.js';

export interface Tensor {
  readonly shape: Shape;
  readonly data: Float32Array;
}

/** A tensor over `data` (zeros when omitted); the only check: the length matches the shape. */
export function tensor(shape: Shape, data?: Float32Array): Tensor {
  const n = size(shape);
  if (data === undefined) return { shape: [...shape], data: new Float32Array(n) };
  if (data.length !== n) {
    throw new RetinaFaceError('SHAPE', `tensor of shape ${formatShape(shape)} needs ${n} values, got ${data.length}`);
  }
  return { shape: [...shape], data };
}
