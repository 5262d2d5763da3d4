/**
 * Reference MXNet `_minus_scalar` and `_mul_scalar`: one number subtracted from, or multiplied
 * into, every element. MXNet defines both in one place (src/operator/tensor/
 * elemwise_binary_scalar_op_basic.cc, `MXNET_OPERATOR_REGISTER_BINARY_SCALAR`), with the scalar
 * stored as a double and cast to the tensor's type before the float32 arithmetic, so they share
 * this file. Legend: any shape; i a flat index.
 *
 *     _minus_scalar:  y[i] = x[i] − float32(scalar)        _mul_scalar:  y[i] = x[i] · float32(scalar)
 *
 * mnet_cov2 (retinaface_anticov) normalises its own RGB 0..255 input with them: (x − 127.5) · 0.0078125,
 * both constants exact in float32. mnet.25 has neither (its input is fed 0..255 as is).
 */
import type { Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export type BinaryScalarOp = '_minus_scalar' | '_mul_scalar';

export interface BinaryScalarAttrs {
  /** float32(scalar), as MXNet casts it to the tensor's type. */
  readonly scalar: number;
}

/** The `scalar` attr (required); `is_int` (MXNet ≥ 1.8: the scalar is an integer) changes nothing for float32 tensors. */
export function binaryScalarAttrs(op: BinaryScalarOp): (node: string, raw: RawAttrs | undefined) => BinaryScalarAttrs {
  return (node, raw) => {
    const a = attrReader(op, node, raw);
    const scalar = a.float('scalar');
    if (!Number.isFinite(Math.fround(scalar))) throw unsupportedAttr(op, node, 'scalar', scalar, 'a number within float32 range');
    return { scalar: Math.fround(scalar) };
  };
}

/** @returns the input's shape */
export function inferBinaryScalarShape(_node: string, [x]: readonly Shape[]): Shape {
  return x;
}

/**
 * @param x any shape (1, 3, H, W here: the network input)
 * @returns the same shape
 */
export function minusScalar(x: Tensor, attrs: BinaryScalarAttrs): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    out.data[i] = x.data[i] - attrs.scalar;
  }
  return out;
}

/**
 * @param x any shape
 * @returns the same shape
 */
export function mulScalar(x: Tensor, attrs: BinaryScalarAttrs): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    out.data[i] = x.data[i] * attrs.scalar;
  }
  return out;
}
