/**
 * The library's front door: `RetinaFace.load({ model, backend })` reads and checks the weights once,
 * then `detector.detect(input, options)` runs the original's `RetinaFace.detect` (detect.ts) on a
 * file path, JPEG/PNG bytes or raw pixels and returns the faces in original-image pixels.
 *
 * Backends: 'cpu' is the reference path (the textbook kernels in src/ops, unfused plan); 'wasm',
 * the default, runs hand-written WebAssembly SIMD kernels (ops/wasm) on the fused plan, in Node,
 * browsers and edge workers alike; 'gpujs' is gpu.js's own choice of kernel class (HeadlessGLKernel
 * where the native `gl` build and an X display exist, WebAssemblyKernel otherwise) on the fused
 * plan; 'gpujs-webasm' and 'gpujs-headlessgl' force one; 'gpujs-webgl2' is a browser's WebGL2
 * (WebGL2Kernel). The old names ('gpu', 'webasm', 'headlessgl', 'webgl2') are still accepted. The
 * detection reports which backend and which kernel actually ran.
 *
 * In a browser, `RetinaFace.fromFiles({ symbol, params })` (or `{ safetensors }`) builds the
 * detector from bytes, and detect takes bytes or pixels. Nothing this file imports reads the file
 * system: `load` imports the path-finding loader (weights/load.ts, node:fs) only when called, and
 * a path given to detect is read through weights/read-file.ts.
 *
 * `detector.anonymize(input, options)` detects, then blurs, pixelates or fills every face found
 * (anonymize/anonymize.ts) and returns the detection with the new pixels.
 *
 * A detector serves one detect() or anonymize() at a time: calls made while one runs wait their turn, so parallel
 * callers get exactly what sequential ones would (the gpu backend holds per-plan state).
 *
 * A file or bytes given to detect() or anonymize() are decoded into one buffer the detector keeps
 * from call to call (`decodeBuffer`): a pipeline over a photo archive decodes photo after photo, and a
 * new buffer of a 14.8 MP photo's 44 MB costs ~140 ms of first-touch page faults each time (see
 * BENCHMARKS.md, issue 11). That picture never leaves the call: the network gets it resized, the
 * aligned crops (`align`) are new arrays, and anonymize draws on a copy, inside the same turn. The
 * buffer is the largest picture decoded so far (grown, never shrunk; at most 3 × maxPixels bytes,
 * 150 MB by default), released by dispose(). Raw pixels are used in place as before.
 */
import { anonymize, resolveAnonymizeOptions, type AnonymizeOptions } from '../anonymize/anonymize.js';
import { RetinaFaceError } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { resizeGeometry } from '../image/resize.js';
import { growingBuffer, type RgbImage } from '../image/rgb-image.js';
import { forward, kernelSummary, type NodeRun } from '../net/forward.js';
import type { Tensor } from '../tensor/tensor.js';
import type { PictureInput } from '../ops/backend.js';
import { modelFromBytes, type ModelBytes } from '../weights/from-bytes.js';
import type { Model } from '../weights/model.js';
import { chooseScales, detectFaces, type Face } from './detect.js';
import { BACKEND_NAMES, backendNamed, createEngine, DEFAULT_BACKEND, type BackendAlias, type BackendName, type Engine } from './engine.js';
import { resolveOptions, type DetectOptions } from './options.js';
import { describeModel, type ModelDescriptor } from './descriptor.js';
import { MAX_THREADS } from '../ops/wasm/thread-limit.js';
import { toImage, type ImageInput, type ImageOptions } from './image-input.js';
import { alignFaces } from './align-face.js';
import { checkCropSize } from '../align/face-align.js';

export { BACKEND_NAMES, type BackendAlias, type BackendName };

export type { ModelBytes };
export type { ImageInput, ImageOptions, RawPixels } from './image-input.js';

export interface FromFilesOptions {
  /** Default 'wasm'. */
  backend?: BackendName | BackendAlias;
  /**
   * How to decode the model (descriptor.ts): a built-in's name ('mnet.25', 'mnet_cov2') or a
   * descriptor of one's own. Default: the built-in whose symbol checksum the model has.
   */
  descriptor?: ModelDescriptor | string;
  /** wasm: threads to split the convolutions over; default the cores, at most 4, in Node and in a browser worker of a cross-origin isolated page; 1 elsewhere (ops/wasm/threads.ts). */
  threads?: number;
}

export interface LoadOptions extends FromFilesOptions {
  /** Model directory or file (see weights/load.ts); default: $RETINAFACE_MODEL, then the bundled models/mnet.25; a bundled model's bare name ('mnet.25') picks it. */
  model?: string;
}



/** Watching detect at work (the browser demo draws the per-stride face probabilities from it). */
export interface DetectObserver {
  /** Called after each forward pass with the heads by name (nine, twelve with a mask model) and the (1, 3, H, W) input's H and W. */
  onHeads?: (heads: ReadonlyMap<string, Tensor>, input: { height: number; width: number }) => void;
}

export interface AlignOption {
  /** Also crop each face aligned by its landmarks, this many pixels square (a multiple of 112 or 128): `face.aligned`. */
  align?: number;
}

export interface Detection {
  /** The original image's size (after EXIF orientation). */
  width: number;
  height: number;
  faces: Face[];
  /** The backend that ran. */
  backend: 'cpu' | 'wasm' | 'gpujs';
  /**
   * What ran (net/forward.ts kernelSummary): 'reference' on cpu; 'wasm-simd128' on wasm, with the
   * ops it left to the reference ('wasm-simd128 + reference Reshape'); the gpu.js kernel
   * class on gpujs ("WebAssemblyKernel", "HeadlessGLKernel", "WebGL2Kernel").
   */
  kernel: string;
}

