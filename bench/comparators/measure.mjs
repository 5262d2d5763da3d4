/**
 * One comparator measurement in its own process, printed as one JSON line (bench/run.mjs starts
 * one process per row so each peak RSS is that row's own):
 *
 *   node bench/comparators/measure.mjs ENGINE WxH RUNS           forward at W×H
 *   node bench/comparators/measure.mjs ENGINE photo:FILE RUNS    the photo decoded and resized as
 *                                                                 our detect does (dist/), then forward
 *
 * ENGINE: ort-node (onnxruntime-node, CPU execution provider, its default threads), ort-web-1 /
 * ort-web-2 (onnxruntime-web, wasm execution provider, 1 or 2 threads), retinaface-wasm (ncnn's
 * mnet.25 compiled to WebAssembly with SIMD, one thread; its `detect` is forward + its own anchor
 * decode and NMS, no resize). The ONNX models run ../shared/models/mnet.25/mnet.25.onnx, the export
 * of the same checkpoint our engine reads. Input: the same fixed pixel pattern as `retinaface bench`.
 *
 * Output: {engine, input, forward_ms: {median, min, max}, cold_start_ms, peak_rss_mb}; cold start
 * is session creation plus the first run, then one warm-up run, then RUNS timed runs.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const require = createRequire(new URL('package.json', import.meta.url));
const ONNX = fileURLToPath(new URL('../../../shared/models/mnet.25/mnet.25.onnx', import.meta.url));

const [engine, what, runsText = '5'] = process.argv.slice(2);
const runs = Number(runsText);

/** The network input: {width, height, chw (float32 0..255), rgba (uint8)}. */
async function makeInput() {
  if (what.startsWith('photo:')) {
    const file = what.slice('photo:'.length);
    const { decodeImage } = await import('../../dist/image/decode.js');
    const { resizeLinear } = await import('../../dist/image/resize.js');
    const { targetScale } = await import('../../dist/detect/scales.js');
    const { DEFAULTS } = await import('../../dist/detect/options.js');
    const image = decodeImage(new Uint8Array(readFileSync(file)), { where: file });
    const scale = targetScale(image.height, image.width, DEFAULTS.targetSize, DEFAULTS.maxSize);
    const r = resizeLinear(image, { fx: scale, fy: scale });
    const n = r.width * r.height;
    const chw = new Float32Array(3 * n);
    const rgba = new Uint8ClampedArray(4 * n);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < 3; c++) {
        chw[c * n + i] = r.data[i * 3 + c];
        rgba[i * 4 + c] = r.data[i * 3 + c];
      }
      rgba[i * 4 + 3] = 255;
    }
    return { width: r.width, height: r.height, chw, rgba };
  }
  const m = /^(\d+)x(\d+)$/.exec(what);
  if (m === null) throw new Error(`input must be WxH or photo:FILE, got ${what}`);
  const width = Number(m[1]);
  const height = Number(m[2]);
  const n = width * height;
  const chw = new Float32Array(3 * n);
  for (let i = 0; i < chw.length; i++) chw[i] = (i * 7919) % 256;
  const rgba = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = chw[c * n + i];
    rgba[i * 4 + 3] = 255;
  }
  return { width, height, chw, rgba };
}

/** An engine as {run(): Promise<void>}, created for this input. */
async function create(input) {
  if (engine === 'ort-node' || engine.startsWith('ort-web-')) {
    const ort = require(engine === 'ort-node' ? 'onnxruntime-node' : 'onnxruntime-web');
    let session;
    if (engine === 'ort-node') {
      session = await ort.InferenceSession.create(ONNX);
    } else {
      ort.env.wasm.numThreads = Number(engine.slice('ort-web-'.length));
      session = await ort.InferenceSession.create(readFileSync(ONNX), { executionProviders: ['wasm'] });
    }
    const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input.chw, [1, 3, input.height, input.width]) };
    return { run: () => session.run(feeds) };
  }
  if (engine === 'retinaface-wasm') {
    const rw = await import('retinaface-wasm');
    const { instance } = await WebAssembly.instantiate(readFileSync(`${here}node_modules/retinaface-wasm/wasm/${rw.getWasmFile()}`), rw.env);
    const detector = new rw.default(instance);
    const imageData = { data: input.rgba, width: input.width, height: input.height };
    return { run: async () => detector.detect(imageData, 1) };
  }
  throw new Error(`unknown engine ${engine}: ort-node, ort-web-1, ort-web-2, retinaface-wasm`);
}

const input = await makeInput();
const t0 = performance.now();
const e = await create(input);
await e.run();
const coldStartMs = performance.now() - t0;
await e.run();
const ms = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  await e.run();
  ms.push(performance.now() - t);
}
ms.sort((a, b) => a - b);
const round = (x) => Math.round(x * 10) / 10;
const mid = ms.length >> 1;
const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
process.stdout.write(
  JSON.stringify({
    engine,
    input: `${input.width}x${input.height}`,
    forward_ms: { median: round(median), min: round(ms[0]), max: round(ms.at(-1)) },
    cold_start_ms: round(coldStartMs),
    peak_rss_mb: round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
// onnxruntime-web's worker threads keep the event loop alive
process.exit(0);
