/**
 * More cores for the wasm kernels, in Node: worker threads that instantiate the same module over
 * the same shared memory, and `split`, which runs a kernel call over 0..total output channels (or
 * channel blocks, or bands of rows) in chunks that the calling thread and the workers take in turn from a shared
 * counter, returning when all are done. Every output value is computed by the same instructions
 * whichever thread computes it, so the result is bit for bit the single-threaded one; taking
 * chunks instead of fixed halves keeps a thread that started late or runs slower from holding the
 * others up.
 *
 * The threads talk through control words in the memory's first bytes (memory.ts CONTROL_BYTES):
 * per worker a slot [state, ready, error, -], then one job: [call count, total, chunk, next
 * chunk, then per call: kernel index, argument count, and per argument its value at range (0, 0),
 * its step per unit of `from` and per unit of `n`]. Every call's arguments are affine in the range
 * (offsets grow with `from`, one count is `n`), so a worker computes its own from these. A job is
 * a short list of calls (a convolution, then zeroBorder on the same output planes).
 *
 * The caller writes the job and sets each ready worker's state to 1 (offered); a worker, polling
 * (SPIN) and then blocked in Atomics.wait while its state is 0, claims the job by turning 1 into
 * 3, takes chunks until none is left, sets its state back to 0 and notifies. When the caller has
 * run out of chunks it withdraws the offer from a worker that has not claimed it yet (1 → 0) and
 * waits only for those that did: a worker the OS has not scheduled since the offer (the other
 * core busy with another process) no longer holds up every node for a scheduler latency. A
 * worker not ready yet (starting takes tens of ms) is simply not woken.
 *
 * Where the threads come from: in Node, worker_threads (the main thread may wait too). In a
 * browser, Web Workers started from a Blob URL and handed the module and memory by postMessage;
 * that needs a cross-origin isolated page (a shared WebAssembly.Memory is a SharedArrayBuffer) and
 * a caller that may block in Atomics.wait, which a page's main thread may not: the caller must
 * itself be a worker (the demo runs the detector in one, web/detect-worker.ts). Anywhere else
 * (a page's main thread, edge workers) the kernels run on the calling thread alone.
 */
import { RetinaFaceError } from '../../errors.js';
import { KERNEL_NAMES, kernelModule, type WasmKernels } from './kernels.js';
import { CONTROL_BYTES, type WasmMemory } from './memory.js';
import { MAX_WORKERS } from './thread-limit.js';

export interface KernelThreads {
  /** Threads that run kernels, the calling one included. */
  readonly count: number;
  /** Chunks run on worker threads so far (the rest ran on the caller). */
  readonly workerRuns: number;
  /**
   * Over ranges [from, from + n) that cover 0..total, each call's kernels[name](...args(from, n)),
   * in order per range; no range longer than `maxChunk` (Winograd's bands of tiles stay in cache).
   * `work`, the job's multiply-adds (or floats moved): below SMALL_JOB the caller runs it alone.
   */
  split(total: number, calls: readonly KernelCall[], maxChunk?: number, work?: number): void;
  destroy(): void;
}

/** One kernel and its arguments for a range; they must be affine in `from` and `n`. */
export type KernelCall = readonly [name: keyof WasmKernels, args: (from: number, n: number) => number[]];

/** Worker slots: 4 ints each, at most MAX_WORKERS (thread-limit.ts); the job follows them. */
const SLOT = 4;
const STATE = 0;
/** A worker's state while it runs a job it claimed (0 idle, 1 offered a job, 2 told to stop). */
const CLAIMED = 3;
const READY = 1;
const ERROR = 2;
const JOB = SLOT * MAX_WORKERS;
const [CALLS, TOTAL, CHUNK, NEXT] = [JOB, JOB + 1, JOB + 2, JOB + 3];
const JOB_CALLS = JOB + 4;
/** Chunks per thread and kernel call: small enough to balance, few enough to cost nothing. */
const CHUNKS_PER_THREAD = 4;
/** No kernel call of a forward pass takes a second; a worker silent this long is gone. */
const TIMEOUT_MS = 60_000;
/**
 * Polls of a control word before sleeping on it in Atomics.wait (some tens of µs): a forward
 * pass hands the threads a job per node, one after the other, and a futex wake-up costs about as
 * much as a small node's whole share, so a thread that keeps looking briefly catches the next job
 * (or the end of this one) without being woken.
 */
const SPIN = 1 << 14;
/**
 * A job of fewer multiply-adds than this (a few tens of µs on one thread) runs on the calling
 * thread alone: the caller would wait for a sleeping worker's wake-up, which made the small layers
 * of a 640² forward (the 20² and 40² heads and SSH context layers, relu and add) up to twice as
 * slow on two threads as on one (BENCHMARKS.md). The same instructions compute each output, so
 * the bits do not depend on it.
 */
const SMALL_JOB = 1 << 20;

