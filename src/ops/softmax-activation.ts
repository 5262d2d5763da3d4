/**
 * Reference MXNet `SoftmaxActivation` (src/operator/nn/softmax_activation-inl.h), the older
 * softmax op that mnet_cov2 uses where mnet.25 uses `softmax(axis=1)`. Legend: N batch, C channels,
 * H/W height/width.
 *
 *     mode='channel':   y[n, c, h, w] = exp(x[n, c, h, w]) / Σ_c' exp(x[n, c', h, w])
 *
 * which is softmax over axis 1, so the kernel is ops/softmax.ts's with axis 1. MXNet's other mode,
 * 'instance' (over everything but the batch), is not in any RetinaFace symbol and is refused by name.
 *
 * In mnet_cov2 it runs on the reshaped score heads: (1, 2, A·H, W) for face/background, as in
 * mnet.25, and (1, 3, A·H, W) for the three-class type head, whose class 2 is "wears a mask".
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';
import { softmax } from './softmax.js';

export interface SoftmaxActivationAttrs {
  readonly mode: 'channel';
}

export function parseSoftmaxActivationAttrs(node: string, raw: RawAttrs | undefined): SoftmaxActivationAttrs {
  const mode = attrReader('SoftmaxActivation', node, raw).string('mode', 'instance');
  if (mode !== 'channel') throw unsupportedAttr('SoftmaxActivation', node, 'mode', mode, 'channel');
  return { mode };
}

/** @returns the input's shape, which needs a channel axis */
export function inferSoftmaxActivationShape(node: string, [x]: readonly Shape[]): Shape {
  if (x.length < 3) {
    throw new RetinaFaceError('SHAPE', `[SoftmaxActivation ${node}] mode=channel needs an input with channels and a map, got ${formatShape(x)} [N,C,H,W]`);
  }
  return x;
}

/**
 * @param x (N, C, H, W)
 * @returns the same shape, each C-vector at (n, h, w) summing to 1
 */
export function softmaxActivation(x: Tensor): Tensor {
  return softmax(x, { axis: 1 });
}
