/**
 * The browser demo: the same engine as the CLI (src/, bundled by Vite) in a page: our wasm kernels
 * (the default) or the reference loops in a Web Worker (web/detector.ts), so the page stays
 * responsive during a detect, or gpu.js (WebGL2, WebAssembly) on the page itself. It loads the model files (from the dev server's /model/, or picked by the
 * user; or one of the bundled models, mnet.25 or the mask-aware mnet_cov2, from the model chooser),
 * takes an image (picked, dropped or a sample), runs `RetinaFace.detect` and draws on one canvas:
 * boxes with scores (with the mask model, masked faces in orange with their mask probability), the
 * five landmarks, a stride's face- or mask-probability map (the heads that detect's `onHeads`
 * hands over) and the anchors of the feature-map cell under a click. Choosing a bundled model sets
 * the threshold and target size to its test script's (src/detect/descriptor.ts).
 *
 * Anonymize mode: with "remove the faces" ticked the detector also anonymizes (detector.anonymize,
 * in the worker or on the page as the detection runs): the canvas shows the picture with every face
 * blurred, pixelated or filled, and #download offers it as a PNG made in the page (canvas → Blob →
 * object URL). Nothing is uploaded: the image comes from the file picker or the drop, is processed
 * here and goes back to the user's own machine.
 *
 * Images: JPEGs go to the engine as bytes (its own decoder, so the pixels equal Node's); other
 * formats are decoded by the browser and passed as pixels. The finished run is written as JSON into
 * #result and `body[data-state]` says where the page is (idle, loading, running, done, error); the
 * browser tests read both.
 */
import type { AnonymizeOptions, BackendName, Detection, ModelBytes, RgbImage, Tensor } from '../src/index.js';
import { ANCHOR_CONFIG } from '../src/anchors/config.js';
import { generateAnchorsFpn } from '../src/anchors/generate-anchors.js';
import { chooseScales } from '../src/detect/detect.js';
import { resolveOptions, type DetectOptions } from '../src/detect/options.js';
import { BUILTIN_DESCRIPTORS } from '../src/detect/descriptor.js';
import { LANDMARK_COLOURS, MASKED_COLOUR, type Rgb } from '../src/image/draw.js';
import { jet } from '../src/image/heatmap.js';
import { openDetector, type PageDetector } from './detector.js';

/** One finished run: what #result holds. */
export interface DemoResult extends Detection {
  /** The options detect ran with. */
  options: DetectOptions;
  /** The network input's size (the image scaled by `scale`). */
  input: { width: number; height: number };
  scale: number;
  /** Wall time of the detect call, ms (the first one on a backend also compiles its kernels). */
  ms: number;
  /** When the detect call started, on the page's performance.now() clock. */
  startedAt: number;
  /** Whether the page is cross-origin isolated (wasm and gpu.js webasm then run on worker threads). */
  crossOriginIsolated: boolean;
  /** Where the network ran: the detector's Web Worker, or the page's main thread (gpu.js). */
  where: PageDetector['where'];
  /** The model's name (its descriptor's). */
  model: string;
  /** Mask models: faces with mask ≥ this are drawn as masked (the model's test script). */
  maskThreshold?: number;
  /** In anonymize mode, how the faces were removed (the picture is offered at #download). */
  anonymized?: AnonymizeOptions;
}

const STRIDE_COLOURS: Record<number, string> = { 32: '#ff4fd8', 16: '#ffb000', 8: '#00e5ff' };
const BASE_ANCHORS = generateAnchorsFpn(ANCHOR_CONFIG);

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('view');
const ctx = canvas.getContext('2d')!;
const backendSelect = $<HTMLSelectElement>('backend');
const modelSelect = $<HTMLSelectElement>('model');
const targetSizeInput = $<HTMLInputElement>('target-size');
const thresholdInput = $<HTMLInputElement>('threshold');
const threadsSelect = $<HTMLSelectElement>('threads');
const runButton = $<HTMLButtonElement>('run');
const anonymizeBox = $<HTMLInputElement>('anonymize');
const download = $<HTMLAnchorElement>('download');

let modelFiles: ModelBytes | undefined;
let detector: { key: string; ready: Promise<PageDetector> } | undefined;
let image: { bytes: Uint8Array; name: string; bitmap: ImageBitmap } | undefined;
/** The last run; in anonymize mode with the anonymized picture, ready to draw. */
let last: { result: DemoResult; heads: ReadonlyMap<string, Tensor>; anonymized?: OffscreenCanvas } | undefined;
let clicked: { x: number; y: number } | undefined;
let busy = Promise.resolve();

