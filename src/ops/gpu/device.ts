/**
 * The gpu.js side of the engine: one `GPU` instance in a chosen mode, the kernel class that really
 * ran (gpu.js falls back silently, so it is checked after every first call and reported), and a
 * cache of compiled kernels keyed by (op, constants, output size) so a shape is compiled once.
 *
 * Modes: `gpu` is gpu.js's own choice (HeadlessGLKernel when the native `gl` build loads and an X
 * display exists, otherwise WebAssemblyKernel); `webasm`, `headlessgl`, `webgl2` (a browser's
 * WebGL2, WebGL2Kernel) and `cpu` force one backend and fail with a BACKEND error when it is
 * unavailable. Nothing here imports a Node module, so the same file runs in a browser bundle.
 *
 * Every kernel here returns `Array(4)`: four channels of one pixel (see device-tensor.ts for the
 * layout). gpu.js would hand such a result back as one `Float32Array(4)` view per pixel, which
 * costs ~25 ms per 100 k pixels (measured: as much as a 64→64 1×1 convolution at 80×80), so `run`
 * takes the flat buffer the backend already holds instead (`_shapeOutput` on webasm,
 * `formatValues` on GL); the gpu-agrees tests pin this against the reference on every mode.
 */
import gpujs from 'gpu.js';
import type { GPU as GPUType, IKernelRunShortcut, Input, KernelFunction } from 'gpu.js';
import { RetinaFaceError } from '../../errors.js';

const { GPU, input } = gpujs;

export type GpuMode = 'gpu' | 'webasm' | 'headlessgl' | 'webgl2' | 'cpu';
export const GPU_MODES: readonly GpuMode[] = ['gpu', 'webasm', 'headlessgl', 'webgl2', 'cpu'];

/** The kernel class gpu.js must produce in each mode; anything else is a fallback and an error. */
function expectedKernelClass(mode: GpuMode): string {
  switch (mode) {
    case 'gpu': return GPU.isHeadlessGLSupported ? 'HeadlessGLKernel' : GPU.isWebGL2Supported ? 'WebGL2Kernel' : 'WebAssemblyKernel';
    case 'webasm': return 'WebAssemblyKernel';
    case 'headlessgl': return 'HeadlessGLKernel';
    case 'webgl2': return 'WebGL2Kernel';
    case 'cpu': return 'CPUKernel';
  }
}

/** Why a mode cannot run here, or null when it can. */
export function modeUnavailable(mode: GpuMode): string | null {
  if (mode === 'headlessgl' && !GPU.isHeadlessGLSupported) {
    return 'gpu.js headlessgl is not available: no X display (run under `xvfb-run -a`) or the native `gl` build is missing';
  }
  if (mode === 'webgl2' && !GPU.isWebGL2Supported) return 'gpu.js webgl2 is not available: no WebGL2 context here (it runs in a browser)';
  if (mode === 'webasm' && !GPU.isWebAssemblySupported) return 'gpu.js webasm is not available: no WebAssembly in this runtime';
  return null;
}

/** Sizes and switches baked into a kernel as `this.constants` (gpu.js loop bounds must be constants). */
export type KernelConstants = Record<string, number>;

/** What a kernel body sees as `this` (gpu.js fills it per thread). */
export interface KernelThis<C extends KernelConstants> {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: C;
}

/** A kernel argument: a flat array, or a flat array viewed as [x, y, z] by `input`. */
export type KernelArg = Float32Array | Input;

export { input };

/** One compiled kernel: call it with its arguments, get the flat `Array(4)` output. */
export type RunKernel = (...args: KernelArg[]) => Promise<Float32Array>;

/**
 * The webasm backend keeps every kernel local in float32, index arithmetic included (measured:
 * 4096·4096 + 1 became 4096·4096), so flat indices are exact only below 2^24. That holds up to
 * about 2000×2000 input for mnet.25; past it the device refuses rather than read wrong values.
 */
const MAX_EXACT_INDEX = 2 ** 24;