/**
 * What a worker runs: `serve(data)` instantiates the module, flags ready, then takes chunks of each
 * job until told to stop. Node starts it with workerData (CommonJS, `eval`), a browser with the
 * first message.
 */
const SERVE_SOURCE = `
function serve({ module, memory, base, names }) {
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ctrl = new Int32Array(memory.buffer, 0, ${CONTROL_BYTES / 4});
Atomics.store(ctrl, base + ${READY}, 1);
for (;;) {
  for (let spin = 0; spin < ${SPIN} && Atomics.load(ctrl, base + ${STATE}) === 0; spin++);
  Atomics.wait(ctrl, base + ${STATE}, 0);
  if (Atomics.load(ctrl, base + ${STATE}) === 2) break;
  // claim the job, unless the caller withdrew it (its chunks all taken)
  if (Atomics.compareExchange(ctrl, base + ${STATE}, 1, ${CLAIMED}) !== 1) continue;
  try {
    const total = ctrl[${TOTAL}];
    const chunk = ctrl[${CHUNK}];
    for (let from = Atomics.add(ctrl, ${NEXT}, chunk); from < total; from = Atomics.add(ctrl, ${NEXT}, chunk)) {
      const n = Math.min(chunk, total - from);
      for (let call = 0, at = ${JOB_CALLS}; call < ctrl[${CALLS}]; call++) {
        const argc = ctrl[at + 1];
        const args = new Array(argc);
        for (let k = 0; k < argc; k++) args[k] = ctrl[at + 2 + 3 * k] + from * ctrl[at + 3 + 3 * k] + n * ctrl[at + 4 + 3 * k];
        kernels[names[ctrl[at]]](...args);
        at += 2 + 3 * argc;
      }
    }
    ctrl[base + ${ERROR}] = 0;
  } catch (e) {
    ctrl[base + ${ERROR}] = 1;
  }
  Atomics.store(ctrl, base + ${STATE}, 0);
  Atomics.notify(ctrl, base + ${STATE});
}
}
`;
const NODE_WORKER_SOURCE = `${SERVE_SOURCE}serve(require('node:worker_threads').workerData);`;
const BROWSER_WORKER_SOURCE = `${SERVE_SOURCE}onmessage = (e) => serve(e.data);`;

/** What a worker is started with (SERVE_SOURCE's `serve`). */
interface WorkerData { module: WebAssembly.Module; memory: WebAssembly.Memory; base: number; names: readonly string[] }
/** Starts one kernel worker; returns how to stop it. */
type SpawnWorker = (data: WorkerData) => { terminate(): void };

interface NodeWorker { unref(): void; terminate(): Promise<number> }
type NodeWorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

type NodeProcess = { getBuiltinModule?: (id: string) => unknown };
const nodeProcess = (globalThis as { process?: NodeProcess }).process;

interface BrowserScope {
  crossOriginIsolated?: boolean;
  WorkerGlobalScope?: unknown;
  Worker?: new (url: string) => { postMessage(data: unknown): void; terminate(): void };
  navigator?: { hardwareConcurrency?: number };
}
const browser = globalThis as BrowserScope;

/** The Blob URL of BROWSER_WORKER_SOURCE, made once. */
let browserWorkerUrl: string | undefined;

/**
 * How to start kernel workers here, or null where they cannot run: Node's worker_threads; a
 * browser's Web Workers when the page is cross-origin isolated and this code runs in a worker
 * (only a worker may block in Atomics.wait); nothing in edge workers.
 */
function workerSpawner(): SpawnWorker | null {
  const node = nodeProcess?.getBuiltinModule?.('node:worker_threads') as { Worker: NodeWorkerConstructor } | undefined;
  if (node !== undefined) {
    return (workerData) => {
      const worker = new node.Worker(NODE_WORKER_SOURCE, { eval: true, workerData });
      // a worker blocked in Atomics.wait must not keep the process alive
      worker.unref();
      return { terminate: () => void worker.terminate() };
    };
  }
  const WebWorker = browser.Worker;
  if (WebWorker === undefined || browser.crossOriginIsolated !== true || browser.WorkerGlobalScope === undefined) return null;
  return (workerData) => {
    browserWorkerUrl ??= URL.createObjectURL(new Blob([BROWSER_WORKER_SOURCE], { type: 'text/javascript' }));
    const worker = new WebWorker(browserWorkerUrl);
    worker.postMessage(workerData);
    return worker;
  };
}

/** Whether `startThreads` can run more than one thread here (see workerSpawner). */
export function threadsAvailable(): boolean {
  return workerSpawner() !== null;
}

/** The threads this machine offers kernels by default: its cores, at most 4, where workers can run (threadsAvailable); 1 elsewhere. */
export function defaultThreadCount(): number {
  if (!threadsAvailable()) return 1;
  const os = nodeProcess?.getBuiltinModule?.('node:os') as { availableParallelism(): number } | undefined;
  const cores = os?.availableParallelism() ?? browser.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores));
}