function setState(state: 'idle' | 'loading' | 'running' | 'done' | 'error', message: string): void {
  document.body.dataset.state = state;
  const status = $('status');
  status.textContent = message;
  status.className = state === 'error' ? 'error' : '';
}

// ---------------------------------------------------------------- model

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The model the server offers at /model/ (or a bundled one at /models/<name>/: see web/serve.ts), or undefined when it has none. */
async function serverModel(base = 'model'): Promise<ModelBytes | undefined> {
  const res = await fetch(`${base}/index.json`);
  if (!res.ok) return undefined;
  const index = (await res.json()) as { symbol: string; params: string } | { safetensors: string };
  if ('safetensors' in index) return { safetensors: await fetchBytes(`${base}/${index.safetensors}`), name: index.safetensors };
  const [symbol, params] = await Promise.all([fetchBytes(`${base}/${index.symbol}`), fetchBytes(`${base}/${index.params}`)]);
  return { symbol: new TextDecoder().decode(symbol), params, name: index.params };
}

/** The model from picked files: a -symbol.json with its .params, or one .safetensors. */
async function pickedModel(files: FileList): Promise<ModelBytes> {
  const list = Array.from(files);
  const bytes = async (f: File) => new Uint8Array(await f.arrayBuffer());
  const st = list.find((f) => f.name.endsWith('.safetensors'));
  if (st) return { safetensors: await bytes(st), name: st.name };
  const symbol = list.find((f) => f.name.endsWith('.json'));
  const params = list.find((f) => f.name.endsWith('.params'));
  if (!symbol || !params) throw new Error('pick the -symbol.json and the .params file together, or one .safetensors file');
  return { symbol: await symbol.text(), params: await bytes(params), name: params.name };
}

function useModel(files: ModelBytes, from: string): void {
  modelFiles = files;
  detector?.ready.then((d) => d.dispose(), () => {});
  detector = undefined;
  const size = 'safetensors' in files ? files.safetensors.length : files.params.length;
  $('model-status').textContent = `${files.name ?? 'model'} (${(size / 1e6).toFixed(1)} MB, ${from})`;
}

/** The detector for the chosen backend and threads (0: the engine's default), built once per model, backend and threads. */
function currentDetector(): Promise<PageDetector> {
  const backend = backendSelect.value as BackendName;
  const threads = Number(threadsSelect.value) || undefined;
  if (modelFiles === undefined) return Promise.reject(new Error('no model: the server has none at /model/; pick its files above'));
  const key = `${backend} ${threads}`;
  if (detector?.key !== key) {
    detector?.ready.then((d) => d.dispose(), () => {});
    detector = { key, ready: openDetector(modelFiles, backend, threads) };
  }
  return detector.ready;
}

// ---------------------------------------------------------------- image and detection

const isJpeg = (b: Uint8Array) => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

async function useImage(bytes: Uint8Array, name: string): Promise<void> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  image = { bytes, name, bitmap };
  last = undefined;
  hideDownload();
  clicked = undefined;
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.classList.add('shown');
  $('drop-hint').style.display = 'none';
  runButton.disabled = false;
  draw();
  await detectNow();
}

/** What detect is given: JPEG bytes (the engine's decoder), or the browser's pixels for anything else. */
function engineInput(img: NonNullable<typeof image>): Uint8Array | ImageData {
  if (isJpeg(img.bytes)) return img.bytes;
  const c = new OffscreenCanvas(img.bitmap.width, img.bitmap.height);
  const g = c.getContext('2d')!;
  g.drawImage(img.bitmap, 0, 0);
  return g.getImageData(0, 0, c.width, c.height);
}

