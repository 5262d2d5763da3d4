/**
 * `detect(t1.jpg)` at targetSize 512 in Chromium, on the demo page's default backend (our wasm
 * kernels, in the page's detector Web Worker) on 1 and on 2 kernel threads: the page is built and
 * driven as the browser tests do (web/drive.ts). The page keeps one detector, so changing the
 * thread count starts a new worker: the runs go in blocks (1, 2, 1, 2 threads), each a warm-up run
 * (worker start, kernel compilation) and then RUNS/2 timed runs, so that the machine's load falls
 * on both alike; the time is the page's own (#result's `ms`, around detect).
 * Prints the median and minimum per thread count and a Markdown row for BENCHMARKS.md. Usage, with
 * the model named by $RETINAFACE_MODEL (serve.ts looks beside the compiled file otherwise):
 *   npx tsc -p tsconfig.json --outDir node_modules/.cache/rf-bench
 *   RETINAFACE_MODEL=../shared/models/mnet.25 xvfb-run -a node node_modules/.cache/rf-bench/bench/browser-detect.js [runs]
 * (run from the repository root: the page is built from web/).
 */
import { resolve } from 'node:path';
import { detectInPage, noBrowser, openDemo } from '../web/drive.js';

const RUNS = Number(process.argv[2] ?? '8');
const T1 = resolve('../shared/images/t1.jpg');
const THREADS = ['1', '2'];
if (noBrowser !== null) throw new Error(noBrowser);

const demo = await openDemo();
const times = new Map<string, number[]>(THREADS.map((t) => [t, []]));
const kernels = new Map<string, string>();
try {
  const run = (threads: string) => detectInPage(demo.page, T1, { backend: 'wasm', threads, targetSize: 512, threshold: 0.5 }, 300_000);
  for (const threads of [...THREADS, ...THREADS]) {
    kernels.set(threads, (await run(threads)).kernel);
    for (let r = 0; r < RUNS / 2; r++) times.get(threads)!.push((await run(threads)).ms);
  }
} finally {
  await demo.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const version = (await import('node:child_process')).execFileSync('/usr/bin/chromium', ['--version'], { encoding: 'utf8' }).trim();
console.log(`${version}; t1.jpg (1280×886) at targetSize 512 (network input 740×512), ${RUNS} timed runs per row`);
console.log('| threads | kernel | median ms | min ms |');
console.log('|---|---|---|---|');
for (const threads of THREADS) {
  const xs = times.get(threads)!;
  console.log(`| ${threads} | ${kernels.get(threads)} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)} |`);
}