/** A pool of the webasm backend's worker threads (gpu.js internal class, see `shareWorkerPool`). */
interface WorkerPool { destroy(): void }

/**
 * At most this many values wait in the buffer pool (`take` / `give`): 256 MB, about four 640×640
 * forwards' worth of activations; past it a given-back buffer is left to the garbage collector.
 */
const MAX_POOLED_VALUES = 2 ** 26;

export class GpuDevice {
  readonly mode: GpuMode;
  /** Largest argument or output a kernel may have, in values (MAX_EXACT_INDEX; lowered by tests). */
  maxValues = MAX_EXACT_INDEX;
  /** The kernel class every kernel of this device must run as ("WebAssemblyKernel", …). */
  readonly kernelClass: string;
  private readonly gpu: GPUType;
  private readonly kernels = new Map<string, RunKernel>();
  private readonly instances: IKernelRunShortcut[] = [];
  private pool: WorkerPool | null = null;
  /** The kernel classes that actually ran (checked equal to kernelClass at each first call). */
  readonly ran = new Set<string>();
  /** Milliseconds spent in first calls (compile + first run), for the cold-start report. */
  compileMs = 0;
  /** Given-back host buffers by length (see `take`). */
  private readonly buffers = new Map<number, Float32Array[]>();
  private pooledValues = 0;

  constructor(mode: GpuMode) {
    const why = modeUnavailable(mode);
    if (why !== null) throw new RetinaFaceError('BACKEND', why);
    this.mode = mode;
    this.kernelClass = expectedKernelClass(mode);
    this.gpu = new GPU({ mode });
  }

  /** How many distinct kernels have been compiled so far. */
  get compiledKernels(): number {
    return this.kernels.size;
  }

  /**
   * The kernel `fn` for these constants and output grid [x, y, z] (each thread returns 4 values),
   * compiled on first use and cached under `op` + constants + output.
   */
  kernel(op: string, fn: (...args: never[]) => unknown, output: [number, number, number], constants: KernelConstants): RunKernel {
    const key = `${op}|${output.join('x')}|${JSON.stringify(constants)}`;
    const cached = this.kernels.get(key);
    if (cached !== undefined) return cached;
    const shortcut = this.gpu.createKernel(fn as unknown as KernelFunction, {
      output,
      constants,
      precision: 'single',
      tactic: 'precision',
      asyncMode: true,
    }) as IKernelRunShortcut;
    this.instances.push(shortcut);
    const cells = output[0] * output[1] * output[2];
    const length = cells * 4;
    const inner = shortcut.kernel as unknown as Record<string, unknown>;
    // webasm: the threaded and the sync path both end in _shapeOutput(data, …); data is a fresh copy.
    inner._shapeOutput = (data: Float32Array) => data;
    let first = true;
    const run: RunKernel = async (...args) => {
      for (const a of [length, ...args.map((arg) => (arg instanceof Float32Array ? arg.length : 0))]) {
        if (a > this.maxValues) {
          throw new RetinaFaceError('UNSUPPORTED', `[${op}] a tensor of ${a} values on the gpu path: gpu.js webasm computes indices in float32, exact up to ${this.maxValues} values`);
        }
      }
      const t0 = first ? performance.now() : 0;
      if (first) this.shareWorkerPool(inner);
      const result = (await (shortcut as unknown as (...a: KernelArg[]) => unknown)(...args)) as unknown;
      if (first) {
        first = false;
        this.compileMs += performance.now() - t0;
        this.checkKernelClass(op, shortcut);
        this.pool ??= (inner._pool as WorkerPool | null | undefined) ?? null;
        // GL: readPixels fills a fresh RGBA float array in cell order; keep it instead of per-pixel views.
        if (typeof inner.formatValues === 'function') inner.formatValues = (array: Float32Array) => array.subarray(0, length);
        this.recycleOutputs(inner);
      }
      return flatOutput(result, length);
    };
    this.kernels.set(key, run);
    return run;
  }

