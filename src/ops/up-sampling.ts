/**
 * Reference MXNet `UpSampling` with `sample_type=nearest`: every input pixel becomes a scale×scale
 * block. The FPN uses it (scale 2) to bring a coarse map to the next finer stride.
 * Legend: N batch, C channels, H/W input, OH/OW = H·scale, W·scale output.
 *
 *     y[n, c, oy, ox] = x[n, c, floor(oy / scale), floor(ox / scale)]
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

export interface UpSamplingAttrs {
  readonly scale: number;
}

export function parseUpSamplingAttrs(node: string, raw: RawAttrs | undefined): UpSamplingAttrs {
  const a = attrReader('UpSampling', node, raw);
  const sampleType = a.string('sample_type');
  if (sampleType !== 'nearest') throw unsupportedAttr('UpSampling', node, 'sample_type', sampleType, 'nearest');
  const numArgs = a.int('num_args', 1);
  if (numArgs !== 1) throw unsupportedAttr('UpSampling', node, 'num_args', numArgs, '1');
  return { scale: a.int('scale') };
}

/**
 * @param inputs [x (N, C, H, W)]
 * @returns (N, C, H·scale, W·scale)
 */
export function inferUpSamplingShape(node: string, [x]: readonly Shape[], _params: readonly Shape[], attrs: UpSamplingAttrs): Shape {
  if (x.length !== 4) throw new RetinaFaceError('SHAPE', `[UpSampling ${node}] input ${formatShape(x)} is not 4-D [N,C,H,W]`);
  return [x[0], x[1], x[2] * attrs.scale, x[3] * attrs.scale];
}

/**
 * @param x (N, C, H, W)
 * @returns (N, C, H·scale, W·scale)
 */
export function upSampling(x: Tensor, attrs: UpSamplingAttrs): Tensor {
  const [N, C, H, W] = x.shape;
  const s = attrs.scale;
  const OH = H * s;
  const OW = W * s;
  const out = tensor([N, C, OH, OW]);
  for (let nc = 0; nc < N * C; nc++) {
    // plane (n, c), flattened: both tensors store one H×W plane per (n, c)
    for (let oy = 0; oy < OH; oy++) {
      const iy = Math.floor(oy / s);
      for (let ox = 0; ox < OW; ox++) {
        out.data[(nc * OH + oy) * OW + ox] = x.data[(nc * H + iy) * W + Math.floor(ox / s)];
      }
    }
  }
  return out;
}
