import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_KINDS } from '../../src/net/heads.js';
import { LEVELS, stageOf, STAGES } from '../../src/net/stages.js';
import { loadModel } from '../../src/weights/load.js';
import { readManifest } from '../helpers/golden.js';

describe('stages', () => {
  it('every one of the 162 golden nodes belongs to exactly one stage, with the counts of mnet.25', () => {
    const nodes: string[] = readManifest('layers-t4-320x180').node_order;
    const counts = new Map<string, number>();
    for (const node of nodes) {
      expect(STAGES.filter((s) => s.nodes.test(node)).map((s) => s.name), node).toHaveLength(1);
      counts.set(stageOf(node)!, (counts.get(stageOf(node)!) ?? 0) + 1);
    }
    // backbone: conv0 + 13 depthwise/pointwise pairs = 27 × (conv, bn, relu);
    // fpn: 5 conv-bn-relu (3 laterals, 2 aggr) + 2 × (upsampling, crop, add);
    // ssh: 3 levels × (conv1+bn, context conv1+bn+relu, conv2+bn, conv3_1+bn+relu, conv3_2+bn, concat, relu);
    // heads: 3 strides × (cls score, 2 reshapes, softmax, bbox, landmark)
    expect(Object.fromEntries(counts)).toEqual({ backbone: 81, fpn: 21, ssh: 42, heads: 18 });
  });

  it('LEVELS follow the graph: backbone → lateral → (+ the coarser level upsampled and cropped) → SSH → the three heads', async () => {
    const plan = buildPlan(await loadModel(), 64, 64);
    const step = (name: string) => {
      const found = plan.steps.find((s) => s.name === name);
      if (found === undefined) throw new Error(`no node ${name}`);
      return found;
    };
    /** Whether `from` reaches `to` through the graph's edges. */
    const reaches = (from: string, to: string): boolean => to === from || step(to).inputs.some((i) => i !== plan.input.name && reaches(from, i));
    expect(LEVELS.map((l) => l.stride)).toEqual([32, 16, 8]);
    LEVELS.forEach((level, i) => {
      expect([level.backbone, level.lateral, level.ssh].map((n) => step(n).stage), level.prefix).toEqual(['backbone', 'fpn', 'ssh']);
      expect(reaches(level.backbone, level.lateral), `${level.prefix}: backbone → lateral`).toBe(true);
      if (level.merge === undefined) {
        expect(i).toBe(0);
        expect(reaches(level.lateral, level.ssh)).toBe(true);
      } else {
        const { upsampling, crop, sum } = level.merge;
        expect(reaches(LEVELS[i - 1].lateral, upsampling), `${upsampling} comes from the coarser level`).toBe(true);
        expect(reaches(level.lateral, upsampling)).toBe(false);
        expect(step(crop).inputs[0]).toBe(upsampling);
        expect([...step(sum).inputs].sort()).toEqual([crop, level.lateral].sort());
        expect(reaches(sum, level.ssh)).toBe(true);
      }
      for (const kind of HEAD_KINDS) {
        const head = `face_rpn_${kind}_stride${level.stride}`;
        expect(reaches(level.ssh, head), `${level.ssh} → ${head}`).toBe(true);
      }
    });
  });
});
