/**
 * Reference MXNet `Activation`. mnet.25 only uses `act_type=relu`, so that is the only type this
 * engine implements; any other type is refused when the plan is built, naming the node.
 *
 *     y = max(x, 0)
 */
import type { Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface ActivationAttrs {
  readonly act_type: 'relu';
}

export function parseActivationAttrs(node: string, raw: RawAttrs | undefined): ActivationAttrs {
  const actType = attrReader('Activation', node, raw).string('act_type');
  if (actType !== 'relu') throw unsupportedAttr('Activation', node, 'act_type', actType, 'relu');
  return { act_type: actType };
}

/** @returns the input's shape */
export function inferActivationShape(_node: string, [x]: readonly Shape[]): Shape {
  return x;
}

/**
 * @param x any shape (N, C, H, W here)
 * @returns the same shape
 */
export function activation(x: Tensor): Tensor {
  const out = tensor(x.shape);
  for (let i = 0; i < x.data.length; i++) {
    out.data[i] = x.data[i] > 0 ? x.data[i] : 0;
  }
  return out;
}
