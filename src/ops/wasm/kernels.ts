/**
 * The wasm backend's compiled kernels: one module (wasm-module.ts) with every function of this
 * folder, compiled once per process and instantiated once per WasmMemory. Each export takes byte
 * offsets into that memory and sizes in floats (see memory.ts for the layout).
 */
import { RetinaFaceError } from '../../errors.js';
import { denseFunction } from './convolution-dense.js';
import { depthwiseFunction } from './convolution-depthwise.js';
import { pointwiseFunction } from './convolution-pointwise.js';
import { winogradGemmFunction, winogradInputFunction, winogradOutputFunction } from './convolution-winograd.js';
import { resizeBandsFunction } from './resize.js';
import { FunctionBody, I32, countedLoop, encodeModule } from './wasm-module.js';

type Fn = (...args: number[]) => void;

export interface WasmKernels {
  relu: Fn;
  add: Fn;
  pointwise: Fn;
  dense3x3s1: Fn;
  dense3x3s2: Fn;
  depthwise3x3s1: Fn;
  depthwise3x3s2: Fn;
  zeroBorder: Fn;
  zeroGaps: Fn;
  winogradInput: Fn;
  winogradGemm: Fn;
  winogradOutput: Fn;
  resizeBands: Fn;
}

/**
 * zeroBorder(t, C, H, W, WP, PS): zeros of every stored position of each plane that is not the
 * map: row 0, columns 0 and W+1..WP−1 of each row, row H+1 and the plane's tail. A row's right
 * columns and the next row's column 0 are adjacent, so each row boundary is one run of WP−W floats.
 *
 * zeroGaps(t, C, R, W, WP, PS): only those runs, after each of R rows counted from t (a band of
 * rows, Winograd's; its caller zeroes the top and bottom).
 */
function zeroBorderFunction(whole: boolean): FunctionBody {
  const f = new FunctionBody(6);
  const [T, C, H, W, WP, PS] = [0, 1, 2, 3, 4, 5];
  const [c, y, a, plane] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const run = (from: () => void, to: () => void) => countedLoop(f, a, from, to, 4, () => f.get(a).i32(0).i32Store());
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    f.get(T).get(c).get(PS).i32Mul().i32(4).i32Mul().i32Add().set(plane);
    if (whole) run(() => f.get(plane), () => f.get(plane).get(WP).i32(1).i32Add().i32(4).i32Mul().i32Add());
    countedLoop(f, y, () => f.i32(whole ? 1 : 0), () => (whole ? f.get(H).i32(1).i32Add() : f.get(H)), 1, () => {
      run(
        () => f.get(plane).get(y).get(WP).i32Mul().get(W).i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add(),
        () => f.get(plane).get(y).i32(1).i32Add().get(WP).i32Mul().i32(1).i32Add().i32(4).i32Mul().i32Add(),
      );
    });
    if (whole) run(() => f.get(plane).get(H).i32(1).i32Add().get(WP).i32Mul().i32(4).i32Mul().i32Add(), () => f.get(plane).get(PS).i32(4).i32Mul().i32Add());
  });
  return f;
}

/**
 * relu(x, out, n) and add(a, b, out, n) over n floats (a multiple of 4: whole planes). relu is
 * pmax(0, x), which is the reference's `x > 0 ? x : 0` for NaN and −0 too.
 */
function elementwiseFunction(op: 'relu' | 'add'): FunctionBody {
  const inputs = op === 'relu' ? 1 : 2;
  const f = new FunctionBody(inputs + 2);
  const OUT = inputs;
  const N = inputs + 1;
  const i = f.local(I32);
  countedLoop(f, i, () => f.i32(0), () => f.get(N).i32(4).i32Mul(), 16, () => {
    f.get(OUT).get(i).i32Add();
    if (op === 'relu') f.v128Zero().get(0).get(i).i32Add().v128Load().f32x4Pmax();
    else f.get(0).get(i).i32Add().v128Load().get(1).get(i).i32Add().v128Load().f32x4Add();
    f.v128Store();
  });
  return f;
}

/** The exports in a fixed order: worker threads are told which to run by index. */
export const KERNEL_NAMES: readonly (keyof WasmKernels)[] = ['relu', 'add', 'pointwise', 'dense3x3s1', 'dense3x3s2', 'depthwise3x3s1', 'depthwise3x3s2', 'zeroBorder', 'zeroGaps', 'winogradInput', 'winogradGemm', 'winogradOutput', 'resizeBands'];

/** Compiled once per process, one module for an unshared and one for a shared memory. */
const compiled = new Map<boolean, WebAssembly.Module>();

export function kernelModule(shared: boolean): WebAssembly.Module {
  let module = compiled.get(shared);
  if (module === undefined) compiled.set(shared, (module = compile(shared)));
  return module;
}

function compile(shared: boolean): WebAssembly.Module {
  const functions = new Map<keyof WasmKernels, FunctionBody>([
    ['relu', elementwiseFunction('relu')],
    ['add', elementwiseFunction('add')],
    ['pointwise', pointwiseFunction()],
    ['dense3x3s1', denseFunction(1)],
    ['dense3x3s2', denseFunction(2)],
    ['depthwise3x3s1', depthwiseFunction(1)],
    ['depthwise3x3s2', depthwiseFunction(2)],
    ['zeroBorder', zeroBorderFunction(true)],
    ['zeroGaps', zeroBorderFunction(false)],
    ['winogradInput', winogradInputFunction()],
    ['winogradGemm', winogradGemmFunction()],
    ['winogradOutput', winogradOutputFunction()],
    ['resizeBands', resizeBandsFunction()],
  ]);
  try {
    return new WebAssembly.Module(encodeModule(functions, shared));
  } catch (e) {
    throw new RetinaFaceError('BACKEND', `wasm backend: this runtime cannot compile WebAssembly SIMD (${(e as Error).message})`);
  }
}

export function instantiateKernels(memory: WebAssembly.Memory, shared = false): WasmKernels {
  return new WebAssembly.Instance(kernelModule(shared), { env: { memory } }).exports as unknown as WasmKernels;
}