/** `count` threads over `memory` (shared when count > 1); count 1 runs everything on the caller. */
export function startThreads(memory: WasmMemory, kernels: WasmKernels, count: number): KernelThreads {
  const runHere = (calls: readonly KernelCall[], from: number, n: number) => {
    for (const [name, args] of calls) kernels[name](...args(from, n));
  };
  const runAllHere = (total: number, calls: readonly KernelCall[], maxChunk = total) => {
    for (let from = 0; from < total; from += maxChunk) runHere(calls, from, Math.min(maxChunk, total - from));
  };
  const spawn = count > 1 ? workerSpawner() : null;
  if (spawn === null || !memory.shared) {
    return { count: 1, workerRuns: 0, split: runAllHere, destroy: () => {} };
  }
  const workerCount = Math.min(count - 1, MAX_WORKERS);
  const ctrl = new Int32Array(memory.memory.buffer, 0, CONTROL_BYTES / 4);
  const module = kernelModule(true);
  const workers = Array.from({ length: workerCount }, (_, w) => spawn({ module, memory: memory.memory, base: w * SLOT, names: KERNEL_NAMES }));
  let workerRuns = 0;

  /** Writes the calls as [index, argc, (value at (0,0), step per from, step per n) per argument]. */
  const writeJob = (calls: readonly KernelCall[]) => {
    let at = JOB_CALLS;
    for (const [name, args] of calls) {
      const base = args(0, 0);
      const perFrom = args(1, 0);
      const perN = args(0, 1);
      const probe = args(2, 3);
      if (at + 2 + 3 * base.length > CONTROL_BYTES / 4) throw new RetinaFaceError('BACKEND', `wasm backend: the job for ${name} does not fit the control words`);
      ctrl[at] = KERNEL_NAMES.indexOf(name);
      ctrl[at + 1] = base.length;
      for (let k = 0; k < base.length; k++) {
        const [b, f, n] = [base[k], perFrom[k] - base[k], perN[k] - base[k]];
        if (probe[k] !== b + 2 * f + 3 * n) throw new RetinaFaceError('BACKEND', `wasm backend: argument ${k} of ${name} is not affine in the range`);
        ctrl[at + 2 + 3 * k] = b;
        ctrl[at + 3 + 3 * k] = f;
        ctrl[at + 4 + 3 * k] = n;
      }
      at += 2 + 3 * base.length;
    }
    ctrl[CALLS] = calls.length;
  };

  const split: KernelThreads['split'] = (total, calls, maxChunk = total, work = Infinity) => {
    const woken: number[] = [];
    for (let w = 0; w < workerCount; w++) if (Atomics.load(ctrl, w * SLOT + READY) === 1) woken.push(w * SLOT);
    if (woken.length === 0 || total < 2 || work < SMALL_JOB) return runAllHere(total, calls, maxChunk);
    const chunk = Math.max(1, Math.min(maxChunk, Math.floor(total / ((woken.length + 1) * CHUNKS_PER_THREAD))));
    writeJob(calls);
    ctrl[TOTAL] = total;
    ctrl[CHUNK] = chunk;
    Atomics.store(ctrl, NEXT, 0);
    for (const base of woken) {
      Atomics.store(ctrl, base + STATE, 1);
      Atomics.notify(ctrl, base + STATE);
    }
    let mine = 0;
    for (let from = Atomics.add(ctrl, NEXT, chunk); from < total; from = Atomics.add(ctrl, NEXT, chunk)) {
      runHere(calls, from, Math.min(chunk, total - from));
      mine++;
    }
    for (const base of woken) {
      // withdraw the offer from a worker that has not claimed it; wait for one that has
      if (Atomics.compareExchange(ctrl, base + STATE, 1, 0) === 1) continue;
      for (let spin = 0; spin < SPIN && Atomics.load(ctrl, base + STATE) === CLAIMED; spin++);
      while (Atomics.load(ctrl, base + STATE) === CLAIMED) {
        if (Atomics.wait(ctrl, base + STATE, CLAIMED, TIMEOUT_MS) === 'timed-out') {
          throw new RetinaFaceError('BACKEND', `wasm backend: worker thread ${base / SLOT + 1} did not finish ${calls[0][0]} within ${TIMEOUT_MS / 1000} s`);
        }
      }
      if (ctrl[base + ERROR] !== 0) throw new RetinaFaceError('BACKEND', `wasm backend: ${calls.map(([name]) => name).join(' + ')} failed on worker thread ${base / SLOT + 1}`);
    }
    workerRuns += Math.ceil(total / chunk) - mine;
  };

  return {
    count: workerCount + 1,
    get workerRuns() {
      return workerRuns;
    },
    split,
    destroy: () => {
      for (let w = 0; w < workerCount; w++) {
        Atomics.store(ctrl, w * SLOT + STATE, 2);
        Atomics.notify(ctrl, w * SLOT + STATE);
      }
      for (const worker of workers) worker.terminate();
    },
  };
}
