/**
 * The demo's detector thread: a module Web Worker that owns one RetinaFace (wasm or reference
 * backend) so that the network never runs on the page's main thread, and the page keeps drawing
 * and answering clicks during a detect. Being a worker, it may also block in Atomics.wait, which is
 * what the wasm kernels' own worker threads need (src/ops/wasm/threads.ts): on a cross-origin
 * isolated page its convolutions are split over `threads` Web Workers.
 *
 * Messages (web/detector.ts sends them and reads the replies, matched by `id`):
 *   { id, call: 'open', files, backend, threads }   → { id, ok: true, descriptor }   (the model's, detector.descriptor)
 *   { id, call: 'detect', input, options, anonymize? } → { id, ok: true, detection, heads, input, image? }
 * (with `anonymize`, the detector's anonymize: `image` is the picture with the faces removed)
 * and any failure → { id, ok: false, message }, the engine's one-line message.
 */
import { RetinaFace, type AnonymizeOptions, type Detection, type ModelBytes, type ModelDescriptor, type RgbImage, type Tensor } from '../src/index.js';
import type { DetectOptions } from '../src/detect/options.js';

export type WorkerCall =
  | { call: 'open'; files: ModelBytes; backend: 'wasm' | 'cpu'; threads?: number }
  | { call: 'detect'; input: Uint8Array | ImageData; options: DetectOptions; anonymize?: AnonymizeOptions };

export type WorkerRequest = WorkerCall & { id: number };

export type WorkerReply =
  | { id: number; ok: true; descriptor?: ModelDescriptor; detection?: Detection; heads?: [string, Tensor][]; input?: { width: number; height: number }; image?: RgbImage }
  | { id: number; ok: false; message: string };

const scope = globalThis as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(reply: WorkerReply): void;
};

let detector: Promise<RetinaFace> | undefined;

async function answer(request: WorkerRequest): Promise<WorkerReply> {
  if (request.call === 'open') {
    void detector?.then((d) => d.dispose(), () => {});
    detector = RetinaFace.fromFiles(request.files, { backend: request.backend, threads: request.threads });
    return { id: request.id, ok: true, descriptor: (await detector).descriptor };
  }
  if (detector === undefined) throw new Error('detect before open');
  let heads: [string, Tensor][] = [];
  let input = { width: 0, height: 0 };
  const options = { ...request.options, onHeads: (h: ReadonlyMap<string, Tensor>, size: { width: number; height: number }) => { heads = [...h]; input = size; } };
  if (request.anonymize === undefined) return { id: request.id, ok: true, detection: await (await detector).detect(request.input, options), heads, input };
  const { image, ...detection } = await (await detector).anonymize(request.input, { ...options, ...request.anonymize });
  return { id: request.id, ok: true, detection, heads, input, image };
}

scope.onmessage = (e) => {
  answer(e.data).then(
    // copied, not transferred: the heads are small, and a view may share its buffer with another head
    (reply) => scope.postMessage(reply),
    (err: unknown) => scope.postMessage({ id: e.data.id, ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
};
