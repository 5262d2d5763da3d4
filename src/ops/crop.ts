/**
 * Reference MXNet `Crop` with `num_args=2`: the first input cut to the height and width of the
 * second, keeping the top-left corner (offset (0, 0), `center_crop` false).
 * Legend: N batch, C channels, H/W first input, OH/OW the second input's height and width.
 *
 *     y[n, c, oy, ox] = x[n, c, oy, ox]     for oy < OH, ox < OW
 *
 * Why the FPN needs it: every stride-2 convolution (3×3, pad 1) maps a side s to ceil(s / 2), so
 * an odd side does not halve exactly. Upsampling the coarser map ×2 then gives 2·ceil(s / 2),
 * which is one row or column more than the lateral map of side s it is added to; `Crop` drops
 * that last row/column so `elemwise_add` sees equal shapes. At 168×328 the stride-16 lateral is
 * 11×21 and the upsampled stride-32 map 12×22: both dimensions are cut.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { attrReader, unsupportedAttr, type RawAttrs } from './attrs.js';

/** Crop as mnet.25 uses it has nothing left to choose: the attributes are all checked, none kept. */
export type CropAttrs = Record<string, never>;

export function parseCropAttrs(node: string, raw: RawAttrs | undefined): CropAttrs {
  const a = attrReader('Crop', node, raw);
  const numArgs = a.int('num_args');
  if (numArgs !== 2) throw unsupportedAttr('Crop', node, 'num_args', numArgs, '2 (crop to the second input)');
  const offset = a.ints('offset', [0, 0]);
  if (offset.some((o) => o !== 0)) throw unsupportedAttr('Crop', node, 'offset', offset, '(0, 0)');
  if (a.bool('center_crop', false)) throw unsupportedAttr('Crop', node, 'center_crop', true, 'False');
  return {};
}

/**
 * @param inputs [x (N, C, H, W), like (N', C', OH, OW)]
 * @returns (N, C, OH, OW)
 */
export function inferCropShape(node: string, [x, like]: readonly Shape[]): Shape {
  if (x.length !== 4 || like.length !== 4) {
    throw new RetinaFaceError('SHAPE', `[Crop ${node}] inputs ${formatShape(x)} and ${formatShape(like)} must both be 4-D [N,C,H,W]`);
  }
  if (like[2] > x[2] || like[3] > x[3]) {
    throw new RetinaFaceError('SHAPE', `[Crop ${node}] cannot cut ${formatShape(x)} to the H×W of ${formatShape(like)}: it is larger [N,C,H,W]`);
  }
  return [x[0], x[1], like[2], like[3]];
}

/**
 * @param x (N, C, H, W)
 * @param like (N', C', OH, OW): only its height and width are read
 * @returns (N, C, OH, OW)
 */
export function crop(x: Tensor, like: Tensor): Tensor {
  const [N, C, H, W] = x.shape;
  const [, , OH, OW] = like.shape;
  const out = tensor([N, C, OH, OW]);
  for (let nc = 0; nc < N * C; nc++) {
    // plane (n, c): copy the top-left OH×OW block
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        out.data[(nc * OH + oy) * OW + ox] = x.data[(nc * H + oy) * W + ox];
      }
    }
  }
  return out;
}
