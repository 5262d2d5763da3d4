/**
 * The whole fused network on the gpu.js backend at several sizes: cold start, warm forward
 * (median of 5), and where the time goes by kernel kind (each step awaited and timed, so the
 * breakdown adds up to a little more than the plain forward). Usage, after compiling as
 * harness.ts says:  RETINAFACE_MODEL=../shared/models/mnet.25 node .../bench/kernels/network.js [mode] [sizes, e.g. 320,640,1280]
 */
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan, type PlanStep } from '../../src/net/graph.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { convolutionKind } from '../../src/ops/gpu/convolution.js';
import { timeGpuForward } from './forward-timing.js';
import { convGeometry } from '../../src/ops/conv-geometry.js';
import { tensor } from '../../src/tensor/tensor.js';
import { loadModel } from '../../src/weights/load.js';
import { modeFromArgv } from './harness.js';

const mode = modeFromArgv();
const sizes = (process.argv[3] ?? '320,640,1280').split(',').map(Number);
const model = await loadModel();

/** Kernel kind of a step and its FLOPs (2 per multiply-add; 0 for data movement). */
function classify(step: PlanStep): { kind: string; flop: number } {
  if (step.op !== 'Convolution') return { kind: 'other (add, crop, upsample, concat, relu, softmax, reshape)', flop: 0 };
  const g = convGeometry(step.inputShapes[0], step.params[0].shape, step.attrs);
  return { kind: `${convolutionKind(g)} convolution`, flop: 2 * g.OC * (g.IC / g.g) * g.KH * g.KW * g.OH * g.OW };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const size of sizes) {
  const t = await timeGpuForward(model, { mode, height: size, width: size, runs: 5 });
  console.log(
    `${size}×${size} on ${mode} (${t.kernel}): warm forward median ${median(t.forwardMs).toFixed(0)} ms ` +
      `(min ${Math.min(...t.forwardMs).toFixed(0)}, max ${Math.max(...t.forwardMs).toFixed(0)}), cold start ${t.coldMs.toFixed(0)} ms, ${t.kernels} kernels`,
  );

  const plan = fuse(buildPlan(model, size, size));
  const backend = createGpuBackend(mode);
  const spent = new Map<string, { ms: number; flop: number }>();
  const input = tensor([1, 3, size, size]);
  await forward(plan, input, { backend });
  const { trace } = await forward(plan, input, { backend });
  trace.forEach((r, i) => {
    const { kind, flop } = classify(plan.steps[i]);
    const row = spent.get(kind) ?? { ms: 0, flop: 0 };
    row.ms += r.ms;
    row.flop += flop;
    spent.set(kind, row);
  });
  for (const [kind, { ms, flop }] of spent) {
    console.log(`  ${kind.padEnd(62)} ${ms.toFixed(1).padStart(7)} ms${flop ? `  ${(flop / 1e9).toFixed(3)} GFLOP  ${(flop / ms / 1e6).toFixed(2)} GFLOP/s` : ''}`);
  }
  backend.destroy();
}
