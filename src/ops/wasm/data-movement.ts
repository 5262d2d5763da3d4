/**
 * The wasm backend's ops that move values rather than multiply them — relu, elemwise_add, Concat
 * (channels), nearest UpSampling and Crop — over the stored planes of memory.ts, twins of the
 * reference ops of the same names in src/ops. relu and add run over whole planes as SIMD kernels
 * (kernels.ts) split by channels over the threads, and so do UpSampling ×2 and Crop (copyRows
 * below, then zeroBorder); Concat is a plain JavaScript copy on the memory's Float32Array. Zeros
 * in, zeros out: relu and add keep the border zero, the others restore it or write only the map.
 */
import { RetinaFaceError } from '../../errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { KernelThreads } from './threads.js';
import { FunctionBody, I32, V128, countedLoop } from '../../wasm/module.js';

/** Stored floats of x, border included. */
function stored(memory: WasmMemory, x: WasmTensor): Float32Array {
  const { C, PS } = planarDims(x.shape);
  return memory.f32.subarray(x.offset / 4, x.offset / 4 + C * PS);
}

export function relu(memory: WasmMemory, threads: KernelThreads, x: WasmTensor): WasmTensor {
  const out = memory.outputTensor(x.shape);
  const { C, PS } = planarDims(x.shape);
  threads.split(C, [['relu', (c, n) => [x.offset + c * PS * 4, out.offset + c * PS * 4, n * PS]]], undefined, C * PS);
  return out;
}

export function elemwiseAdd(memory: WasmMemory, threads: KernelThreads, a: WasmTensor, b: WasmTensor): WasmTensor {
  const out = memory.outputTensor(a.shape);
  const { C, PS } = planarDims(a.shape);
  threads.split(C, [['add', (c, n) => [a.offset + c * PS * 4, b.offset + c * PS * 4, out.offset + c * PS * 4, n * PS]]], undefined, C * PS);
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
 * Nearest neighbour: out[y][x] = x[⌊y/s⌋][⌊x/s⌋]. For s = 2 (mnet.25's and mnet_cov2's FPN) the
 * SIMD kernel upSampling2 (below), split by channels over the threads and followed by zeroBorder;
 * other scales as a JavaScript loop: output row s·y is source row y with each value written s
 * times, rows s·y + 1 … s·y + s − 1 copies of it.
 */
export function upSampling(memory: WasmMemory, threads: KernelThreads, x: WasmTensor, scale: number): WasmTensor {
  const [, C, H, W] = x.shape;
  const i = planarDims(x.shape);
  if (scale === 2) {
    const out = memory.outputTensor([1, C, 2 * H, 2 * W]);
    const o = planarDims(out.shape);
    threads.split(C, [
      ['upSampling2', (c, n) => [x.offset + c * i.PS * 4, out.offset + c * o.PS * 4, n, H, W, i.WP, i.PS, o.WP, o.PS]],
      ['zeroBorder', (c, n) => [out.offset + c * o.PS * 4, n, 0, o.H + 2, o.H, o.W, o.WP, o.PS]],
    ], undefined, C * o.PS);
    return out;
  }
  const out = memory.tensor([1, C, H * scale, W * scale]);
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

/**
 * The top-left H×W of x (offset (0, 0), as ops/crop.ts): the SIMD kernel crop copying rows, split
 * by channels over the threads and followed by zeroBorder.
 */
export function crop(memory: WasmMemory, threads: KernelThreads, x: WasmTensor, shape: Shape): WasmTensor {
  const out = memory.outputTensor(shape);
  const i = planarDims(x.shape);
  const o = planarDims(shape);
  threads.split(o.C, [
    ['crop', (c, n) => [x.offset + c * i.PS * 4, out.offset + c * o.PS * 4, n, o.H, o.W, i.WP, i.PS, o.WP, o.PS]],
    ['zeroBorder', (c, n) => [out.offset + c * o.PS * 4, n, 0, o.H + 2, o.H, o.W, o.WP, o.PS]],
  ], undefined, o.C * o.PS);
  return out;
}

/**
 * upSampling2(x, out, C, H, W, WPI, PSI, WPO, PSO) and crop(x, out, C, H, W, WPI, PSI, WPO, PSO):
 * byte offsets, H×W the source map (upSampling2) or the output's (crop). Four source values a
 * vector: upSampling2 stores each twice side by side (two shuffles) in both output rows, crop
 * stores it as it is. The last vector of a row may read past the map (lanes that only reach
 * stores past it) and store up to four floats past the output row's end, into the next stored
 * row's first columns; so each output row is written whole before the next one, which then
 * overwrites them, and zeroBorder restores the border afterwards (the last row's spill lands in
 * the bottom border row).
 */
export function copyRowsFunction(op: 'upSampling2' | 'crop'): FunctionBody {
  const f = new FunctionBody(9);
  const [X, OUT, C, H, W, WPI, PSI, WPO, PSO] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [c, y, xx, sp, dp] = [0, 0, 0, 0, 0].map(() => f.local(I32));
  const v = f.local(V128);
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    countedLoop(f, y, () => f.i32(0), () => f.get(H), 1, () => {
      // stored row y + 1, column 1, of the source's plane c
      f.get(X).get(c).get(PSI).i32Mul().get(y).i32(1).i32Add().get(WPI).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(sp);
      // output rows: y + 1 (crop), or 2y + 1 and 2y + 2 (upSampling2)
      for (const r of op === 'crop' ? [1] : [1, 2]) {
        f.get(OUT).get(c).get(PSO).i32Mul().get(y).i32(op === 'crop' ? 1 : 2).i32Mul().i32(r).i32Add().get(WPO).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(dp);
        countedLoop(f, xx, () => f.i32(0), () => f.get(W), 4, () => {
          f.get(sp).get(xx).i32(4).i32Mul().i32Add().v128Load(0).set(v);
          if (op === 'crop') {
            f.get(dp).get(xx).i32(4).i32Mul().i32Add().get(v).v128Store(0);
          } else {
            f.get(dp).get(xx).i32(8).i32Mul().i32Add().get(v).get(v).shuffle32([0, 0, 1, 1]).v128Store(0);
            f.get(dp).get(xx).i32(8).i32Mul().i32Add().get(v).get(v).shuffle32([2, 2, 3, 3]).v128Store(16);
          }
        });
      }
    });
  });
  return f;
}
