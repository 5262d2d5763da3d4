/**
 * Every node of the golden every-layer cases through the gpu.js backend, one test per node named
 * after it, on the unfused plan (each node its own kernel, so each golden file has a counterpart),
 * then the fused plan's heads (the fast path: BatchNorm and relu folded, net/fuse.ts).
 * webasm runs both cases; headlessgl (it compiles ~0.15 s per kernel) the smaller one, when an X
 * display is present, otherwise it is a visible skip with the reason.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forward, type ForwardResult } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan, type Plan } from '../../src/net/graph.js';
import { createGpuBackend, type GpuBackend } from '../../src/ops/gpu/backend.js';
import { modeUnavailable, type GpuMode } from '../../src/ops/gpu/device.js';
import { loadModel } from '../../src/weights/load.js';
import type { Model } from '../../src/weights/model.js';
import { expectTensorClose, readGoldenF32 } from '../helpers/golden.js';

const RUNS: { caseName: string; mode: GpuMode; kernel: string }[] = [
  { caseName: 'layers-t4-320x180', mode: 'webasm', kernel: 'WebAssemblyKernel' },
  { caseName: 'layers-t4-328x168', mode: 'webasm', kernel: 'WebAssemblyKernel' },
  { caseName: 'layers-t4-328x168', mode: 'headlessgl', kernel: 'HeadlessGLKernel' },
];

const model: Model = await loadModel();

for (const { caseName, mode, kernel } of RUNS) {
  const why = modeUnavailable(mode);
  describe.skipIf(why !== null)(`${caseName} on gpu.js ${mode}${why ? ` — skipped: ${why}` : ''}`, () => {
    const data = why === null ? readGoldenF32(caseName, 'data.npy') : null;
    let backend: GpuBackend;
    let plan: Plan;
    let every: ForwardResult;
    beforeAll(async () => {
      backend = createGpuBackend(mode);
      plan = buildPlan(model, data!.shape[2], data!.shape[3]);
      every = await forward(plan, data!, { backend, keep: 'all' });
    });
    afterAll(() => backend?.destroy());

    it(`ran ${kernel}`, () => {
      expect([...backend.device.ran]).toEqual([kernel]);
      expect(every.nodes.size).toBe(162);
    });

    // one case per golden node, in graph order
    for (const { name } of why === null ? buildPlan(model, data!.shape[2], data!.shape[3]).steps : []) {
      it(name, () => {
        expectTensorClose(name, every.nodes.get(name)!, readGoldenF32(caseName, `${name}.npy`));
      });
    }

    it('fused plan (BatchNorm and relu folded): the nine heads', async () => {
      const fused = fuse(plan);
      expect(fused.steps.length).toBeLessThan(plan.steps.length);
      const { heads } = await forward(fused, data!, { backend });
      expect(heads.size).toBe(9);
      for (const [name, value] of heads) expectTensorClose(name, value, readGoldenF32(caseName, `${name}.npy`));
    });
  });
}
