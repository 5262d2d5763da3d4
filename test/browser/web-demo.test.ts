/**
 * The browser demo (web/) in a real browser: the page is built with Vite, served from 127.0.0.1
 * by a server started here (web/serve.ts, with COOP/COEP), and driven in Debian's chromium through
 * playwright-core. The page runs detection on t1.jpg with gpu.js on WebGL2 and the faces must equal
 * Node's (same count, IoU > 0.98 face by face with the +1 convention, computed here with the
 * library on webasm at the same options: other kernels, so a tolerance); the page must report the
 * kernel class that ran. On gpu.js webasm, the same kernels as Node's, the faces must be Node's exactly. On the page's default, our wasm
 * kernels, the detector runs in a Web Worker on more than one kernel thread and must give the
 * faces Node's wasm backend gives, exactly (the same instructions on the same bytes), while the
 * page's main thread runs no long task. The same browser then opens the
 * explain report of t1 (`retinaface explain`, built CLI in dist/) from disk and checks that every
 * section rendered with its figures loaded. Browser WebGL2 is SwiftShader here,
 * about ten times slower than webasm (shared/GPUJS.md), so both sides run at targetSize 512.
 *
 * Anonymize mode on t1 (wasm): the PNG the page offers is downloaded through the browser; every pixel
 * outside the enlarged face boxes equals our decoder's t1 bit for bit, the library run again in Node
 * on the download finds no face where one was removed, and the page sent no request carrying data.
 *
 * Without /usr/bin/chromium the browser cases skip with that reason (.ci/run installs it).
 * WEB_DEMO_SCREENSHOT=docs/web-demo.png writes the README's screenshot of the demo on t1.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import { RetinaFace, type Face } from '../../src/index.js';
import { faceRegion, inRegion } from '../../src/anonymize/region.js';
import { decodeImage } from '../../src/image/decode.js';
import type { DemoResult } from '../../web/main.js';
import { detectInPage as detectOn, noBrowser, openDemo, type Demo, type PageSettings } from '../../web/drive.js';
import { modelDir, modelIndex } from '../../web/serve.js';

const CLI = resolve('dist/cli/main.js');
/**
 * The explain report's sections (src/explain/report.ts): each figure section holds at least one
 * <img>; #timing is a table of milliseconds per stage.
 */
const REPORT_SECTIONS = ['input', 'backbone', 'ssh', 'stride32', 'stride16', 'stride8', 'nms', 'timing'];
const T1 = resolve('../shared/images/t1.jpg');
const OPTIONS = { targetSize: 512, threshold: 0.5 };
/** SwiftShader WebGL2: ~60 kernels to compile (~0.15 s each) and a forward at ~0.15 GFLOP/s. */
const BROWSER_RUN_MS = 600_000;

const model = modelDir();
const files = model === undefined ? undefined : modelIndex(model);
const noModel = model === undefined ? `no model directory (${process.env.RETINAFACE_MODEL ?? 'models/mnet.25'})` : files === undefined ? `no MXNet or safetensors model in ${model}` : null;

/** IoU of two x1, y1, x2, y2 boxes in the original's +1 convention (bbox_overlaps). */
const iou = (a: readonly number[], b: readonly number[]) => bboxOverlaps(a, b)[0];

/**
 * Node's faces matched to the page's one to one (each Node face to the unmatched page face of
 * highest IoU), with the worst IoU, score and landmark differences over the pairs.
 */
function compareFaces(node: readonly Face[], page: readonly Face[]): { minIou: number; maxScoreDiff: number; maxLandmarkDiff: number } {
  const free = new Set(page.map((_, i) => i));
  let minIou = 1;
  let maxScoreDiff = 0;
  let maxLandmarkDiff = 0;
  for (const f of node) {
    let best = -1;
    let bestIou = -1;
    for (const j of free) {
      const v = iou(f.box, page[j].box);
      if (v > bestIou) [best, bestIou] = [j, v];
    }
    if (best < 0) return { minIou: 0, maxScoreDiff: Infinity, maxLandmarkDiff: Infinity };
    free.delete(best);
    const g = page[best];
    minIou = Math.min(minIou, bestIou);
    maxScoreDiff = Math.max(maxScoreDiff, Math.abs(f.score - g.score));
    f.landmarks.forEach(([x, y], p) => (maxLandmarkDiff = Math.max(maxLandmarkDiff, Math.hypot(x - g.landmarks[p][0], y - g.landmarks[p][1]))));
  }
  return { minIou, maxScoreDiff, maxLandmarkDiff };
}

