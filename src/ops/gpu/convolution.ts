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
import { convolutionWinograd, packWinogradWeights, winogradApplies } from './convolution-winograd.js';
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import type { GpuDevice } from './device.js';
import { blockedDims, storedWidth, type GpuTensor } from './device-tensor.js';

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
      return (x) => inRowBands(device, g, x, (gb, xb) => convolutionPointwise(device, gb, xb, packed, relu));
    }
    case 'depthwise': {
      const packed = packDepthwiseWeights(g, p);
      return (x) => inRowBands(device, g, x, (gb, xb) => convolutionDepthwise(device, gb, xb, packed, relu));
    }
    case 'dense': {
      const packed = packDenseWeights(g, p);
      // 3×3 stride 1 by Winograd F(2×2, 3×3): 2.25× fewer multiply-adds (convolution-winograd.ts)
      const winograd = winogradApplies(device, g) ? packWinogradWeights(g, p) : null;
      return (x) => (winograd !== null && winogradApplies(device, g)
        ? convolutionWinograd(device, g, x, winograd, relu)
        : inRowBands(device, g, x, (gb, xb) => convolutionDense(device, gb, xb, packed, relu)));
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

/**
 * Runs `conv` on the whole map, or, when its input or output would pass the device's exact-index
 * limit (device.ts, 2^24 values: the first layers of a multi-scale pyramid's top level), on bands
 * of output rows, halving the band until it fits.
 *
 * Band rows oy0..oy0+oh-1 read stored input rows from oy0·SY on, and the kernels' row formula
 * (oy·SY − PY + 1 in stored rows) then holds in band coordinates: a band is the same convolution
 * on a map of HB − 2 rows whose "border" rows are real neighbouring rows, except at the top and
 * bottom of the whole map, where they are its zero border. One stored row more than the taps
 * reach keeps HB − 2 ≥ oh for the pointwise kernel, whose output rows are its input rows.
 */
function inRowBands(device: GpuDevice, g: ConvGeometry, x: GpuTensor, conv: (g: ConvGeometry, x: GpuTensor) => Promise<GpuTensor>): Promise<GpuTensor> {
  const { CB, HP, WP } = blockedDims(x.shape);
  const OCB = Math.ceil(g.OC / 4);
  const OWP = storedWidth(g.OW);
  const bandRows = (from: number, oh: number) => Math.min((oh - 1) * g.sy - g.py + g.KH + 2, HP - from);
  const values = (oh: number) => Math.max(CB * bandRows(0, oh) * WP * 4, OCB * (oh + 2) * OWP * 4);
  let rows = g.OH;
  while (rows > 1 && values(rows) > device.maxValues) rows = Math.ceil(rows / 2);
  if (rows === g.OH) return conv(g, x);
  return stitchBands(g, OCB, OWP, rows, async (oy0, oh) => {
    const from = oy0 * g.sy;
    const HB = bandRows(from, oh);
    const band = new Float32Array(CB * HB * WP * 4);
    for (let cb = 0; cb < CB; cb++) band.set(x.data.subarray((cb * HP + from) * WP * 4, (cb * HP + from + HB) * WP * 4), cb * HB * WP * 4);
    return conv({ ...g, H: HB - 2, OH: oh }, { shape: [1, g.IC, HB - 2, g.W], data: band });
  });
}

/** The bands' stored output rows 1..oh copied into rows oy0+1..oy0+oh of the whole (OCB, OH+2, OWP, 4) map. */
async function stitchBands(g: ConvGeometry, OCB: number, OWP: number, rows: number, band: (oy0: number, oh: number) => Promise<GpuTensor>): Promise<GpuTensor> {
  const rowValues = OWP * 4;
  const data = new Float32Array(OCB * (g.OH + 2) * rowValues);
  for (let oy0 = 0; oy0 < g.OH; oy0 += rows) {
    const oh = Math.min(rows, g.OH - oy0);
    const out = (await band(oy0, oh)).data;
    for (let cb = 0; cb < OCB; cb++) {
      data.set(out.subarray((cb * (oh + 2) + 1) * rowValues, (cb * (oh + 2) + 1 + oh) * rowValues), (cb * (g.OH + 2) + oy0 + 1) * rowValues);
    }
  }
  return { shape: [1, g.OC, g.OH, g.OW], data };
}
