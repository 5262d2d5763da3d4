/**
 * Every one of the 162 op nodes of mnet.25 against the golden float32 outputs, for two input
 * sizes: 168×328 (both FPN Crops cut in both dimensions) and 180×320 (only crop1 cuts, in
 * height). One case per node, named after it, in graph order, so the first broken layer is named.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/net/graph.js';
import { forward, type ForwardResult } from '../../src/net/forward.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenTensor, readManifest } from '../helpers/golden.js';

const MODEL = '../shared/models/mnet.25';

for (const caseName of ['layers-t4-328x168', 'layers-t4-320x180']) {
  describe(caseName, () => {
    const manifest = readManifest(caseName);
    // the two manifests spell the graph order differently
    const nodes: string[] = manifest.node_order ?? manifest.nodes_in_graph_order.map((n: { name: string }) => n.name);
    let result: ForwardResult;
    let planOrder: string[];

    beforeAll(async () => {
      const data = readGoldenTensor(caseName, 'data.npy');
      const plan = buildPlan(await loadModel(new URL(`../../${MODEL}`, import.meta.url).pathname), data.shape[2], data.shape[3]);
      planOrder = plan.steps.map((s) => s.name);
      result = await forward(plan, data, { keep: 'all' });
    });

    it('the plan has the golden nodes in the golden order', () => {
      expect(planOrder).toEqual(nodes);
    });

    for (const node of nodes) {
      it(node, () => {
        expectTensorClose(node, result.nodes.get(node)!, readGoldenTensor(caseName, `${node}.npy`));
      });
    }

    it('the heads are the kept nodes of the same names', () => {
      expect([...result.heads.keys()]).toEqual(HEAD_NAMES);
      for (const [name, t] of result.heads) expect(t).toBe(result.nodes.get(name));
    });
  });
}
