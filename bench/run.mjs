/**
 * `npm run bench`: our engine and the comparators side by side, in one run on this machine, and
 * the tables written into BENCHMARKS.md (between the `bench:run` markers; the rest of the file is
 * left alone). Plain JavaScript over the built package (dist/), so it needs no TypeScript runner.
 *
 * Every row is its own process, so each peak RSS belongs to that row alone:
 *   ours         node dist/cli/main.js bench --backend B --size SxS --json   (B = wasm, webasm, headlessgl, cpu)
 *   comparators  node bench/comparators/measure.mjs ENGINE ...                (see that file)
 * at 320², 640² and 1280² (forward; our rows run detect at scale 0.05 to stay short, and report
 * forward_peak_rss_mb, the peak before that detect, which decodes the whole photo), then a detect
 * of t1.jpg and of t2.jpg (5334×2767) at the detector's default scale, where
 * the comparators get the same decoded, resized photo (dist/image) and run their forward on it.
 * headlessgl rows run when there is an X display or `xvfb-run` is installed. The 1-minute load
 * average is taken before every row: the machine is shared, so read a table against itself.
 *
 * Options: --runs N (timed runs per row after warm-up, default 5; cpu and headlessgl rows use at
 * most 2), --sizes 320,640,1280, --no-detect (forward rows only), --fast (no headlessgl and cpu rows),
 * --no-write (print only).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = fileURLToPath(new URL('../../shared/', import.meta.url));
const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i < 0 ? fallback : argv[i + 1];
};
const RUNS = Number(flag('runs', '5'));
const SIZES = flag('sizes', '320,640,1280').split(',').map(Number);
const WRITE = !argv.includes('--no-write');
const DETECT = !argv.includes('--no-detect');
const FAST = argv.includes('--fast');
const PHOTOS = ['t1.jpg', 't2.jpg'];
const started = new Date();
const utc = (d) => d.toISOString().slice(0, 16).replace('T', ' ');

if (!existsSync(`${root}dist/cli/main.js`)) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
if (!existsSync(`${root}bench/comparators/node_modules`)) throw new Error('comparators missing: run `npm run bench:setup` first (npm run bench does)');

const hasXvfb = spawnSync('sh', ['-c', 'command -v xvfb-run'], { encoding: 'utf8' }).status === 0;
const canHeadlessGl = Boolean(process.env.DISPLAY) || hasXvfb;
const slowRuns = Math.min(RUNS, 2);

/** Our rows: [label, backend, runs]. */
const OURS = [
  ['ours wasm (default)', 'wasm', RUNS],
  ['ours gpu.js webasm', 'gpujs-webasm', RUNS],
  ...(canHeadlessGl && !FAST ? [['ours gpu.js headlessgl', 'gpujs-headlessgl', slowRuns]] : []),
  ...(FAST ? [] : [['ours cpu', 'cpu', slowRuns]]),
];
/** Comparator rows: [label, engine]. */
const COMPARATORS = [
  ['onnxruntime-node (cpu EP)', 'ort-node'],
  ['onnxruntime-web wasm, 1 thread', 'ort-web-1'],
  ['onnxruntime-web wasm, 2 threads', 'ort-web-2'],
  ['retinaface-wasm (ncnn, simd)', 'retinaface-wasm'],
];

/** Runs one row's process and returns its JSON line plus the load average before it. */
function measure(label, command, args) {
  const load = loadavg()[0];
  process.stderr.write(`  ${label}: ${[command, ...args].join(' ')} (load ${load.toFixed(2)})\n`);
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, RETINAFACE_MODEL: process.env.RETINAFACE_MODEL ?? `${shared}models/mnet.25` } });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  if (r.status !== 0 || !line.startsWith('{')) {
    process.stderr.write(`    failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}\n`);
    return { label, load, error: (r.stderr || r.stdout).trim().split('\n').at(-1) };
  }
  return { label, load, ...JSON.parse(line) };
}

function ours(backend, runs, extra) {
  const args = ['dist/cli/main.js', 'bench', '--backend', backend, '--runs', String(runs), '--json', ...extra];
  if (backend === 'gpujs-headlessgl' && !process.env.DISPLAY) return ['xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', 'node', ...args]];
  return ['node', args];
}

const forwardRows = [];
for (const size of SIZES) {
  process.stderr.write(`forward ${size}x${size}\n`);
  for (const [label, backend, runs] of OURS) {
    const [cmd, args] = ours(backend, runs, ['--size', `${size}x${size}`, '--scale', '0.05']);
    forwardRows.push({ ...measure(label, cmd, args), size });
  }
  for (const [label, engine] of COMPARATORS) {
    forwardRows.push({ ...measure(label, 'node', ['bench/comparators/measure.mjs', engine, `${size}x${size}`, String(RUNS)]), size });
  }
}

const detectRows = [];
for (const photo of DETECT ? PHOTOS : []) {
  process.stderr.write(`detect ${photo}\n`);
  for (const [label, backend, runs] of OURS) {
    const [cmd, args] = ours(backend, runs, ['--size', '64x64', '--image', `${shared}images/${photo}`]);
    detectRows.push({ photo, ...measure(label, cmd, args) });
  }
  if (photo !== 't2.jpg') continue;
  for (const [label, engine] of COMPARATORS) {
    detectRows.push({ photo, ...measure(label, 'node', ['bench/comparators/measure.mjs', engine, `photo:${shared}images/${photo}`, String(RUNS)]) });
  }
}

