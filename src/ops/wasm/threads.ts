/**
 * More cores for the wasm kernels, in Node: worker threads that instantiate the same module over
 * the same shared memory, and `split`, which runs one kernel call as contiguous ranges of output
 * channels (or channel blocks) — one range on the calling thread, one on each worker — and
 * returns when all are done. Every output value is computed by the same instructions whichever
 * thread computes it, so the result is bit for bit the single-threaded one.
 *
 * The threads talk through control words in the memory's first bytes (memory.ts CONTROL_BYTES),
 * one slot of SLOT ints per worker: [state, call count, then per call: kernel index, argument
 * count, arguments…; at the end ready, error]. A job is a short list of calls on one range (a
 * convolution, then zeroBorder on the same output planes), so each range costs one wake-up.
 * The caller writes a job and sets state 1; the worker, blocked in Atomics.wait while state is 0,
 * runs it, sets state back to 0 and notifies. Node lets its main thread wait too; a browser does
 * not, so there the kernels run on the calling thread alone (as in edge workers). A worker that is
 * not ready yet (starting takes tens of ms) has its range run by the caller instead.
 */
import { RetinaFaceError } from '../../errors.js';
import { KERNEL_NAMES, kernelModule, type WasmKernels } from './kernels.js';
import { CONTROL_BYTES, type WasmMemory } from './memory.js';

export interface KernelThreads {
  /** Threads that run kernels, the calling one included. */
  readonly count: number;
  /** Ranges run on worker threads so far (the rest ran on the caller). */
  readonly workerRuns: number;
  /**
   * For ranges [from, from + n) that cover 0..total, one per thread: each call's
   * kernels[name](...args(from, n)), in order.
   */
  split(total: number, calls: readonly KernelCall[]): void;
  destroy(): void;
}

/** One kernel and its arguments for a range. */
export type KernelCall = readonly [name: keyof WasmKernels, args: (from: number, n: number) => number[]];

const SLOT = 32;
const READY = 30;
const ERROR = 31;
/** No kernel call of a forward pass takes a second; a worker silent this long is gone. */
const TIMEOUT_MS = 60_000;

/** What a worker runs (CommonJS, `eval`): instantiate, flag ready, then serve its slot until told to stop. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, base, names } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
Atomics.store(ctrl, base + ${READY}, 1);
for (;;) {
  Atomics.wait(ctrl, base, 0);
  if (Atomics.load(ctrl, base) === 2) break;
  try {
    for (let call = 0, at = base + 2; call < ctrl[base + 1]; call++) {
      const argc = ctrl[at + 1];
      kernels[names[ctrl[at]]](...Array.from(ctrl.subarray(at + 2, at + 2 + argc)));
      at += 2 + argc;
    }
    ctrl[base + ${ERROR}] = 0;
  } catch (e) {
    ctrl[base + ${ERROR}] = 1;
  }
  Atomics.store(ctrl, base, 0);
  Atomics.notify(ctrl, base);
}
`;

interface NodeWorker { unref(): void; terminate(): Promise<number> }
type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** Node's worker_threads, or null where there is none (browsers, edge workers). */
function workerThreads(): { Worker: WorkerConstructor } | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (p?.getBuiltinModule?.('node:worker_threads') as { Worker: WorkerConstructor } | undefined) ?? null;
}

/** The threads this machine offers kernels by default: its cores, at most 4, in Node; 1 elsewhere. */
export function defaultThreadCount(): number {
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:os') as
    | { availableParallelism(): number }
    | undefined;
  return workerThreads() === null || os === undefined ? 1 : Math.max(1, Math.min(4, os.availableParallelism()));
}

/** `count` threads over `memory` (shared when count > 1); count 1 runs everything on the caller. */
export function startThreads(memory: WasmMemory, kernels: WasmKernels, count: number): KernelThreads {
  const api = count > 1 ? workerThreads() : null;
  if (api === null || !memory.shared) {
    const split = (total: number, calls: readonly KernelCall[]) => {
      for (const [name, args] of calls) kernels[name](...args(0, total));
    };
    return { count: 1, workerRuns: 0, split, destroy: () => {} };
  }
  const workerCount = Math.min(count - 1, CONTROL_BYTES / 4 / SLOT);
  const ctrl = new Int32Array(memory.memory.buffer, 0, CONTROL_BYTES / 4);
  const module = kernelModule(true);
  const workers: NodeWorker[] = [];
  let workerRuns = 0;
  for (let w = 0; w < workerCount; w++) {
    const worker = new api.Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory: memory.memory, base: w * SLOT, names: KERNEL_NAMES } });
    // a worker blocked in Atomics.wait must not keep the process alive
    worker.unref();
    workers.push(worker);
  }

  const runHere = (calls: readonly KernelCall[], from: number, n: number) => {
    for (const [name, args] of calls) kernels[name](...args(from, n));
  };
  const split: KernelThreads['split'] = (total, calls) => {
    const threads = Math.min(workerCount + 1, total);
    const posted: number[] = [];
    let from = Math.ceil(total / threads);
    const own = from;
    for (let w = 0; w < threads - 1; w++) {
      const n = Math.ceil((total - from) / (threads - 1 - w));
      const base = w * SLOT;
      if (Atomics.load(ctrl, base + READY) === 1) {
        let at = base + 2;
        for (const [name, args] of calls) {
          const a = args(from, n);
          ctrl[at] = KERNEL_NAMES.indexOf(name);
          ctrl[at + 1] = a.length;
          ctrl.set(a, at + 2);
          at += 2 + a.length;
        }
        ctrl[base + 1] = calls.length;
        Atomics.store(ctrl, base, 1);
        Atomics.notify(ctrl, base);
        posted.push(base);
        workerRuns++;
      } else {
        runHere(calls, from, n);
      }
      from += n;
    }
    runHere(calls, 0, own);
    for (const base of posted) {
      while (Atomics.load(ctrl, base) === 1) {
        if (Atomics.wait(ctrl, base, 1, TIMEOUT_MS) === 'timed-out') {
          throw new RetinaFaceError('BACKEND', `wasm backend: worker thread ${base / SLOT + 1} did not finish ${calls[0][0]} within ${TIMEOUT_MS / 1000} s`);
        }
      }
      if (ctrl[base + ERROR] !== 0) throw new RetinaFaceError('BACKEND', `wasm backend: ${calls.map(([name]) => name).join(' + ')} failed on worker thread ${base / SLOT + 1}`);
    }
  };

  return {
    count: workerCount + 1,
    get workerRuns() {
      return workerRuns;
    },
    split,
    destroy: () => {
      for (let w = 0; w < workerCount; w++) {
        Atomics.store(ctrl, w * SLOT, 2);
        Atomics.notify(ctrl, w * SLOT);
      }
      for (const worker of workers) void worker.terminate();
    },
  };
}
