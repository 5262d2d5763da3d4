/**
 * The wasm backend's ops that move values rather than multiply them — relu, elemwise_add, Concat
 * (channels), nearest UpSampling and Crop — over the stored planes of memory.ts, twins of the
 * reference ops of the same names in src/ops. relu and add run over whole planes as SIMD kernels
 * (kernels.ts) split by channels over the threads; the others are plain JavaScript copies on the
 * memory's Float32Array (a few percent of a forward: the FPN's and SSH's joins). Zeros in, zeros
 * out: relu and add keep the border zero, and the others write only the map.
 */
import { RetinaFaceError } from '../../errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { KernelThreads } from './threads.js';

/** Stored floats of x, border included. */
function stored(memory: WasmMemory, x: WasmTensor): Float32Array {
  const { C, PS } = planarDims(x.shape);
  return memory.f32.subarray(x.offset / 4, x.offset / 4 + C * PS);
}

export function relu(memory: WasmMemory, threads: KernelThreads, x: WasmTensor): WasmTensor {
  const out = memory.outputTensor(x.shape);
  const { C, PS } = planarDims(x.shape);
  threads.split(C, [['relu', (c, n) => [x.offset + c * PS * 4, out.offset + c * PS * 4, n * PS]]], C, C * PS);
  return out;
}

export function elemwiseAdd(memory: WasmMemory, threads: KernelThreads, a: WasmTensor, b: WasmTensor): WasmTensor {
  const out = memory.outputTensor(a.shape);
  const { C, PS } = planarDims(a.shape);
  threads.split(C, [['add', (c, n) => [a.offset + c * PS * 4, b.offset + c * PS * 4, out.offset + c * PS * 4, n * PS]]], C, C * PS);
  return out;
}

/** Along channels: inputs share H and W, so their planes have one stride and the result is their planes in order. */
export function concat(memory: WasmMemory, node: string, xs: WasmTensor[]): WasmTensor {
  const [, , H, W] = xs[0].shape;
  let C = 0;
  for (const x of xs) {
    if (x.shape[2] !== H || x.shape[3] !== W) {
      throw new RetinaFaceError('SHAPE', `[Concat ${node}] inputs ${formatShape(xs[0].shape)} and ${formatShape(x.shape)} differ in H×W [N,C,H,W]`);
    }
    C += x.shape[1];
  }
  // every stored float is written (each input's planes, borders included)
  const out = memory.outputTensor([1, C, H, W]);
  const dst = stored(memory, out);
  let at = 0;
  for (const x of xs) {
    const src = stored(memory, x);
    dst.set(src, at);
    at += src.length;
  }
  return out;
}

/**
 * Nearest neighbour: out[y][x] = x[⌊y/s⌋][⌊x/s⌋]. Output row s·y is source row y with each value
 * written s times; rows s·y + 1 … s·y + s − 1 are copies of it.
 */
export function upSampling(memory: WasmMemory, x: WasmTensor, scale: number): WasmTensor {
  const [, C, H, W] = x.shape;
  const out = memory.tensor([1, C, H * scale, W * scale]);
  const i = planarDims(x.shape);
  const o = planarDims(out.shape);
  const src = stored(memory, x);
  const dst = stored(memory, out);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      const from = c * i.PS + (y + 1) * i.WP + 1;
      const to = c * o.PS + (scale * y + 1) * o.WP + 1;
      for (let xx = 0, at = to; xx < W; xx++) {
        const v = src[from + xx];
        for (let k = 0; k < scale; k++) dst[at++] = v;
      }
      for (let k = 1; k < scale; k++) dst.copyWithin(to + k * o.WP, to, to + o.W);
    }
  }
  return out;
}

/** The top-left H×W of x (offset (0, 0), as ops/crop.ts). */
export function crop(memory: WasmMemory, x: WasmTensor, shape: Shape): WasmTensor {
  const out = memory.tensor(shape);
  const i = planarDims(x.shape);
  const o = planarDims(shape);
  const src = stored(memory, x);
  const dst = stored(memory, out);
  for (let c = 0; c < o.C; c++) {
    for (let y = 1; y <= o.H; y++) dst.set(src.subarray(c * i.PS + y * i.WP + 1, c * i.PS + y * i.WP + 1 + o.W), c * o.PS + y * o.WP + 1);
  }
  return out;
}
