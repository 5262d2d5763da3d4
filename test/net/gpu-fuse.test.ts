/**
 * net/fuse.ts: which chains fold, that kept nodes survive the rewrite, and that a fused plan with
 * a kept node still matches the golden files on the gpu.js backend (webasm, the small layers case).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenF32 } from '../helpers/golden.js';


const model = await loadModel();
const plan = buildPlan(model, 168, 328);

describe('fuse', () => {
  it('folds every BatchNorm, and every relu that follows one; relus after a Concat stay', () => {
    const fused = fuse(plan);
    expect(fused.steps.filter((s) => s.op === 'BatchNorm')).toEqual([]);
    const producers = new Map(plan.steps.map((s) => [s.name, s.op]));
    for (const step of fused.steps.filter((s) => s.op === 'Activation')) expect(producers.get(step.inputs[0])).toBe('Concat');
    const bnThenRelu = plan.steps.filter((s) => s.op === 'Activation' && producers.get(s.inputs[0]) === 'BatchNorm').length;
    expect(fused.steps.filter((s) => s.relu === true).length).toBe(bnThenRelu);
    expect(fused.heads).toEqual(plan.heads);
  });

  it('keeps a kept node: its chain folds only up to it', () => {
    const fused = fuse(plan, ['mobilenet0_batchnorm0_fwd']);
    const names = fused.steps.map((s) => s.name);
    expect(names).toContain('mobilenet0_batchnorm0_fwd');
    expect(names).not.toContain('mobilenet0_conv0_fwd');
    expect(names).toContain('mobilenet0_relu0_fwd');
    expect(fused.steps[names.indexOf('mobilenet0_batchnorm0_fwd')].relu).toBe(false);
  });

  describe('on gpu.js webasm', () => {
    const backend = createGpuBackend('webasm');
    afterAll(() => backend.destroy());

    it('a fused plan with a kept inner node matches the golden node and heads', async () => {
      const caseName = 'layers-t4-328x168';
      const keep = ['mobilenet0_batchnorm0_fwd', 'rf_c2_det_concat'];
      const { heads, nodes } = await forward(fuse(plan, keep), readGoldenF32(caseName, 'data.npy'), { backend, keep });
      for (const name of keep) expectTensorClose(name, nodes.get(name)!, readGoldenF32(caseName, `${name}.npy`));
      for (const [name, value] of heads) expectTensorClose(name, value, readGoldenF32(caseName, `${name}.npy`));
    });
  });
});
