/**
 * gpu.js Convolution: picks the specialised kernel for a node's geometry — pointwise (1×1, stride
 * 1, pad 0), depthwise (num_group = IC = OC) or dense (num_group = 1) — and packs its weights once.
 * The epilogue adds the bias, which already holds a folded BatchNorm when net/fuse.ts merged one,
 * and applies relu when the plan fused an Activation. Legend: IC/OC in/out channels, H/W input,
 * OH/OW output, KH/KW kernel, sy/sx stride, py/px pad, g groups.
 */
import { RetinaFaceError } from '../../errors.js';
import { convolutionDense, packDenseWeights } from './convolution-dense.js';
import { convolutionDepthwise, packDepthwiseWeights } from './convolution-depthwise.js';
import { convolutionPointwise, packPointwiseWeights } from './convolution-pointwise.js';
import type { ConvGeometry } from '../conv-geometry.js';
import type { GpuDevice } from './device.js';
import type { GpuTensor } from './device-tensor.js';

export interface ConvWeights {
  /** (OC, IC/g, KH, KW) */
  weight: Float32Array;
  /** (OC): the node's bias (zeros under no_bias), with any folded BatchNorm shift */
  bias: Float32Array;
}

/** A Convolution node bound to its packed weights: x (1, IC, H, W) → (1, OC, OH, OW). */
export type GpuConvolution = (x: GpuTensor) => Promise<GpuTensor>;

/** Which specialised kernel runs a geometry; null when none does (the caller reports it). */
export function convolutionKind(g: ConvGeometry): 'pointwise' | 'depthwise' | 'dense' | null {
  if (g.py > 1 || g.px > 1) return null;
  if (g.KH === 1 && g.KW === 1 && g.sy === 1 && g.sx === 1 && g.py === 0 && g.px === 0 && g.g === 1) return 'pointwise';
  if (g.g === g.IC && g.g === g.OC) return 'depthwise';
  if (g.g === 1) return 'dense';
  return null;
}

export function prepareConvolution(device: GpuDevice, node: string, g: ConvGeometry, p: ConvWeights, relu: boolean): GpuConvolution {
  switch (convolutionKind(g)) {
    case 'pointwise': {
      const packed = packPointwiseWeights(g, p);
      return (x) => convolutionPointwise(device, g, x, packed, relu);
    }
    case 'depthwise': {
      const packed = packDepthwiseWeights(g, p);
      return (x) => convolutionDepthwise(device, g, x, packed, relu);
    }
    case 'dense': {
      const packed = packDenseWeights(g, p);
      return (x) => convolutionDense(device, g, x, packed, relu);
    }
    case null:
      if (g.py > 1 || g.px > 1) {
        throw new RetinaFaceError('UNSUPPORTED', `[Convolution ${node}] pad (${g.py},${g.px}) on the gpu path: the stored border is one pixel, pad ≤ 1 supported`);
      }
      throw new RetinaFaceError(
        'UNSUPPORTED',
        `[Convolution ${node}] num_group=${g.g} with ${g.IC} input and ${g.OC} output channels on the gpu path: only 1 or depthwise (IC = OC = num_group)`,
      );
  }
}
