/**
 * Concat along channels (dim = 1) for the gpu path. In the blocked layout (device-tensor.ts) a
 * channel block is a contiguous (HP, WP, 4) slab, and inputs of one Concat share H and W, so
 * when every input but the last has a multiple of 4 channels the result is the inputs' slabs one
 * after another: a copy, no kernel (the gpu.js data lives in host memory between kernels on every
 * backend this engine drives, see backend.ts). Any other channel split is reported, not guessed.
 */
import { RetinaFaceError } from '../../errors.js';
import type { GpuTensor } from './device-tensor.js';

/** xs[j] (1, C_j, H, W) → (1, ΣC_j, H, W). */
export function concat(node: string, xs: GpuTensor[]): GpuTensor {
  const [, , H, W] = xs[0].shape;
  let C = 0;
  xs.forEach((x, j) => {
    if (j < xs.length - 1 && x.shape[1] % 4 !== 0) {
      throw new RetinaFaceError(
        'UNSUPPORTED',
        `[Concat ${node}] input ${j} has ${x.shape[1]} channels: the gpu path concatenates whole 4-channel blocks, so every input but the last needs a multiple of 4`,
      );
    }
    C += x.shape[1];
  });
  const out = new Float32Array(xs.reduce((n, x) => n + x.data.length, 0));
  let offset = 0;
  for (const x of xs) {
    out.set(x.data, offset);
    offset += x.data.length;
  }
  return { shape: [1, C, H, W], data: out };
}
