/**
 * The page's handle on a detector, wherever it runs. The wasm and reference backends run in a Web
 * Worker (web/detect-worker.ts), so the page's main thread only draws; the wasm kernels there use
 * worker threads of their own when the page is cross-origin isolated. gpu.js's modes stay on the
 * page: WebGL2 needs the page's canvas, and gpu.js's WebAssembly mode starts its own workers.
 */
import { RetinaFace, type AnonymizeOptions, type BackendName, type Detection, type ModelBytes, type ModelDescriptor, type RgbImage, type Tensor } from '../src/index.js';
import type { DetectOptions } from '../src/detect/options.js';
import type { WorkerCall, WorkerReply } from './detect-worker.js';

export interface DetectRun {
  detection: Detection;
  /** The heads by name (detect's onHeads): nine, twelve with the mask model. */
  heads: ReadonlyMap<string, Tensor>;
  /** The network input's size. */
  input: { width: number; height: number };
  /** With anonymize options: the picture with every face found removed (detector.anonymize). */
  image?: RgbImage;
}

export interface PageDetector {
  /** Where the network runs: a Web Worker, or the page's main thread. */
  readonly where: 'worker' | 'page';
  /** What the model is (its name, heads and test-script defaults: src/detect/descriptor.ts). */
  readonly descriptor: ModelDescriptor;
  /** Detects; with `anonymize`, also removes the faces found. */
  detect(input: Uint8Array | ImageData, options: DetectOptions, anonymize?: AnonymizeOptions): Promise<DetectRun>;
  dispose(): void;
}

/** A detector for `backend`; `threads` (wasm only) as RetinaFace's option, undefined for its default. */
export function openDetector(files: ModelBytes, backend: BackendName, threads: number | undefined): Promise<PageDetector> {
  return backend === 'wasm' || backend === 'cpu' ? inWorker(files, backend, threads) : onPage(files, backend);
}

async function onPage(files: ModelBytes, backend: BackendName): Promise<PageDetector> {
  const detector = await RetinaFace.fromFiles(files, { backend });
  return {
    where: 'page',
    descriptor: detector.descriptor,
    detect: async (input, options, anonymize) => {
      let run: Omit<DetectRun, 'detection'> = { heads: new Map(), input: { width: 0, height: 0 } };
      const observed = { ...options, onHeads: (heads: ReadonlyMap<string, Tensor>, size: { width: number; height: number }) => (run = { heads, input: size }) };
      if (anonymize === undefined) return { detection: await detector.detect(input, observed), ...run };
      const { image, ...detection } = await detector.anonymize(input, { ...observed, ...anonymize });
      return { detection, ...run, image };
    },
    dispose: () => detector.dispose(),
  };
}

async function inWorker(files: ModelBytes, backend: 'wasm' | 'cpu', threads: number | undefined): Promise<PageDetector> {
  const worker = new Worker(new URL('./detect-worker.ts', import.meta.url), { type: 'module' });
  const pending = new Map<number, { resolve: (r: WorkerReply & { ok: true }) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  worker.onmessage = (e: MessageEvent<WorkerReply>) => {
    const reply = e.data;
    const waiting = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) waiting?.resolve(reply);
    else waiting?.reject(new Error(reply.message));
  };
  worker.onerror = (e) => {
    for (const { reject } of pending.values()) reject(new Error(`detector worker: ${e.message}`));
    pending.clear();
  };
  const call = (request: WorkerCall) =>
    new Promise<WorkerReply & { ok: true }>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...request, id });
    });
  let descriptor: ModelDescriptor;
  try {
    descriptor = (await call({ call: 'open', files, backend, threads })).descriptor!;
  } catch (err) {
    worker.terminate();
    throw err;
  }
  return {
    where: 'worker',
    descriptor,
    detect: async (input, options, anonymize) => {
      const reply = await call({ call: 'detect', input, options, anonymize });
      return { detection: reply.detection!, heads: new Map(reply.heads), input: reply.input!, image: reply.image };
    },
    dispose: () => worker.terminate(),
  };
}