const markdown = report(forwardRows, detectRows);
process.stdout.write(markdown);
if (WRITE) {
  const file = `${root}BENCHMARKS.md`;
  const begin = '<!-- bench:run begin (written by npm run bench) -->';
  const end = '<!-- bench:run end -->';
  const text = readFileSync(file, 'utf8');
  const block = `${begin}\n${markdown}${end}`;
  const at = text.indexOf(begin);
  const next = at < 0 ? `${text.trimEnd()}\n\n${block}\n` : text.slice(0, at) + block + text.slice(text.indexOf(end) + end.length);
  writeFileSync(file, next);
  process.stderr.write(`wrote ${file}\n`);
}

function version(pkg) {
  const dir = pkg === 'gpu.js' ? `${root}node_modules/gpu.js` : `${root}bench/comparators/node_modules/${pkg}`;
  try {
    return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;
  } catch {
    return '?';
  }
}

function report(forward, detect) {
  const ms = (r) => (r.error ? `failed: ${r.error}` : `${r.forward_ms?.median ?? r.detect_ms?.median}`);
  const spread = (s) => `${s.median} (${s.min}–${s.max})`;
  const ref = (size) => forward.find((r) => r.size === size && r.engine === 'ort-web-2' && !r.error);
  const lines = [];
  const cpu = cpus();
  lines.push('## Side by side: `npm run bench`', '');
  lines.push(
    `Run ${utc(started)}–${utc(new Date()).slice(11)} UTC on ${cpu.length} × ${cpu[0]?.model ?? '?'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}; gpu.js ${version('gpu.js')}, onnxruntime-node ${version('onnxruntime-node')}, ` +
      `onnxruntime-web ${version('onnxruntime-web')}, retinaface-wasm ${version('retinaface-wasm')}. ` +
      `Each row is a fresh process: cold start (load + compile + first run), one warm-up, then ${RUNS} timed runs ` +
      `(${slowRuns} for cpu and headlessgl); ms as median (min–max). "load" is the 1-minute load average when the row started ` +
      `(2 cores, shared with other sessions).`,
    '',
  );
  lines.push('### Forward pass (input tensor → nine heads)', '');
  lines.push('| size | engine | forward ms | × ort-web 2 threads | ms per Mpixel | cold start ms | peak RSS MB | load |', '|---|---|---|---|---|---|---|---|');
  for (const r of forward) {
    if (r.error) {
      lines.push(`| ${r.size}² | ${r.label} | ${ms(r)} | | | | | ${r.load.toFixed(1)} |`);
      continue;
    }
    const base = ref(r.size);
    const ratio = base ? (r.forward_ms.median / base.forward_ms.median).toFixed(1) : '—';
    const perMp = (r.forward_ms.median / ((r.size * r.size) / 1e6)).toFixed(0);
    lines.push(`| ${r.size}² | ${r.label}${r.kernel ? ` (${r.kernel})` : ''} | ${spread(r.forward_ms)} | ${ratio} | ${perMp} | ${r.cold_start_ms} | ${r.forward_peak_rss_mb ?? r.peak_rss_mb} | ${r.load.toFixed(1)} |`);
  }
  lines.push('');
  const default640 = forward.find((r) => r.size === 640 && r.backend === 'wasm' && !r.error);
  const base640 = ref(640);
  if (default640 && base640) {
    const limit = 4 * base640.forward_ms.median;
    lines.push(
      `**Target (issue 4): the default backend's forward at 640² ≤ 4 × onnxruntime-web wasm 2 threads, same run: ` +
        `${default640.forward_ms.median} ms vs 4 × ${base640.forward_ms.median} = ${limit.toFixed(0)} ms → ` +
        `${default640.forward_ms.median <= limit ? 'met' : 'not met'}** (the default backend is wasm, our WebAssembly SIMD kernels).`,
      '',
    );
  }
  lines.push('### Detect on a photo at the default scale (short side 1024, long side ≤ 1980)', '');
  lines.push(
    'Ours: `RetinaFace.detect(path)` end to end (read, decode, resize, forward, anchors, NMS). Comparators: forward only, on the same ' +
      'photo decoded and resized by dist/image beforehand (their peak RSS includes the decoded photo; retinaface-wasm adds its own decode/NMS).',
    '',
  );
  lines.push('| photo | engine | ms | peak RSS MB | load |', '|---|---|---|---|---|');
  for (const r of detect) {
    if (r.error) {
      lines.push(`| ${r.photo} | ${r.label} | ${ms(r)} | | ${r.load.toFixed(1)} |`);
      continue;
    }
    const s = r.detect_ms ?? r.forward_ms;
    const input = r.input ? ` (input ${r.input})` : '';
    lines.push(`| ${r.photo} | ${r.label}${r.kernel ? ` (${r.kernel})` : ''}${input} | ${spread(s)} | ${r.peak_rss_mb} | ${r.load.toFixed(1)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
