/**
 * The wasm backend's compiled kernels: one module (src/wasm/module.ts) with every function of this
 * folder, compiled once per process and instantiated once per WasmMemory. Each export takes byte
 * offsets into that memory and sizes in floats (see memory.ts for the layout).
 */
import { RetinaFaceError } from '../../errors.js';
import { denseFunction } from './convolution-dense.js';
import { depthwiseFunction } from './convolution-depthwise.js';
import { pointwiseFunction } from './convolution-pointwise.js';
import { winograd4InputFunction, winograd4OutputFunction, winogradGemmFunction, winogradInputFunction, winogradOutputFunction } from './convolution-winograd.js';
import { resizeRowsFunction } from './resize.js';
import { copyRowsFunction } from './data-movement.js';
import { FunctionBody, I32, countedLoop, encodeModule } from '../../wasm/module.js';

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
  winograd4Input: Fn;
  winograd4Output: Fn;
  resizeRows: Fn;
  upSampling2: Fn;
  crop: Fn;
}

/**
 * zeroBorder(t, C, Y0, R, H, W, WP, PS): zeros of every stored position of each plane that is not
 * the map, in the stored rows Y0 … Y0+R−1 (those past row H+1 are ignored): rows 0 and H+1 whole,
 * columns 0 and W+1..WP−1 of the others, and the plane's tail after row H+1 if the band reaches
 * it. A pointwise convolution split by bands of rows (convolution.ts) restores each band's
 * border; the whole tensor is Y0 = 0, R = H+2.
 *
 * zeroGaps(t, C, R, LEFT, W, WP, PS): only the runs from one row's right border to the next
 * row's column 0 (adjacent in memory: WP−W floats), after each of min(R, LEFT) rows counted from t
 * (a band of Winograd's rows, LEFT the map's rows from the band's first on; F(2×2)'s last store
 * of a row may spill into the next row's column 0; the caller zeroes the top and bottom).
 */
function zeroBorderFunction(): FunctionBody {
  const f = new FunctionBody(8);
  const [T, C, Y0, R, H, W, WP, PS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [c, y, a, row, end] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const run = (from: () => void, to: () => void) => countedLoop(f, a, from, to, 4, () => f.get(a).i32(0).i32Store());
  // the band's last row + 1, at most H + 2
  f.get(Y0).get(R).i32Add().set(end);
  f.block();
  f.get(end).get(H).i32(2).i32Add().i32LtS().brIf(0);
  f.get(H).i32(2).i32Add().set(end);
  f.end();
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    countedLoop(f, y, () => f.get(Y0), () => f.get(end), 1, () => {
      f.get(T).get(c).get(PS).i32Mul().get(y).get(WP).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(row);
      f.block().block();
      // rows 0 and H+1: the whole row
      f.get(y).i32Eqz().brIf(0);
      f.get(y).get(H).i32(1).i32Add().i32Sub().i32Eqz().brIf(0);
      f.get(row).i32(0).i32Store();
      run(() => f.get(row).get(W).i32(1).i32Add().i32(4).i32Mul().i32Add(), () => f.get(row).get(WP).i32(4).i32Mul().i32Add());
      f.br(1);
      f.end();
      run(() => f.get(row), () => f.get(row).get(WP).i32(4).i32Mul().i32Add());
      f.end();
    });
    // the tail after row H+1, with the band that holds that row
    f.block();
    f.get(end).get(H).i32(2).i32Add().i32Sub().i32Eqz().i32Eqz().brIf(0);
    run(() => f.get(T).get(c).get(PS).i32Mul().get(H).i32(2).i32Add().get(WP).i32Mul().i32Add().i32(4).i32Mul().i32Add(), () => f.get(T).get(c).i32(1).i32Add().get(PS).i32Mul().i32(4).i32Mul().i32Add());
    f.end();
  });
  return f;
}

function zeroGapsFunction(): FunctionBody {
  const f = new FunctionBody(7);
  const [T, C, R, LEFT, W, WP, PS] = [0, 1, 2, 3, 4, 5, 6];
  const [c, y, a, plane] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.block();
  f.get(R).get(LEFT).i32LtS().brIf(0);
  f.get(LEFT).set(R);
  f.end();
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    f.get(T).get(c).get(PS).i32Mul().i32(4).i32Mul().i32Add().set(plane);
    countedLoop(f, y, () => f.i32(0), () => f.get(R), 1, () => {
      countedLoop(
        f, a,
        () => f.get(plane).get(y).get(WP).i32Mul().get(W).i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add(),
        () => f.get(plane).get(y).i32(1).i32Add().get(WP).i32Mul().i32(1).i32Add().i32(4).i32Mul().i32Add(),
        4, () => f.get(a).i32(0).i32Store(),
      );
    });
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
export const KERNEL_NAMES: readonly (keyof WasmKernels)[] = ['relu', 'add', 'pointwise', 'dense3x3s1', 'dense3x3s2', 'depthwise3x3s1', 'depthwise3x3s2', 'zeroBorder', 'zeroGaps', 'winogradInput', 'winogradGemm', 'winogradOutput', 'winograd4Input', 'winograd4Output', 'resizeRows', 'upSampling2', 'crop'];

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
    ['zeroBorder', zeroBorderFunction()],
    ['zeroGaps', zeroGapsFunction()],
    ['winogradInput', winogradInputFunction()],
    ['winogradGemm', winogradGemmFunction()],
    ['winogradOutput', winogradOutputFunction()],
    ['winograd4Input', winograd4InputFunction()],
    ['winograd4Output', winograd4OutputFunction()],
    ['resizeRows', resizeRowsFunction()],
    ['upSampling2', copyRowsFunction('upSampling2')],
    ['crop', copyRowsFunction('crop')],
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