function detectNow(): Promise<void> {
  busy = busy.then(run, run);
  return busy;
  async function run(): Promise<void> {
    if (image === undefined) return;
    const img = image;
    const options: DetectOptions = { targetSize: Number(targetSizeInput.value), threshold: Number(thresholdInput.value) };
    try {
      setState('loading', `Preparing ${backendSelect.selectedOptions[0].text}…`);
      const d = await currentDetector();
      setState('running', `Detecting in ${img.name}…`);
      const anonymized = anonymizeBox.checked ? anonymizeOptions() : undefined;
      hideDownload();
      const t0 = performance.now();
      const { detection, heads, input, image: picture } = await d.detect(engineInput(img), options, anonymized);
      const ms = performance.now() - t0;
      const [scale] = chooseScales(detection.height, detection.width, resolveOptions(options, d.descriptor.defaults));
      const result: DemoResult = {
        ...detection, options, input, scale, ms, startedAt: t0, crossOriginIsolated: globalThis.crossOriginIsolated === true, where: d.where, anonymized,
        model: d.descriptor.name, maskThreshold: d.descriptor.defaults.maskThreshold,
      };
      last = { result, heads, anonymized: picture && toCanvas(picture) };
      if (last.anonymized) await offerDownload(last.anonymized, img.name);
      $('result').textContent = JSON.stringify(result);
      $('run-info').textContent = `${detection.faces.length} face${detection.faces.length === 1 ? '' : 's'} in ${(ms / 1000).toFixed(2)} s · ${detection.kernel} (${d.where === 'worker' ? 'in a Web Worker' : 'on the page'}) · network input ${input.width}×${input.height} (scale ${scale.toFixed(3)})`;
      showFaces(result);
      setState('done', `Done: ${img.name}`);
    } catch (err) {
      setState('error', err instanceof Error ? err.message : String(err));
      console.error(err);
    }
    draw();
  }
}

function anonymizeOptions(): AnonymizeOptions {
  return {
    mode: $<HTMLSelectElement>('anonymize-mode').value as AnonymizeOptions['mode'],
    shape: $<HTMLSelectElement>('anonymize-shape').value as AnonymizeOptions['shape'],
    boxScale: Number($<HTMLInputElement>('box-scale').value),
  };
}

/** RGB pixels on an opaque canvas of their size. */
function toCanvas(img: RgbImage): OffscreenCanvas {
  const rgba = new ImageData(img.width, img.height);
  for (let p = 0; p < img.width * img.height; p++) {
    rgba.data.set(img.data.subarray(p * 3, p * 3 + 3), p * 4);
    rgba.data[p * 4 + 3] = 255;
  }
  const c = new OffscreenCanvas(img.width, img.height);
  c.getContext('2d')!.putImageData(rgba, 0, 0);
  return c;
}

/** #download offers the anonymized picture as a PNG (lossless: outside the faces, the pixels as decoded). */
async function offerDownload(picture: OffscreenCanvas, name: string): Promise<void> {
  const blob = await picture.convertToBlob({ type: 'image/png' });
  download.href = URL.createObjectURL(blob);
  download.download = `${name.replace(/\.[^.]*$/, '')}-anonymized.png`;
  download.hidden = false;
}

function hideDownload(): void {
  if (download.href) URL.revokeObjectURL(download.href);
  download.removeAttribute('href');
  download.hidden = true;
}

function showFaces(result: DemoResult): void {
  const rows = result.faces.map((f, i) => `<tr><td>${i + 1}</td><td>${f.score.toFixed(4)}</td>${f.box.map((v) => `<td>${v.toFixed(1)}</td>`).join('')}<td>${f.mask?.toFixed(3) ?? '–'}</td></tr>`);
  $('faces').querySelector('tbody')!.innerHTML = rows.join('');
}

// ---------------------------------------------------------------- drawing

const css = (c: Rgb, a = 1) => `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${a})`;

function selectedStride(): number {
  return Number((document.querySelector('input[name=heatmap]:checked') as HTMLInputElement | null)?.value ?? 0);
}

function draw(): void {
  if (image === undefined) return;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(last?.anonymized ?? image.bitmap, 0, 0);
  const unit = Math.max(1, Math.round(Math.max(canvas.width, canvas.height) / 700));
  const stride = selectedStride();
  $('legend').classList.toggle('shown', stride > 0 && last !== undefined);
  if (last !== undefined && stride > 0) drawHeatmap(last, stride);
  if (last !== undefined && $<HTMLInputElement>('show-faces').checked) drawFaces(last.result, unit);
  if (last !== undefined && clicked !== undefined && $<HTMLInputElement>('show-anchors').checked) drawAnchors(last, clicked, stride, unit);
}

/**
 * The face probability of stride `stride` (or, with "mask" ticked and a mask model, the mask
 * probability: the type head's last A channels), the larger of its two anchors per cell, over the image.
 */