  /**
   * A Float32Array of `length` values, recycled from `give` when one of that length is free
   * (contents then undefined: callers overwrite every value). A fresh typed array costs more than
   * the copy into it: a 1.8 MB result took 1.3–1.5 ms sliced into a new array (zeroed, page-faulted)
   * and 0.2–0.3 ms copied into a reused one (bench/kernels/host-copies.ts), and a 640×640 forward
   * makes 66 MB of results.
   */
  take(length: number): Float32Array {
    const free = this.buffers.get(length);
    const b = free?.pop();
    if (b === undefined) return new Float32Array(length);
    this.pooledValues -= length;
    return b;
  }

  /** Gives `buffer` back for `take`; the caller must hold no other reference to it (nor a view of it). */
  give(buffer: Float32Array): void {
    const n = buffer.length;
    if (n === 0 || buffer.byteOffset !== 0 || buffer.buffer.byteLength !== buffer.byteLength) return;
    if (this.pooledValues + n > MAX_POOLED_VALUES) return;
    let free = this.buffers.get(n);
    if (free === undefined) this.buffers.set(n, (free = []));
    free.push(buffer);
    this.pooledValues += n;
  }

  /**
   * webasm copies each result out of the kernel's shared memory with `f32.slice` (both the sync
   * and the threaded path, gpu.js web-assembly/kernel.js); on that kernel's memory view, `slice`
   * is replaced by a copy into a `take` buffer. Nothing else slices that view.
   */
  private recycleOutputs(inner: Record<string, unknown>): void {
    const f32 = (inner._active as { f32?: Float32Array } | undefined)?.f32;
    if (!(f32 instanceof Float32Array) || Object.hasOwn(f32, 'slice')) return;
    Object.defineProperty(f32, 'slice', {
      value: (begin: number, end: number) => {
        const out = this.take(end - begin);
        out.set(f32.subarray(begin, end));
        return out;
      },
    });
  }

  /**
   * Each webasm kernel would start its own pool of worker threads (two per kernel, ~60 kernels
   * per network); giving them one pool keeps the process at two workers. gpu.js creates the pool
   * lazily on the first threaded run only when `_pool` is unset, and its workers key module
   * instances by a process-wide entry id, so sharing is safe. The pool is the one the first
   * threaded kernel made (taken after its first run), so no gpu.js internal module is imported:
   * the same code runs in Node (worker_threads) and in a cross-origin-isolated page (Workers).
   */
  private shareWorkerPool(inner: Record<string, unknown>): void {
    if (this.pool !== null && '_pool' in inner && inner._pool == null) inner._pool = this.pool;
  }

  private checkKernelClass(op: string, shortcut: IKernelRunShortcut): void {
    const ran = shortcut.kernel.constructor.name;
    this.ran.add(ran);
    if (ran !== this.kernelClass) {
      const reason = (shortcut.kernel as unknown as { fallbackReason?: string }).fallbackReason;
      throw new RetinaFaceError(
        'BACKEND',
        `[${op}] gpu.js mode ${this.mode} ran ${ran}, expected ${this.kernelClass}${reason ? ` (${reason})` : ''}`,
      );
    }
  }

  /** Releases every kernel, texture and worker thread of this device. */
  destroy(): void {
    this.kernels.clear();
    this.buffers.clear();
    this.pooledValues = 0;
    this.gpu.destroy();
    this.pool?.destroy();
    this.pool = null;
  }
}

/** The `Array(4)` kernel result as one flat array of `length` values (cell-major, 4 per cell). */
function flatOutput(result: unknown, length: number): Float32Array {
  if (result instanceof Float32Array && result.length === length) return result;
  // cpu mode: nested arrays of per-pixel Float32Array(4), copied out
  const out = new Float32Array(length);
  let i = 0;
  const walk = (v: unknown): void => {
    if (v instanceof Float32Array) { out.set(v, i); i += v.length; } else for (const e of v as unknown[]) walk(e);
  };
  walk(result);
  if (i !== length) throw new RetinaFaceError('BACKEND', `gpu.js returned ${i} values, expected ${length}`);
  return out;
}
