/**
 * `retinaface bench [--size WxH] [--runs N] [--backend B] [--threads N] [--json]
 * [--model DIR] [--image FILE] [--scale S]`: how fast this engine is here, on one backend (the
 * detector's names: 'wasm' is the default, 'gpujs' gpu.js's own choice, 'gpujs-webasm' and 'gpujs-headlessgl'
 * force one).
 *
 *   cold_start_ms  load the model, build the plan, start the backend, first forward at WxH
 *                  (on gpu that first forward compiles every kernel; wasm compiles its one module)
 *   forward_ms     median / min / max of N forwards at WxH after one more warm-up forward,
 *                  each from the input tensor to the nine downloaded heads
 *   detect_ms      median / min / max of N `RetinaFace.detect` calls on a real photo (default
 *                  ../shared/images/t1.jpg, at the detector's default scale or `--scale S`),
 *                  after one warm-up detect (which compiles the kernels for that input size)
 *   forward_peak_rss_mb  the process's peak resident memory (`resourceUsage().maxRSS`) after the
 *                  forwards, before any detect: the figure to set beside a comparator that runs
 *                  only the forward (the detect decodes the whole photo even at a small --scale,
 *                  which at 640² raised the peak by about 30 MB)
 *   peak_rss_mb    the process's peak resident memory at the end, detects included
 *
 * The forward input is a fixed pattern of pixel values: the arithmetic does not depend on them.
 * `--json` prints exactly one line; npm run bench (bench/run.mjs) starts one process per
 * measurement so each peak RSS is that measurement's own.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetinaFaceError } from '../errors.js';
import { createEngine } from '../detect/engine.js';
import { forward, kernelSummary, type NodeRun } from '../net/forward.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { loadModel } from '../weights/load.js';
import { RetinaFace, type BackendName } from '../detect/retinaface.js';
import { numberValue, parseArgs } from './args.js';
import { backendOption, threadsOption } from './detect.js';


/** The photo detect_ms is measured on, beside the repository as the shared models are. */
const DEFAULT_IMAGE = fileURLToPath(new URL('../../../shared/images/t1.jpg', import.meta.url));

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export interface BenchResult {
  backend: BackendName;
  /** What ran (net/forward.ts kernelSummary): "wasm-simd128 + reference Reshape", a gpu.js kernel class, "reference" on cpu. */
  kernel: string;
  /** "WxH" of the forward. */
  size: string;
  forward_ms: Spread;
  /** Spread of the detect calls, the photo and the network input size it ran at. */
  detect_ms: Spread & { image: string; runs: number };
  cold_start_ms: number;
  /** Peak RSS, MB, over load and forwards only (no detect yet). */
  forward_peak_rss_mb: number;
  peak_rss_mb: number;
  /** Per node of the last timed forward: the kernel that ran it and its time, ms. */
  kernels: NodeRun[];
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs('bench', argv, { values: ['size', 'runs', 'backend', 'threads', 'model', 'image', 'scale'], switches: ['json'] });
  if (args.positionals.length > 0) throw new RetinaFaceError('USAGE', `bench: unexpected argument '${args.positionals[0]}'`);
  const { width, height } = parseSize(args.values.get('size') ?? '640x640');
  const runs = numberValue('bench', args, 'runs') ?? 5;
  if (!Number.isInteger(runs) || runs < 1) throw new RetinaFaceError('USAGE', `bench: --runs must be a whole number ≥ 1, got ${runs}`);
  const backend = backendOption(args, 'bench');
  const scale = numberValue('bench', args, 'scale');
  if (scale !== undefined && !(scale > 0)) throw new RetinaFaceError('USAGE', `bench: --scale must be a positive number, got ${scale}`);
  const image = resolve(args.values.get('image') ?? DEFAULT_IMAGE);
  if (!existsSync(image)) throw new RetinaFaceError('IO', `${image}: no such file (the photo detect_ms is measured on; give one with --image)`);
  const modelPath = args.values.get('model');
  const threads = threadsOption(args, 'bench');

  const t0 = performance.now();
  const model = await loadModel(modelPath);
  const engine = await createEngine(backend, { threads });
  const input = patternInput(height, width);
  const run = () => forward(engine.plan(model, height, width), input, { backend: engine.backend });
  let trace: NodeRun[];
  let forwardMs: number[];
  let coldStartMs: number;
  try {
    await run();
    coldStartMs = performance.now() - t0;
    trace = (await run()).trace;
    forwardMs = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      trace = (await run()).trace;
      forwardMs.push(performance.now() - t);
    }
  } finally {
    engine.destroy();
  }
  const forwardPeakRssMb = round(process.resourceUsage().maxRSS / 1024);
  const detectMs = await timeDetect(backend, threads, modelPath, image, scale, runs);

  const result: BenchResult = {
    backend,
    kernel: kernelSummary(trace),
    size: `${width}x${height}`,
    forward_ms: spread(forwardMs),
    detect_ms: { ...spread(detectMs), image, runs },
    cold_start_ms: round(coldStartMs),
    forward_peak_rss_mb: forwardPeakRssMb,
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
    kernels: trace.map(({ node, op, stage, kernel, ms }) => ({ node, op, stage, kernel, ms: round(ms) })),
  };
  process.stdout.write(args.switches.has('json') ? JSON.stringify(result) + '\n' : describe(result));
  return 0;
}

/** "640x480" → width 640, height 480; a usage error otherwise. */
function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(text);
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (m === null || width < 1 || height < 1) throw new RetinaFaceError('USAGE', `bench: --size must be WxH in pixels (e.g. 640x640), got '${text}'`);
  return { width, height };
}

/** (1, 3, H, W) with values 0..255 in a fixed pattern. */
function patternInput(height: number, width: number): Tensor {
  const input = tensor([1, 3, height, width]);
  for (let i = 0; i < input.data.length; i++) input.data[i] = (i * 7919) % 256;
  return input;
}

/** `runs` timed detects of `image` after one warm-up, with the detector of src/detect. */
async function timeDetect(backend: BackendName, threads: number | undefined, model: string | undefined, image: string, scale: number | undefined, runs: number): Promise<number[]> {
  const detector = await RetinaFace.load({ model, backend, threads });
  const options = scale === undefined ? {} : { scales: [scale] };
  try {
    await detector.detect(image, options);
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await detector.detect(image, options);
      ms.push(performance.now() - t);
    }
    return ms;
  } finally {
    detector.dispose();
  }
}

function spread(ms: readonly number[]): Spread {
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median: round(median), min: round(sorted[0]), max: round(sorted[sorted.length - 1]) };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function describe(r: BenchResult): string {
  const s = (x: Spread) => `median ${x.median} ms (min ${x.min}, max ${x.max})`;
  return [
    `backend ${r.backend} (${r.kernel}), forward at ${r.size}: ${s(r.forward_ms)}`,
    `detect ${r.detect_ms.image}: ${s(r.detect_ms)} over ${r.detect_ms.runs} runs`,
    `cold start ${r.cold_start_ms} ms, peak RSS ${r.forward_peak_rss_mb} MB after the forwards, ${r.peak_rss_mb} MB with the detects`,
    '',
  ].join('\n');
}
