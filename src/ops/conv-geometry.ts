/**
 * The one shape rule of Convolution, shared by the reference loop, the gpu.js kernels, shape
 * inference and the tests. Legend: N batch, IC/OC input/output channels, H/W input height/width,
 * OH/OW output height/width, KH/KW kernel, sy/sx stride, py/px pad (added on both sides), g groups.
 *
 *     OH = floor((H + 2·py − KH) / sy) + 1        OW = floor((W + 2·px − KW) / sx) + 1
 *
 * With MobileNet's 3×3, pad 1, stride 2 convolutions this is ceil(H / 2): an odd map does not lose
 * its last row, which is why the FPN needs `Crop` (see crop.ts).
 */
import type { Shape } from '../tensor/shape.js';

export interface ConvolutionAttrs {
  /** (KH, KW) */
  readonly kernel: readonly [number, number];
  /** (sy, sx) */
  readonly stride: readonly [number, number];
  /** (py, px) */
  readonly pad: readonly [number, number];
  /** OC */
  readonly num_filter: number;
  /** g: 1 is a dense convolution, g = IC = OC a depthwise one */
  readonly num_group: number;
  readonly no_bias: boolean;
}

/** A Convolution's parameters as the fast backends pack them. */
export interface ConvWeights {
  /** (OC, IC/g, KH, KW) */
  weight: Float32Array;
  /** (OC): the node's bias (zeros under no_bias), with any folded BatchNorm shift */
  bias: Float32Array;
}

export interface ConvGeometry {
  N: number; IC: number; H: number; W: number;
  OC: number; OH: number; OW: number;
  KH: number; KW: number;
  sy: number; sx: number;
  py: number; px: number;
  g: number;
}

/**
 * @param xShape input (N, IC, H, W)
 * @param wShape weight (OC, IC/g, KH, KW)
 */
export function convGeometry(xShape: Shape, wShape: Shape, attrs: ConvolutionAttrs): ConvGeometry {
  const [N, IC, H, W] = xShape;
  const [OC, , KH, KW] = wShape;
  const [sy, sx] = attrs.stride;
  const [py, px] = attrs.pad;
  return {
    N, IC, H, W,
    OC,
    OH: Math.floor((H + 2 * py - KH) / sy) + 1,
    OW: Math.floor((W + 2 * px - KW) / sx) + 1,
    KH, KW, sy, sx, py, px,
    g: attrs.num_group,
  };
}
