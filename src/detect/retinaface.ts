/**
 * The library's front door: `RetinaFace.load({ model, backend })` reads and checks the weights once,
 * then `detector.detect(input, options)` runs the original's `RetinaFace.detect` (detect.ts) on a
 * file path, JPEG/PNG bytes or raw pixels and returns the faces in original-image pixels.
 *
 * Backends: 'cpu' is the reference path (the textbook kernels in src/ops, unfused plan); 'wasm',
 * the default, runs hand-written WebAssembly SIMD kernels (ops/wasm) on the fused plan, in Node,
 * browsers and edge workers alike; 'gpu' is gpu.js's own choice of kernel class (HeadlessGLKernel
 * where the native `gl` build and an X display exist, WebAssemblyKernel otherwise) on the fused
 * plan; 'webasm' and 'headlessgl' force one; 'webgl2' is a browser's WebGL2 (WebGL2Kernel). The
 * detection reports which backend and which kernel actually ran.
 *
 * In a browser, `RetinaFace.fromFiles({ symbol, params })` (or `{ safetensors }`) builds the
 * detector from bytes, and detect takes bytes or pixels. Nothing this file imports reads the file
 * system: `load` imports the path-finding loader (weights/load.ts, node:fs) only when called, and
 * a path given to detect is read through weights/read-file.ts.
 *
 * A detector serves one detect() at a time: calls made while one runs wait their turn, so parallel
 * callers get exactly what sequential ones would (the gpu backend holds per-plan state).
 */
import { RetinaFaceError } from '../errors.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { resizeGeometry } from '../image/resize.js';
import type { RgbImage } from '../image/rgb-image.js';
import { forward } from '../net/forward.js';
import type { Tensor } from '../tensor/tensor.js';
import { modelFromBytes, type ModelBytes } from '../weights/from-bytes.js';
import type { Model } from '../weights/model.js';
import { readFileChecked } from '../read-file.js';
import { chooseScales, detectFaces, type Face } from './detect.js';
import { BACKEND_NAMES, createEngine, DEFAULT_BACKEND, type BackendName, type Engine } from './engine.js';
import { resolveOptions, type DetectOptions } from './options.js';
import { describeModel, type ModelDescriptor } from './descriptor.js';
import { MAX_THREADS } from '../ops/wasm/threads.js';

export { BACKEND_NAMES, type BackendName };

export type { ModelBytes };

export interface FromFilesOptions {
  /** Default 'wasm'. */
  backend?: BackendName;
  /**
   * How to decode the model (descriptor.ts): a built-in's name ('mnet.25', 'mnet_cov2') or a
   * descriptor of one's own. Default: the built-in whose symbol checksum the model has.
   */
  descriptor?: ModelDescriptor | string;
  /** wasm: threads to split the convolutions over; default the cores, at most 4, in Node (1 in a browser). */
  threads?: number;
}

export interface LoadOptions extends FromFilesOptions {
  /** Model directory or file (see weights/load.ts); default: $RETINAFACE_MODEL, then the bundled models/mnet.25; a bundled model's bare name ('mnet.25') picks it. */
  model?: string;
}

/** Raw pixels, row-major, interleaved RGB or RGBA (alpha ignored); a browser ImageData fits. */
export interface RawPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 3 or 4; default: data.length / (width·height). */
  channels?: 3 | 4;
}

/** A file path, the bytes of a JPEG or PNG, or raw pixels. */
export type ImageInput = string | Uint8Array | RawPixels;

export interface ImageOptions {
  /** Apply the EXIF orientation of a JPEG (default true, as cv2.imread does). */
  exif?: boolean;
  /** Refuse images (decoded, or scaled for the network) over this many pixels; default 50e6. */
  maxPixels?: number;
}

/** Watching detect at work (the browser demo draws the per-stride face probabilities from it). */
export interface DetectObserver {
  /** Called after each forward pass with the heads by name (nine, twelve with a mask model) and the (1, 3, H, W) input's H and W. */
  onHeads?: (heads: ReadonlyMap<string, Tensor>, input: { height: number; width: number }) => void;
}

