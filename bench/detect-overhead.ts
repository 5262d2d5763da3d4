/**
 * The second target, `detect` against the forward at its own network input, in one
 * process: `detect(photo)` at the default scale, then the forward alone on an input of that size,
 * alternating, best of RUNS each. Both as wall time and as the process's CPU time (user + system,
 * all its threads), which a machine shared with other work inflates less. One thread by default,
 * so the CPU time is the work itself. Usage, compiled as bench/kernels/harness.ts says:
 *   RETINAFACE_MODEL=models/mnet.25 node node_modules/.cache/rf-bench/bench/detect-overhead.js [photo=../shared/images/t1.jpg] [runs=5] [threads=1]
 */
import { forward } from '../src/net/forward.js';
import { RetinaFace } from '../src/index.js';
import { tensor } from '../src/tensor/tensor.js';
import { createEngine } from '../src/detect/engine.js';
import { loadModel } from '../src/weights/load.js';

const photo = process.argv[2] ?? '../shared/images/t1.jpg';
const runs = Number(process.argv[3] ?? '5');
const threads = Number(process.argv[4] ?? '1');
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const detector = await RetinaFace.load({ threads });
let size = { height: 0, width: 0 };
await detector.detect(photo, { onHeads: (_, input) => (size = input) });
// the forward alone: the same model and backend, on an engine of its own
const engine = await createEngine('wasm', { threads });
const model = await loadModel();
const plan = engine.plan(model, size.height, size.width);
const x = tensor([1, 3, size.height, size.width]);
await forward(plan, x, { backend: engine.backend });

const best = { detect: [Infinity, Infinity], forward: [Infinity, Infinity] };
const time = async (what: keyof typeof best, run: () => Promise<unknown>) => {
  const [w0, c0] = [performance.now(), cpuMs()];
  await run();
  best[what] = [Math.min(best[what][0], performance.now() - w0), Math.min(best[what][1], cpuMs() - c0)];
};
for (let r = 0; r < runs; r++) {
  await time('detect', () => detector.detect(photo));
  await time('forward', () => forward(plan, x, { backend: engine.backend }));
}
detector.dispose();
engine.destroy();
const [dw, dc] = best.detect;
const [fw, fc] = best.forward;
console.log(`${photo}: network input ${size.width}×${size.height}, ${threads} thread(s), best of ${runs}`);
console.log(`  wall: detect ${dw.toFixed(0)} ms, forward ${fw.toFixed(0)} ms, detect/forward ${(dw / fw).toFixed(2)}`);
console.log(`  CPU:  detect ${dc.toFixed(0)} ms, forward ${fc.toFixed(0)} ms, detect/forward ${(dc / fc).toFixed(2)}`);