describe('RetinaFace.fromFiles (Node)', () => {
  it.skipIf(noModel !== null)(`detects t1 as RetinaFace.load does, from the model files read as bytes${noModel ? ` — skipped: ${noModel}` : ''}`, async () => {
    const bytes = (name: string) => new Uint8Array(readFileSync(join(model!, name)));
    const modelBytes = 'safetensors' in files! ? { safetensors: bytes(files.safetensors) } : { symbol: readFileSync(join(model!, files!.symbol), 'utf8'), params: bytes(files!.params) };
    const fromBytes = await RetinaFace.fromFiles(modelBytes, { backend: 'cpu' });
    const loaded = await RetinaFace.load({ model, backend: 'cpu' });
    const small = { targetSize: 160 };
    expect((await fromBytes.detect(T1, small)).faces).toEqual((await loaded.detect(T1, small)).faces);
    expect(fromBytes.model.source).toBe('safetensors' in files! ? 'safetensors' : 'mxnet-params');
  });
});

describe.skipIf(noBrowser !== null)(`web demo in chromium${noBrowser ? ` — skipped: ${noBrowser}` : ''}`, () => {
  let demo: Demo;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    demo = await openDemo();
    ({ page, pageErrors } = demo);
  }, 180_000);

  afterAll(async () => {
    await demo?.close();
  });

  /** Runs the page's detection on t1 with `backend` (and wasm `threads`, '0' the default) chosen, returns what #result holds. */
  const detectInPage = (backend: PageSettings['backend'], threads = '0'): Promise<DemoResult> => detectOn(page, T1, { backend, threads, ...OPTIONS }, BROWSER_RUN_MS);

  let node: Face[];
  let nodeWasm: Face[];
  beforeAll(async () => {
    const detector = await RetinaFace.load({ model, backend: 'gpujs-webasm' });
    node = (await detector.detect(T1, OPTIONS)).faces;
    detector.dispose();
    const wasm = await RetinaFace.load({ model, backend: 'wasm' });
    nodeWasm = (await wasm.detect(T1, OPTIONS)).faces;
    wasm.dispose();
  }, 120_000);

  /**
   * The page's run while its main thread is watched: the longest of its tasks (the Long Tasks API
   * reports every task over 50 ms) that overlap the detect call itself (not the drawing after it),
   * and, for the log, the longest gap between the ticks of a 10 ms timer. A network on the main
   * thread would be one task as long as the forward pass. The timer alone is no proof: on a loaded
   * machine the OS may not schedule the page for a second.
   */
  async function watchMainThread(run: () => Promise<DemoResult>): Promise<{ result: DemoResult; longestTaskMs: number; longestGapMs: number }> {
    await page.evaluate(() => {
      const watch = { last: performance.now(), gap: 0, tasks: [] as [number, number][], timer: 0, observer: undefined as PerformanceObserver | undefined };
      const tasks = (list: PerformanceObserverEntryList) => {
        for (const e of list.getEntries()) watch.tasks.push([e.startTime, e.duration]);
      };
      watch.observer = new PerformanceObserver(tasks);
      watch.observer.observe({ type: 'longtask' });
      watch.timer = window.setInterval(() => {
        const now = performance.now();
        watch.gap = Math.max(watch.gap, now - watch.last);
        watch.last = now;
      }, 10);
      (window as unknown as { watch: typeof watch }).watch = watch;
    });
    const result = await run();
    const { tasks, gap } = await page.evaluate(() => {
      const { watch } = window as unknown as { watch: { gap: number; tasks: [number, number][]; timer: number; observer: PerformanceObserver } };
      clearInterval(watch.timer);
      for (const e of watch.observer.takeRecords()) watch.tasks.push([e.startTime, e.duration]);
      watch.observer.disconnect();
      return { tasks: watch.tasks, gap: watch.gap };
    });
    const during = tasks.filter(([start, ms]) => start < result.startedAt + result.ms && start + ms > result.startedAt);
    return { result, longestTaskMs: Math.max(0, ...during.map(([, ms]) => ms)), longestGapMs: gap };
  }

  it('loaded the model from the server and is cross-origin isolated', async () => {
    expect(await page.textContent('#model-status')).toMatch(/\.params|\.safetensors/);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('detects t1 on gpu.js WebGL2 as Node does on webasm (same count, IoU > 0.98 face by face)', async () => {
    const r = await detectInPage('gpujs-webgl2');
    expect(r.kernel).toBe('WebGL2Kernel');
    expect(r.backend).toBe('gpujs');
    expect([r.width, r.height]).toEqual([1280, 886]);
    expect(r.faces.length).toBe(node.length);
    expect(node.length).toBeGreaterThan(0);
    const d = compareFaces(node, r.faces);
    console.log(`webgl2: ${r.faces.length} faces, input ${r.input.width}x${r.input.height}, ${(r.ms / 1000).toFixed(1)} s (with kernel compilation); vs Node webasm: min IoU ${d.minIou.toFixed(5)}, max |score diff| ${d.maxScoreDiff.toExponential(2)}, max landmark distance ${d.maxLandmarkDiff.toFixed(3)} px`);
    expect(d.minIou).toBeGreaterThan(0.98);
  }, BROWSER_RUN_MS + 60_000);

  it('shows the stride-16 heatmap and the anchors at a clicked face', async () => {
    const r = JSON.parse((await page.textContent('#result'))!) as DemoResult;
    await page.check('input[name=heatmap][value="16"]');
    expect(await page.isVisible('#legend')).toBe(true);
    // click the centre of the best face: its box, in image pixels, mapped to the canvas on screen
    const [x1, y1, x2, y2] = r.faces[0].box;
    const canvas = (await page.$('#view'))!;
    const shown = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: (((x1 + x2) / 2) * shown.width) / r.width, y: (((y1 + y2) / 2) * shown.height) / r.height } });
    const info = (await page.textContent('#anchor-info'))!;
    expect(info.split('\n').filter((l) => l.startsWith('s16 '))).toHaveLength(2);
    const best = Math.max(...[...info.matchAll(/p\(face\) ([\d.]+)/g)].map((m) => Number(m[1])));
    console.log(`anchors at the best face (score ${r.faces[0].score.toFixed(3)}):\n${info}`);
    expect(best).toBeGreaterThan(0.5);
    const shot = process.env.WEB_DEMO_SCREENSHOT;
    if (shot) await page.screenshot({ path: resolve(shot), fullPage: true });
  });

  it("runs wasm, the page default, in a Web Worker on more than one thread: Node's wasm faces exactly, and the page never stalls", async () => {
    expect(await page.evaluate(() => (document.getElementById('backend') as HTMLSelectElement).options[0].value)).toBe('wasm');
    // the first run starts the worker and its kernel threads; the second runs on all of them
    await detectInPage('wasm');
    const { result: r, longestTaskMs, longestGapMs } = await watchMainThread(() => detectInPage('wasm'));
    console.log(`wasm in the page: ${(r.ms / 1000).toFixed(2)} s, ${r.kernel}, ${r.faces.length} faces; the page's longest main-thread task during detect ${longestTaskMs.toFixed(0)} ms, longest gap of a 10 ms timer ${longestGapMs.toFixed(0)} ms`);
    expect([r.backend, r.where, r.crossOriginIsolated]).toEqual(['wasm', 'worker', true]);
    expect(Number(/^wasm-simd128 ×(\d+) threads \+ reference Reshape$/.exec(r.kernel)?.[1])).toBeGreaterThan(1);
    expect(nodeWasm.length).toBeGreaterThan(0);
    expect(r.faces).toEqual(nodeWasm);
    // a forward on the main thread would be a task of nearly r.ms
    expect(longestTaskMs).toBeLessThan(r.ms / 4);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('runs wasm on one thread when asked, with the same faces', async () => {
    const r = await detectInPage('wasm', '1');
    expect([r.kernel, r.where]).toEqual(['wasm-simd128 + reference Reshape', 'worker']);
    expect(r.faces).toEqual(nodeWasm);
  }, 120_000);

  it('anonymize mode: the downloaded PNG has no face where one was, and every other pixel as decoded', async () => {
    const sent: string[] = [];
    const watch = (req: { method(): string; url(): string; postData(): string | null }) => {
      if (req.method() !== 'GET' || req.postData() !== null) sent.push(`${req.method()} ${req.url()}`);
    };
    page.on('request', watch);
    await page.evaluate(() => { (document.getElementById('anonymize') as HTMLInputElement).checked = true; });
    let r: DemoResult;
    try {
      r = await detectInPage('wasm');
    } finally {
      await page.evaluate(() => { (document.getElementById('anonymize') as HTMLInputElement).checked = false; });
    }
    expect(r.anonymized).toEqual({ mode: 'blur', shape: 'ellipse', boxScale: 1.3 });
    expect(r.faces).toEqual(nodeWasm);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    page.off('request', watch);
    expect(download.suggestedFilename()).toBe('t1-anonymized.png');
    const result = decodeImage(readFileSync(await download.path()), { where: 'the download' });
    const original = decodeImage(readFileSync(T1));
    expect([result.width, result.height]).toEqual([original.width, original.height]);

    const regions = r.faces.map((f) => faceRegion(f.box, 1.3, 'ellipse', original.width, original.height)!);
    let outside = 0;
    let changedOutside = 0;
    for (let y = 0; y < original.height; y++) {
      for (let x = 0; x < original.width; x++) {
        if (regions.some((g) => inRegion(g, x, y))) continue;
        outside++;
        const i = (y * original.width + x) * 3;
        if (result.data[i] !== original.data[i] || result.data[i + 1] !== original.data[i + 1] || result.data[i + 2] !== original.data[i + 2]) changedOutside++;
      }
    }
    expect(outside).toBeGreaterThan(0.8 * original.width * original.height);
    expect(changedOutside, 'pixels changed outside every region').toBe(0);

    const detector = await RetinaFace.load({ model });
    try {
      const again = (await detector.detect({ ...result, channels: 3 }, { threshold: 0.5 })).faces;
      const overlapping = again.filter((f) => r.faces.some((g) => iou(f.box, g.box) > 0.3));
      console.log(`anonymize in the page: ${r.faces.length} faces blurred in ${(r.ms / 1000).toFixed(2)} s; found again in the download: ${again.length}, ${overlapping.length} where a face was`);
      expect(overlapping).toEqual([]);
    } finally {
      detector.dispose();
    }
    expect(sent, 'requests carrying data').toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it("runs the same detection on gpu.js webasm (worker threads) when chosen: Node's webasm faces exactly", async () => {
    const r = await detectInPage('gpujs-webasm');
    expect(r.kernel).toBe('WebAssemblyKernel');
    expect(r.crossOriginIsolated).toBe(true);
    console.log(`webasm in the page: ${(r.ms / 1000).toFixed(1)} s, ${r.faces.length} faces`);
    // gpu.js compiles the same kernels to the same WebAssembly in the page as in Node
    expect(node.length).toBeGreaterThan(0);
    expect(r.faces).toEqual(node);
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('opens the explain report of t1 (retinaface explain --backend gpujs-webasm): every section rendered, every figure loaded', async () => {
    expect(existsSync(CLI), `${CLI} (npm run build first)`).toBe(true);
    const report = join(demo.out, 'explain-t1');
    execFileSync(process.execPath, [CLI, 'explain', T1, '--out', report, '--backend', 'gpujs-webasm'], { stdio: 'pipe', timeout: 240_000 });
    const reportPage = await demo.context.newPage();
    reportPage.on('pageerror', (e) => pageErrors.push(`explain report: ${e.message}`));
    try {
      await reportPage.goto(pathToFileURL(join(report, 'index.html')).href, { waitUntil: 'load' });
      const sections = await reportPage.evaluate(() =>
        Array.from(document.querySelectorAll('section[id]'), (s) => {
          const box = s.getBoundingClientRect();
          const imgs = Array.from(s.querySelectorAll('img'));
          return {
            id: s.id,
            height: box.height,
            heading: s.querySelector('h2')?.textContent ?? '',
            images: imgs.length,
            loaded: imgs.filter((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 0).length,
            tableRows: s.querySelectorAll('tr').length,
          };
        }),
      );
      console.log(`explain report sections: ${sections.map((s) => `${s.id} (${s.images} img${s.tableRows ? `, ${s.tableRows} table rows` : ''})`).join(', ')}`);
      const byId = new Map(sections.map((s) => [s.id, s]));
      for (const id of REPORT_SECTIONS) {
        const s = byId.get(id);
        expect(s, `section #${id}`).toBeDefined();
        expect(s!.height, `#${id} height`).toBeGreaterThan(20);
        expect(s!.heading, `#${id} heading`).not.toBe('');
        expect(s!.loaded, `#${id} figures loaded`).toBe(s!.images);
        if (id === 'timing') expect(s!.tableRows, '#timing rows').toBeGreaterThan(1);
        else expect(s!.images, `#${id} figures`).toBeGreaterThan(0);
      }
      if (process.env.EXPLAIN_SCREENSHOT) await reportPage.screenshot({ path: resolve(process.env.EXPLAIN_SCREENSHOT), fullPage: true });
    } finally {
      await reportPage.close();
    }
    expect(pageErrors).toEqual([]);
  }, 300_000);
});
