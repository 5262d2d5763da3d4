/**
 * Times the reference forward pass (plain-loop kernels of src/ops, backend 'cpu') at 640×640, the
 * training crop size, and splits the time by op. The minimum of the runs is reported, since other
 * processes on the machine only ever add time. Run it compiled:
 *   npx tsc bench/reference-forward.ts --outDir node_modules/.cache/rf-ref --module nodenext --target es2022 --types node --skipLibCheck
 *   node node_modules/.cache/rf-ref/bench/reference-forward.js [model dir] [runs]
 */
import { forward } from '../src/net/forward.js';
import { buildPlan } from '../src/net/graph.js';
import { tensor } from '../src/tensor/tensor.js';
import { loadModel } from '../src/weights/load.js';

const SIZE = 640;
const [modelDir, runsText = '3'] = process.argv.slice(2);

const model = await loadModel(modelDir);
const plan = buildPlan(model, SIZE, SIZE);
const input = tensor([1, 3, SIZE, SIZE]);
for (let i = 0; i < input.data.length; i++) input.data[i] = (i * 7919) % 256;

let best = Infinity;
let bestByOp = new Map<string, number>();
for (let run = 0; run < Number(runsText); run++) {
  const byOp = new Map<string, number>();
  const t0 = performance.now();
  const { trace } = await forward(plan, input);
  const ms = performance.now() - t0;
  for (const r of trace) byOp.set(r.op, (byOp.get(r.op) ?? 0) + r.ms);
  console.log(`run ${run + 1}: ${ms.toFixed(0)} ms`);
  if (ms < best) [best, bestByOp] = [ms, byOp];
}
console.log(`reference forward ${SIZE}×${SIZE}: best ${best.toFixed(0)} ms over ${runsText} runs (node ${process.version})`);
for (const [op, ms] of [...bestByOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op.padEnd(14)} ${ms.toFixed(0).padStart(6)} ms`);