function drawHeatmap(run: NonNullable<typeof last>, stride: number): void {
  const type = $<HTMLInputElement>('heatmap-mask').checked ? run.heads.get(`face_rpn_type_prob_reshape_stride${stride}`) : undefined;
  const cls = type ?? run.heads.get(`face_rpn_cls_prob_reshape_stride${stride}`);
  if (cls === undefined) return;
  const [, C, H, W] = cls.shape;
  const A = C / (type === undefined ? 2 : 3);
  const first = C - A; // face: channels A..2A−1; mask: 2A..3A−1
  const cells = new ImageData(W, H);
  for (let k = 0; k < H * W; k++) {
    let p = 0;
    for (let a = 0; a < A; a++) p = Math.max(p, cls.data[(first + a) * H * W + k]);
    const [r, g, b] = jet(p);
    cells.data.set([r, g, b, Math.round(40 + 180 * p)], k * 4); // faint where no face, opaque where one is
  }
  const map = new OffscreenCanvas(W, H);
  map.getContext('2d')!.putImageData(cells, 0, 0);
  // cell (y, x) looks at input pixels [x·s, (x+1)·s), i.e. image pixels divided by the scale
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(map, 0, 0, (W * stride) / run.result.scale, (H * stride) / run.result.scale);
  ctx.imageSmoothingEnabled = true;
  $('legend-label').textContent = `stride ${stride}${type === undefined ? '' : ', mask'}: ${W}×${H} cells of ${stride} px`;
}

function drawFaces(result: DemoResult, unit: number): void {
  ctx.lineWidth = 2 * unit;
  ctx.font = `bold ${12 * unit}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const f of result.faces) {
    const [x1, y1, x2, y2] = f.box;
    const masked = f.mask !== undefined && result.maskThreshold !== undefined && f.mask >= result.maskThreshold;
    const colour = masked ? css(MASKED_COLOUR) : '#00ff00';
    ctx.strokeStyle = colour;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const label = f.score.toFixed(3) + (f.mask === undefined ? '' : ` mask ${f.mask.toFixed(2)}`);
    const w = ctx.measureText(label).width + 4 * unit;
    ctx.fillStyle = 'rgba(0, 0, 0, 0.65)';
    ctx.fillRect(x1 - unit, y1 - 15 * unit, w, 14 * unit);
    ctx.fillStyle = colour;
    ctx.fillText(label, x1 + unit, y1 - 2 * unit);
    f.landmarks.forEach(([x, y], i) => {
      ctx.fillStyle = css(LANDMARK_COLOURS[i]);
      ctx.beginPath();
      ctx.arc(x, y, 2.5 * unit, 0, 2 * Math.PI);
      ctx.fill();
    });
  }
}

/**
 * The anchors of the cell under the click: anchors_plane's base anchors shifted by (x·s, y·s) in
 * network-input pixels, drawn in image pixels (÷ scale), each with its face probability.
 */
function drawAnchors(run: NonNullable<typeof last>, at: { x: number; y: number }, only: number, unit: number): void {
  const { scale } = run.result;
  const lines: string[] = [`image (${at.x.toFixed(0)}, ${at.y.toFixed(0)}) = input (${(at.x * scale).toFixed(0)}, ${(at.y * scale).toFixed(0)})`, 'stride (cell) anchor: probability'];
  ctx.lineWidth = 1.5 * unit;
  ctx.font = `${11 * unit}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const { stride } of ANCHOR_CONFIG) {
    if (only > 0 && stride !== only) continue;
    const cls = run.heads.get(`face_rpn_cls_prob_reshape_stride${stride}`);
    if (cls === undefined) continue;
    const [, twoA, H, W] = cls.shape;
    const A = twoA / 2;
    const cx = Math.min(W - 1, Math.floor((at.x * scale) / stride));
    const cy = Math.min(H - 1, Math.floor((at.y * scale) / stride));
    const base = BASE_ANCHORS.get(stride)!;
    ctx.strokeStyle = STRIDE_COLOURS[stride];
    ctx.fillStyle = STRIDE_COLOURS[stride];
    for (let a = 0; a < A; a++) {
      const box = [0, 1, 2, 3].map((j) => (base[a * 4 + j] + (j % 2 === 0 ? cx : cy) * stride) / scale);
      const p = cls.data[(A + a) * H * W + cy * W + cx];
      const side = base[a * 4 + 2] - base[a * 4] + 1;
      ctx.setLineDash(a === 0 ? [] : [6 * unit, 4 * unit]);
      ctx.strokeRect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      const label = `${side} px  p=${p.toFixed(2)}`;
      const lx = box[0] + (a === 0 ? 2 * unit : box[2] - box[0] - ctx.measureText(label).width - 6 * unit);
      ctx.fillStyle = 'rgba(0, 0, 0, 0.65)';
      ctx.fillRect(lx - unit, box[1] + unit, ctx.measureText(label).width + 4 * unit, 13 * unit);
      ctx.fillStyle = STRIDE_COLOURS[stride];
      ctx.fillText(label, lx + unit, box[1] + 2 * unit);
      lines.push(`s${String(stride).padStart(2)} (${cx}, ${cy}) ${String(side).padStart(3)} px: p(face) ${p.toFixed(3)}`);
    }
  }
  ctx.setLineDash([]);
  const info = $('anchor-info');
  info.textContent = lines.join('\n');
  info.classList.remove('muted');
}

