/**
 * Where a forward on the wasm backend (src/ops/wasm) spends its time: the fused plan's steps,
 * each timed (they run synchronously), best of 5 forwards per step, summed by op and kernel kind,
 * then the slowest steps. Usage, compiled as harness.ts says:
 *   RETINAFACE_MODEL=../shared/models/mnet.25 node .../bench/kernels/wasm-steps.js [size] [top]
 */
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan, type PlanStep } from '../../src/net/graph.js';
import { convGeometry } from '../../src/ops/conv-geometry.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { tensor } from '../../src/tensor/tensor.js';
import { loadModel } from '../../src/weights/load.js';

const size = Number(process.argv[2] ?? '640');
const top = Number(process.argv[3] ?? '12');
const model = await loadModel();
const plan = fuse(buildPlan(model, size, size));
const backend = createWasmBackend();
const best = new Map<string, number>();
const input = tensor([1, 3, size, size]);
let total = Infinity;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const { trace } = await forward(plan, input, { backend });
  for (const r of trace) best.set(r.node, Math.min(best.get(r.node) ?? Infinity, r.ms));
  total = Math.min(total, performance.now() - t0);
}

const what = (step: PlanStep) => {
  if (step.op !== 'Convolution') return { kind: step.op, flop: 0 };
  const g = convGeometry(step.inputShapes[0], step.params[0].shape, step.attrs);
  const kind = g.KH === 1 ? 'pointwise' : g.g === 1 ? 'dense 3×3' : 'depthwise 3×3';
  return { kind: `Convolution ${kind}`, flop: 2 * g.OC * (g.IC / g.g) * g.KH * g.KW * g.OH * g.OW };
};
const byKind = new Map<string, { ms: number; flop: number }>();
for (const step of plan.steps) {
  const { kind, flop } = what(step);
  const row = byKind.get(kind) ?? { ms: 0, flop: 0 };
  row.ms += best.get(step.name)!;
  row.flop += flop;
  byKind.set(kind, row);
}
const sum = [...best.values()].reduce((a, b) => a + b, 0);
console.log(`${size}×${size} wasm: best forward ${total.toFixed(1)} ms, sum of best steps ${sum.toFixed(1)} ms`);
for (const [kind, { ms, flop }] of [...byKind].sort((a, b) => b[1].ms - a[1].ms)) {
  console.log(`  ${kind.padEnd(28)} ${ms.toFixed(1).padStart(6)} ms${flop ? `  ${(flop / 1e9).toFixed(3)} GFLOP  ${(flop / ms / 1e6).toFixed(1)} GFLOP/s` : ''}`);
}
for (const step of [...plan.steps].sort((a, b) => best.get(b.name)! - best.get(a.name)!).slice(0, top)) {
  const { kind, flop } = what(step);
  console.log(`  ${step.name.padEnd(34)} ${kind.padEnd(26)} ${best.get(step.name)!.toFixed(2).padStart(6)} ms${flop ? `  ${(flop / best.get(step.name)! / 1e6).toFixed(1)} GFLOP/s` : ''}`);
}
