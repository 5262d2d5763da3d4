/**
 * Reference MXNet `BatchNorm` in inference: every channel is normalised with the statistics
 * gathered during training, then scaled and shifted. Legend: N batch, C channels, H/W height/width.
 *
 *     y[n, c, h, w] = (x[n, c, h, w] − moving_mean[c]) / √(moving_var[c] + eps) · γ[c] + β[c]
 *
 * `eps` comes from each node: MobileNet's backbone layers were built with 1e-5, the `rf_*` layers
 * InsightFace added with 2e-5, and MXNet's default is 1e-3, so it must never be assumed.
 * `fix_gamma=True` (MXNet's default) means γ was frozen at 1 during training and the stored γ is
 * to be ignored; every node of mnet.25 says False, but the flag is honoured.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface BatchNormAttrs {
  readonly eps: number;
  readonly fix_gamma: boolean;
}

export function parseBatchNormAttrs(node: string, raw: RawAttrs | undefined): BatchNormAttrs {
  const a = attrReader('BatchNorm', node, raw);
  const axis = a.int('axis', 1);
  if (axis !== 1) throw unsupportedAttr('BatchNorm', node, 'axis', axis, '1 (channels of NCHW)');
  return { eps: a.float('eps', 1e-3), fix_gamma: a.bool('fix_gamma', true) };
}

/**
 * @param inputs [x (N, C, H, W)]
 * @param params [gamma (C), beta (C), moving_mean (C), moving_var (C)]
 * @returns (N, C, H, W)
 */
export function inferBatchNormShape(node: string, [x]: readonly Shape[], params: readonly Shape[]): Shape {
  const names = ['gamma', 'beta', 'moving_mean', 'moving_var'];
  if (params.length !== 4) {
    throw new RetinaFaceError('SHAPE', `[BatchNorm ${node}] needs ${names.join(', ')}, got ${params.length} parameter(s)`);
  }
  if (x.length !== 4) throw new RetinaFaceError('SHAPE', `[BatchNorm ${node}] input ${formatShape(x)} is not 4-D [N,C,H,W]`);
  params.forEach((p, i) => {
    if (p.length !== 1 || p[0] !== x[1]) {
      throw new RetinaFaceError('SHAPE', `[BatchNorm ${node}] ${names[i]} ${formatShape(p)} needs ${x[1]} channels, got input ${formatShape(x)} [N,C,H,W]`);
    }
  });
  return x;
}

/** Channel c's γ / √(moving_var + eps), γ = 1 under fix_gamma; the fast backends' fold (ops/backend.ts) uses it too. */
export function batchNormScale(gamma: Tensor, movingVar: Tensor, attrs: BatchNormAttrs, c: number): number {
  return (attrs.fix_gamma ? 1 : gamma.data[c]) / Math.sqrt(movingVar.data[c] + attrs.eps);
}

/**
 * @param x (N, C, H, W)
 * @param gamma, beta, movingMean, movingVar (C)
 * @returns (N, C, H, W)
 */
export function batchNorm(
  x: Tensor, gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVar: Tensor, attrs: BatchNormAttrs,
): Tensor {
  const [N, C, H, W] = x.shape;
  const out = tensor(x.shape);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      // channel c: one scale and one shift for the whole H×W plane
      const scale = batchNormScale(gamma, movingVar, attrs, c);
      const mean = movingMean.data[c];
      const shift = beta.data[c];
      const plane = (n * C + c) * H * W;
      for (let i = plane; i < plane + H * W; i++) {
        out.data[i] = (x.data[i] - mean) * scale + shift;
      }
    }
  }
  return out;
}
