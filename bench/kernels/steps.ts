/**
 * Where a 640×640 forward spends its time, step by step (fused plan, each step awaited and timed,
 * the best of 3 forwards per step): the steps sorted by time with their kernel kind, geometry and
 * GFLOP/s. Usage, compiled as harness.ts says:
 *   RETINAFACE_MODEL=../shared/models/mnet.25 node .../bench/kernels/steps.js [mode] [size] [top]
 */
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { convolutionKind } from '../../src/ops/gpu/convolution.js';
import { convGeometry } from '../../src/ops/conv-geometry.js';
import { tensor } from '../../src/tensor/tensor.js';
import { loadModel } from '../../src/weights/load.js';
import { modeFromArgv } from './harness.js';

const mode = modeFromArgv();
const size = Number(process.argv[3] ?? '640');
const top = Number(process.argv[4] ?? '25');
const model = await loadModel();
const plan = fuse(buildPlan(model, size, size));
const backend = createGpuBackend(mode);
const best = new Map<string, number>();
let total = Infinity;
const input = tensor([1, 3, size, size]);
await forward(plan, input, { backend });
best.clear();
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  const { trace } = await forward(plan, input, { backend });
  for (const r of trace) best.set(r.node, Math.min(best.get(r.node) ?? Infinity, r.ms));
  total = Math.min(total, performance.now() - t0);
}
const rows = plan.steps.map((step) => {
  let what: string = step.op;
  let flop = 0;
  if (step.op === 'Convolution') {
    const g = convGeometry(step.inputShapes[0], step.params[0].shape, step.attrs);
    what = `${convolutionKind(g) ?? '?'} ${g.IC}→${g.OC} k${g.KH} s${g.sy} @${g.OW}×${g.OH}`;
    flop = 2 * g.OC * (g.IC / g.g) * g.KH * g.KW * g.OH * g.OW;
  }
  return { name: step.name, what, ms: best.get(step.name)!, flop };
});
const sum = rows.reduce((s, r) => s + r.ms, 0);
console.log(`${size}×${size} ${mode}: best forward ${total.toFixed(0)} ms, sum of best steps ${sum.toFixed(0)} ms, ${rows.length} steps`);
for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, top)) {
  console.log(`  ${r.name.padEnd(40)} ${r.what.padEnd(34)} ${r.ms.toFixed(1).padStart(6)} ms${r.flop ? `  ${(r.flop / r.ms / 1e6).toFixed(2)} GFLOP/s` : ''}`);
}
backend.destroy();