/** What anonymize returns: the detection, and the picture with every face found anonymized. */
export interface Anonymized extends Detection {
  /** The input's pixels (EXIF orientation applied unless `exif: false`) with each face's region anonymized. */
  image: RgbImage;
}

/**
 * The path loader (weights/load.ts: node:fs, node:path), imported by `load` when called. Its
 * specifier is a variable so that a bundler building for the browser does not follow it.
 */
const PATH_LOADER = '../weights/load.js';

export class RetinaFace {
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;
  /** The buffer files and bytes are decoded into, kept from call to call (see the file's comment). */
  private decodeBuffer = growingBuffer();

  private constructor(
    readonly model: Model,
    /** What the model is and its test script's defaults (descriptor.ts). */
    readonly descriptor: ModelDescriptor,
    private readonly engine: Engine,
  ) {}

  /** The model found on disk (Node.js only; see LoadOptions.model), read and checked. */
  static async load(options: LoadOptions = {}): Promise<RetinaFace> {
    const backend = checkedBackend(options.backend);
    const threads = checkedThreads(options.threads);
    const { loadModel } = (await import(/* @vite-ignore */ PATH_LOADER)) as typeof import('../weights/load.js');
    const model = await loadModel(options.model);
    const descriptor = describeModel(model, options.descriptor);
    return new RetinaFace(model, descriptor, await createEngine(backend, { threads }));
  }

  /** The model from its files' bytes (MXNet symbol text + .params bytes, or one .safetensors), checked as `load` does. */
  static async fromFiles(files: ModelBytes, options: FromFilesOptions = {}): Promise<RetinaFace> {
    const backend = checkedBackend(options.backend);
    const threads = checkedThreads(options.threads);
    const model = modelFromBytes(files);
    const descriptor = describeModel(model, options.descriptor);
    return new RetinaFace(model, descriptor, await createEngine(backend, { threads }));
  }

  /** Faces in `input`; see DetectOptions for the knobs; their defaults are the model's (`descriptor.defaults`). */
  async detect(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver & AlignOption = {}): Promise<Detection> {
    return this.inTurn(input, options, (detection) => detection);
  }

  /** Faces in `input`, and its pixels with every face blurred, pixelated or filled (see AnonymizeOptions). */
  async anonymize(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver & AlignOption & AnonymizeOptions = {}): Promise<Anonymized> {
    resolveAnonymizeOptions(options);
    // in the turn: the next call decodes into the picture's buffer
    return this.inTurn(input, options, (detection, image) => ({ ...detection, image: anonymize(image, detection.faces, options) }));
  }

  /** Releases the gpu.js kernels and worker threads; the detector cannot be used afterwards. */
  dispose(): void {
    this.destroyed = true;
    this.decodeBuffer = growingBuffer();  // lets the last picture's buffer go
    this.engine.destroy();
  }

  /** detectNow, then `finish` with its detection and picture, once the calls before it have finished. */
  private inTurn<T>(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver & AlignOption, finish: (detection: Detection, image: RgbImage) => T): Promise<T> {
    const run = this.queue.then(async () => {
      const { detection, image } = await this.detectNow(input, options);
      return finish(detection, image);
    });
    this.queue = run.catch(() => {});
    return run;
  }

  private async detectNow(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver & AlignOption): Promise<{ detection: Detection; image: RgbImage }> {
    if (this.destroyed) throw new RetinaFaceError('OPTION', 'detect: this detector was disposed');
    const o = resolveOptions(options, this.descriptor.defaults);
    const align = options.align === undefined ? undefined : checkCropSize('align', options.align);
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    const image = toImage(input, { exif: options.exif, maxPixels, output: this.decodeBuffer });
    for (const scale of chooseScales(image.height, image.width, o)) {
      const { DW, DH } = resizeGeometry(image.width, image.height, { fx: scale, fy: scale });
      if (DW * DH > maxPixels) {
        throw new RetinaFaceError('OPTION', `scale ${scale}: the ${image.width}x${image.height} image would become ${DW}x${DH}, over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
      }
    }
    const traces: NodeRun[] = [];
    const runNetwork = async (x: PictureInput) => {
      const plan = this.engine.plan(this.model, x.shape[2], x.shape[3]);
      const { heads, trace } = await forward(plan, x, { backend: this.engine.backend });
      traces.push(...trace);
      options.onHeads?.(heads, { height: x.shape[2], width: x.shape[3] });
      return heads;
    };
    const found = await detectFaces(runNetwork, image, o, this.descriptor);
    const faces = align === undefined ? found : alignFaces(image, found, align);
    return { detection: { width: image.width, height: image.height, faces, backend: this.engine.name, kernel: kernelSummary(traces) }, image };
  }
}

function checkedBackend(name: string = DEFAULT_BACKEND): BackendName {
  const backend = backendNamed(name);
  if (backend === undefined) {
    throw new RetinaFaceError('OPTION', `option backend: ${JSON.stringify(name)} is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  return backend;
}

function checkedThreads(threads: number | undefined): number | undefined {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new RetinaFaceError('OPTION', `option threads: ${JSON.stringify(threads)} is not a whole number from 1 to ${MAX_THREADS}`);
  }
  return threads;
}
