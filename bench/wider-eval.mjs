/**
 * `npm run bench:wider`: how long `retinaface eval wider` takes to score a full WIDER FACE
 * prediction set (the golden synthetic sets: 3226 images, ~40 000 boxes each), by phase: reading
 * the four ground-truth MAT-files, reading the prediction folder, and the evaluation proper. Wall
 * time and the process's CPU time (user + system), the median of --runs N (default 5) per set, in
 * one process over the built package (dist/). The machine is shared: the CPU time is the steadier
 * number, and the load average is printed.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readWiderGroundTruth } from '../dist/eval/wider-ground-truth.js';
import { readPredictionFolder } from '../dist/eval/wider-predictions.js';
import { evaluateWider } from '../dist/eval/wider.js';

const root = fileURLToPath(new URL('../../shared/golden/wider-eval/', import.meta.url));
const i = process.argv.indexOf('--runs');
const RUNS = i < 0 ? 5 : Number(process.argv[i + 1]);

function time(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = fn();
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wall, cpu: (cpu.user + cpu.system) / 1000 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = (label, runs) => `| ${label} | ${median(runs.map((r) => r.wall)).toFixed(0)} | ${median(runs.map((r) => r.cpu)).toFixed(0)} |`;

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${RUNS} runs, medians\n`);
console.log('| phase | wall ms | CPU ms |\n| --- | ---: | ---: |');
const gtRuns = Array.from({ length: RUNS }, () => time(() => readWiderGroundTruth(`${root}ground_truth`)));
console.log(row('read ground truth (4 MAT-files)', gtRuns));
const groundTruth = gtRuns[0].value;
for (const set of ['preds-a', 'preds-b', 'preds-c']) {
  const reads = Array.from({ length: RUNS }, () => time(() => readPredictionFolder(`${root}${set}`)));
  const evals = Array.from({ length: RUNS }, () => time(() => evaluateWider(groundTruth, reads[0].value)));
  const whole = reads.map((r, k) => ({ wall: r.wall + evals[k].wall + gtRuns[k].wall, cpu: r.cpu + evals[k].cpu + gtRuns[k].cpu }));
  console.log(row(`${set}: read predictions`, reads));
  console.log(row(`${set}: evaluate (3 settings)`, evals));
  console.log(row(`${set}: whole scoring (ground truth + predictions + evaluate)`, whole));
}