// ---------------------------------------------------------------- wiring

canvas.addEventListener('click', (e) => {
  const r = canvas.getBoundingClientRect();
  clicked = { x: ((e.clientX - r.left) / r.width) * canvas.width, y: ((e.clientY - r.top) / r.height) * canvas.height };
  draw();
});
for (const el of Array.from(document.querySelectorAll('input[name=heatmap], #heatmap-mask, #show-faces, #show-anchors'))) el.addEventListener('change', draw);
modelSelect.addEventListener('change', async () => {
  const name = modelSelect.value;
  setState('loading', `Loading ${name || "the server's model"}…`);
  try {
    const files = await serverModel(name === '' ? 'model' : `models/${encodeURIComponent(name)}`);
    if (files === undefined) throw new Error(`the server has no model ${name}`);
    useModel(files, name === '' ? 'from the server' : `bundled ${name}`);
    // the model's own test script's threshold and size (retinaface_anticov/test.py: 0.8, 640)
    const defaults = BUILTIN_DESCRIPTORS.find((d) => d.name === name)?.defaults;
    if (defaults !== undefined) {
      thresholdInput.value = String(defaults.threshold);
      targetSizeInput.value = String(defaults.targetSize);
    }
    setState('idle', `Ready: ${name || "the server's model"}`);
    await detectNow();
  } catch (err) {
    setState('error', `model: ${err instanceof Error ? err.message : String(err)}`);
  }
});
for (const el of [backendSelect, threadsSelect, targetSizeInput, thresholdInput]) el.addEventListener('change', () => void detectNow());
for (const id of ['anonymize', 'anonymize-mode', 'anonymize-shape', 'box-scale']) $(id).addEventListener('change', () => void detectNow());
runButton.addEventListener('click', () => void detectNow());

$<HTMLInputElement>('image-file').addEventListener('change', async (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = ''; // so that picking the same file again is a change too
  if (file) await useImage(new Uint8Array(await file.arrayBuffer()), file.name);
});
$<HTMLInputElement>('model-files').addEventListener('change', async (e) => {
  const files = (e.target as HTMLInputElement).files;
  if (!files || files.length === 0) return;
  try {
    useModel(await pickedModel(files), 'picked');
    await detectNow();
  } catch (err) {
    setState('error', err instanceof Error ? err.message : String(err));
  }
});

const drop = $('drop');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const file = e.dataTransfer?.files[0];
  if (file) await useImage(new Uint8Array(await file.arrayBuffer()), file.name);
});

async function start(): Promise<void> {
  setState('loading', 'Loading the model…');
  try {
    const files = await serverModel();
    if (files) useModel(files, 'from the server');
    else $('model-status').textContent = 'none on the server: pick its files';
  } catch (err) {
    setState('error', `model: ${err instanceof Error ? err.message : String(err)}`);
    return;
  }
  const bundled = await fetch('models/index.json');
  for (const name of bundled.ok ? ((await bundled.json()) as string[]) : []) modelSelect.add(new Option(name, name));
  const res = await fetch('samples/index.json');
  const samples = res.ok ? ((await res.json()) as string[]) : [];
  $('samples').replaceChildren(...samples.map((name) => {
    const b = document.createElement('button');
    b.textContent = name;
    b.addEventListener('click', async () => useImage(await fetchBytes(`samples/${name}`), name));
    return b;
  }));
  setState('idle', modelFiles ? 'Ready: pick, drop or choose an image' : 'Pick the model files');
}

void start();
