/**
 * Every one of the 218 op nodes of mnet_cov2 (the mask-aware RetinaFace) against the golden
 * float32 outputs of cov2-layers-maksssksksss5-328x168, on the reference backend and on the wasm
 * backend (unfused plan: each node its own op, so each golden file has a counterpart), then the
 * twelve heads of the fused plan on wasm, the path detect() runs, and on gpu.js (webasm). One case
 * per node, named after it, so the first broken layer is named. The model is read from
 * ../shared/models/mnet_cov2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forward, type ForwardResult } from '../../src/net/forward.js';
import type { Backend } from '../../src/ops/backend.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan, type Plan } from '../../src/net/graph.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { createWasmBackend, type WasmBackend } from '../../src/ops/wasm/backend.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenTensor, readManifest, sharedDir } from '../helpers/golden.js';

const CASE = 'cov2-layers-maksssksksss5-328x168';
const model = await loadModel(`${sharedDir}/models/mnet_cov2`);
const nodes: string[] = readManifest(CASE).node_order;
const data = readGoldenTensor(CASE, 'data.npy');
const plan: Plan = buildPlan(model, data.shape[2], data.shape[3]);

it('the plan has the 218 golden nodes in the golden order, and twelve heads', () => {
  expect(nodes).toHaveLength(218);
  expect(plan.steps.map((s) => s.name)).toEqual(nodes);
  expect(plan.heads).toHaveLength(12);
});

it("27 BatchNorm nodes give only fix_gamma=True and get MXNet's defaults (γ 1, eps 1e-3); 35 carry eps 2e-5", () => {
  const attrs = plan.steps.flatMap((s) => (s.op === 'BatchNorm' ? [s.attrs] : []));
  expect(attrs.filter((a) => a.fix_gamma && a.eps === 1e-3)).toHaveLength(27);
  expect(attrs.filter((a) => !a.fix_gamma && a.eps === 2e-5)).toHaveLength(35);
});

const wasm: { backend?: WasmBackend } = {};
afterAll(() => wasm.backend?.destroy());

for (const name of ['cpu', 'wasm'] as const) {
  describe(`${CASE} on ${name}`, () => {
    let result: ForwardResult;
    beforeAll(async () => {
      const backend = name === 'cpu' ? undefined : (wasm.backend = createWasmBackend());
      result = await forward(plan, data, { keep: 'all', backend: backend as Backend<unknown> | undefined });
    });
    for (const node of nodes) {
      it(node, () => expectTensorClose(node, result.nodes.get(node)!, readGoldenTensor(CASE, `${node}.npy`)));
    }
  });
}

it('fused plan on wasm (BatchNorm with the fix_gamma / eps defaults folded): the twelve heads', async () => {
  const { heads } = await forward(fuse(plan), data, { backend: wasm.backend });
  expect([...heads.keys()]).toEqual(plan.heads);
  for (const [name, value] of heads) expectTensorClose(name, value, readGoldenTensor(CASE, `${name}.npy`));
});

it('fused plan on gpu.js webasm: the twelve heads', async () => {
  const gpu = createGpuBackend('webasm');
  try {
    const { heads } = await forward(fuse(plan), data, { backend: gpu });
    for (const [name, value] of heads) expectTensorClose(name, value, readGoldenTensor(CASE, `${name}.npy`));
    expect([...gpu.device.ran]).toEqual(['WebAssemblyKernel']);
  } finally {
    gpu.destroy();
  }
});
