#!/usr/bin/env node
/**
 * Batch throughput of `retinaface detect` over a folder of mixed photos: the shared images (six
 * JPEGs from 596×334 to 5334×2767, four PNGs) and generated variants of each (half size as JPEG,
 * a quarter as PNG, a centre crop as JPEG), each run a fresh process as a user would start it,
 * so the model load counts. Modes: the plain `--json` path, `--jsonl --jobs 1`, `--jsonl --jobs 2`.
 *
 *   npm run build && node bench/batch-throughput.mjs [--runs 2] [-- extra detect flags]
 *
 * Prints one Markdown row per mode: wall seconds of each run, images per second (best run), and
 * the CPU seconds per image of all the run's threads (children's utime + stime from /proc), which
 * other work on a shared machine moves far less than the wall time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const dist = (p) => import(join(root, 'dist', p));
const { decodeImage } = await dist('image/decode.js');
const { resizeLinear } = await dist('image/resize.js');
const { encodeJpeg, encodePng } = await dist('image/encode.js');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const extra = dash < 0 ? [] : argv.slice(dash + 1);
const runsAt = argv.indexOf('--runs');
const runs = runsAt < 0 ? 2 : Number(argv[runsAt + 1]);

const images = join(root, '../shared/images');
const sources = [
  ...readdirSync(images).filter((f) => f.endsWith('.jpg')).map((f) => join(images, f)),
  ...readdirSync(join(images, 'mask')).map((f) => join(images, 'mask', f)),
];
const folder = mkdtempSync(join(tmpdir(), 'retinaface-throughput-'));
let count = 0;
for (const file of sources) {
  const bytes = new Uint8Array(readFileSync(file));
  const stem = file.split('/').pop().replace(/\.\w+$/, '');
  const dir = join(folder, stem);
  mkdirSync(dir);
  writeFileSync(join(dir, file.split('/').pop()), bytes);
  const image = decodeImage(bytes);
  writeFileSync(join(dir, 'half.jpg'), encodeJpeg(resizeLinear(image, { fx: 0.5, fy: 0.5 })));
  writeFileSync(join(dir, 'quarter.png'), encodePng(resizeLinear(image, { fx: 0.25, fy: 0.25 })));
  const [w, h] = [Math.floor(image.width / 2), Math.floor(image.height / 2)];
  const [x0, y0] = [Math.floor(image.width / 4), Math.floor(image.height / 4)];
  const crop = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) crop.set(image.data.subarray(((y0 + y) * image.width + x0) * 3, ((y0 + y) * image.width + x0 + w) * 3), y * w * 3);
  writeFileSync(join(dir, 'crop.jpg'), encodeJpeg({ data: crop, width: w, height: h }));
  count += 4;
}

const modes = [
  ['--json (jobs 1)', ['--json']],
  ['--jsonl --jobs 1', ['--jsonl', '--jobs', '1']],
  ['--jsonl --jobs 2', ['--jsonl', '--jobs', '2']],
];
const seconds = new Map(modes.map(([name]) => [name, []]));
const cpu = new Map(modes.map(([name]) => [name, []]));
/** CPU seconds of this process's reaped children so far (/proc/self/stat cutime + cstime, in clock ticks of 1/100 s). */
const childCpu = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
};
for (let r = 0; r < runs; r++) {
  for (const [name, flags] of modes) {
    const [t0, c0] = [performance.now(), childCpu()];
    const out = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'detect', folder, ...flags, ...extra], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const s = (performance.now() - t0) / 1000;
    if (out.status !== 0) throw new Error(`${name}: exit ${out.status}: ${out.stderr}`);
    const entries = flags[0] === '--json' ? JSON.parse(out.stdout).length : out.stdout.trim().split('\n').length;
    if (entries !== count) throw new Error(`${name}: ${entries} entries for ${count} images`);
    seconds.get(name).push(s);
    cpu.get(name).push(childCpu() - c0);
  }
}
rmSync(folder, { recursive: true, force: true });
console.log(`${count} images, ${runs} runs per mode, modes interleaved; ${new Date().toISOString()}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| mode | wall s per run | images/s (best run) | CPU s per image |\n|---|---|---|---|');
for (const [name] of modes) {
  const s = seconds.get(name);
  const c = cpu.get(name).map((x) => (x / count).toFixed(2));
  console.log(`| ${name} | ${s.map((x) => x.toFixed(1)).join(', ')} | ${(count / Math.min(...s)).toFixed(2)} | ${c.join(', ')} |`);
}