export interface Detection {
  /** The original image's size (after EXIF orientation). */
  width: number;
  height: number;
  faces: Face[];
  /** The backend that ran. */
  backend: 'cpu' | 'wasm' | 'gpu';
  /** 'reference' on cpu, 'wasm-simd128' on wasm; the gpu.js kernel class on gpu ("WebAssemblyKernel", "HeadlessGLKernel", "WebGL2Kernel"). */
  kernel: string;
}

/**
 * The path loader (weights/load.ts: node:fs, node:path), imported by `load` when called. Its
 * specifier is a variable so that a bundler building for the browser does not follow it.
 */
const PATH_LOADER = '../weights/load.js';

export class RetinaFace {
  private queue: Promise<unknown> = Promise.resolve();
  private destroyed = false;

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
  detect(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver = {}): Promise<Detection> {
    const run = this.queue.then(() => this.detectNow(input, options));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Releases the gpu.js kernels and worker threads; the detector cannot be used afterwards. */
  dispose(): void {
    this.destroyed = true;
    this.engine.destroy();
  }

  private async detectNow(input: ImageInput, options: DetectOptions & ImageOptions & DetectObserver): Promise<Detection> {
    if (this.destroyed) throw new RetinaFaceError('OPTION', 'detect: this detector was disposed');
    const o = resolveOptions(options, this.descriptor.defaults);
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    const image = toImage(input, { exif: options.exif, maxPixels });
    for (const scale of chooseScales(image.height, image.width, o)) {
      const { DW, DH } = resizeGeometry(image.width, image.height, { fx: scale, fy: scale });
      if (DW * DH > maxPixels) {
        throw new RetinaFaceError('OPTION', `scale ${scale}: the ${image.width}x${image.height} image would become ${DW}x${DH}, over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
      }
    }
    const runNetwork = async (x: Tensor) => {
      const plan = this.engine.plan(this.model, x.shape[2], x.shape[3]);
      const { heads } = await forward(plan, x, { backend: this.engine.backend });
      options.onHeads?.(heads, { height: x.shape[2], width: x.shape[3] });
      return heads;
    };
    const faces = await detectFaces(runNetwork, image, o, this.descriptor);
    return { width: image.width, height: image.height, faces, backend: this.engine.name, kernel: this.engine.kernel() };
  }
}

function checkedBackend(backend: BackendName = DEFAULT_BACKEND): BackendName {
  if (!BACKEND_NAMES.includes(backend)) {
    throw new RetinaFaceError('OPTION', `option backend: ${JSON.stringify(backend)} is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  return backend;
}

function checkedThreads(threads: number | undefined): number | undefined {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new RetinaFaceError('OPTION', `option threads: ${JSON.stringify(threads)} is not a whole number from 1 to ${MAX_THREADS}`);
  }
  return threads;
}

function toImage(input: ImageInput, options: { exif?: boolean; maxPixels: number }): RgbImage {
  if (typeof input === 'string') {
    return decodeImage(readFileChecked(input), { ...options, where: input });
  }
  if (input instanceof Uint8Array) return decodeImage(input, options);
  if (isRawPixels(input)) return fromPixels(input, options.maxPixels);
  throw new RetinaFaceError('OPTION', 'detect: input must be a file path, JPEG/PNG bytes, or { data, width, height, channels }');
}

function isRawPixels(x: unknown): x is RawPixels {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

function fromPixels(p: RawPixels, maxPixels: number): RgbImage {
  const { width, height, data } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RetinaFaceError('IMAGE', `pixels: width ${width} and height ${height} must be positive integers`);
  }
  if (width * height > maxPixels) {
    throw new RetinaFaceError('IMAGE', `pixels: ${width}x${height} is over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new RetinaFaceError('IMAGE', 'pixels: data must be a Uint8Array or Uint8ClampedArray');
  }
  const channels = p.channels ?? data.length / (width * height);
  if ((channels !== 3 && channels !== 4) || data.length !== width * height * channels) {
    throw new RetinaFaceError('IMAGE', `pixels: ${data.length} values do not make ${width}x${height} RGB or RGBA${p.channels ? ` with ${p.channels} channels` : ''}`);
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = data[i * channels];
    rgb[i * 3 + 1] = data[i * channels + 1];
    rgb[i * 3 + 2] = data[i * channels + 2];
  }
  return { width, height, data: rgb };
}
