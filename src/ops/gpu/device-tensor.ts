/**
 * GpuTensor: an activation in the layout every gpu.js kernel of this engine reads and writes.
 * Legend: C channels, H/W height/width, CB = ceil(C/4) channel blocks, HP = H+2 stored rows,
 * WP = W+2 rounded up to a multiple of 4 stored columns.
 *
 * The logical tensor is NCHW with N = 1; it is stored channel-blocked and zero-padded:
 *
 *     data[((cb·HP + y+1)·WP + x+1)·4 + ci] = t[c = 4·cb + ci][y][x]     (CB, HP, WP, 4)
 *
 * Why this shape: a kernel thread returns `Array(4)` — four output channels of one pixel — and
 * that is exactly four consecutive floats here, so a kernel's output needs no reordering; with
 * four channels per thread each input value loaded serves four multiply-adds (2× over one channel
 * per thread, bench/kernels/convolution-dense.ts). The one-pixel zero border lets every 3×3 window
 * with pad ≤ 1 read without bounds checks (webasm vectorises four x-neighbours, and a per-lane
 * check costs a masked select at every tap). The row width is a multiple of 4 because gpu.js's
 * webasm workers run the SIMD body only when the output's x extent is (2.2× on a 64→64 3×3 conv,
 * bench/kernels/convolution-dense.ts). Channels past C in the last block, the border and the
 * extra columns are always zero; every kernel writes zeros there.
 */
import { RetinaFaceError } from '../../errors.js';
import { tensor, type Tensor } from '../../tensor/tensor.js';
import { formatShape, type Shape } from '../../tensor/shape.js';

export interface GpuTensor {
  /** Logical NCHW shape (N = 1). */
  readonly shape: Shape;
  /** (CB, HP, WP, 4), see the file legend; emptied by `free`. */
  data: Float32Array;
  /** Host copies of `data` in other layouts that kernels read (e.g. 'planar'), made once, freed with it. */
  copies?: Map<string, Float32Array>;
}

/** Stored columns of a map W wide: the border, rounded up to a multiple of 4. */
export function storedWidth(W: number): number {
  return Math.ceil((W + 2) / 4) * 4;
}

/** The stored extents of a logical (1, C, H, W) shape. */
export function blockedDims(shape: Shape): { C: number; H: number; W: number; CB: number; HP: number; WP: number } {
  const [, C, H, W] = shape;
  return { C, H, W, CB: Math.ceil(C / 4), HP: H + 2, WP: storedWidth(W) };
}

/** The gpu path runs batch 1 and 4-D tensors only (every activation of mnet.25 is (1,C,H,W)). */
function expectBatchOne(shape: Shape, what: string): void {
  if (shape.length !== 4 || shape[0] !== 1) {
    throw new RetinaFaceError('UNSUPPORTED', `gpu tensor ${what} ${formatShape(shape)}: the gpu path stores (1,C,H,W) only [N,C,H,W]`);
  }
}

/** NCHW tensor → blocked, padded GpuTensor. */
export function toBlocked(t: Tensor): GpuTensor {
  expectBatchOne(t.shape, 'upload');
  const { C, H, W, CB, HP, WP } = blockedDims(t.shape);
  const data = new Float32Array(CB * HP * WP * 4);
  for (let c = 0; c < C; c++) {
    const cb = c >> 2;
    const ci = c & 3;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) data[((cb * HP + y + 1) * WP + x + 1) * 4 + ci] = t.data[(c * H + y) * W + x];
    }
  }
  return { shape: [...t.shape], data };
}

/** Blocked, padded GpuTensor → NCHW tensor. */
export function fromBlocked(g: GpuTensor): Tensor {
  const { C, H, W, HP, WP } = blockedDims(g.shape);
  const out = tensor(g.shape);
  for (let c = 0; c < C; c++) {
    const cb = c >> 2;
    const ci = c & 3;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) out.data[(c * H + y) * W + x] = g.data[((cb * HP + y + 1) * WP + x + 1) * 4 + ci];
    }
  }
  return out;
}
