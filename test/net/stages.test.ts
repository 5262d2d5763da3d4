import { describe, expect, it } from 'vitest';
import { stageOf, STAGES } from '../../src/net/stages.js';
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
});

describe('stages of the mask model', () => {
  it('every one of the 218 nodes of mnet_cov2 belongs to exactly one stage', () => {
    const nodes: string[] = readManifest('cov2-layers-maksssksksss5-328x168').node_order;
    const counts = new Map<string, number>();
    for (const node of nodes) {
      expect(STAGES.filter((s) => s.nodes.test(node)).map((s) => s.name), node).toHaveLength(1);
      counts.set(stageOf(node)!, (counts.get(stageOf(node)!) ?? 0) + 1);
    }
    // backbone: the input scaling (2) + 27 × (conv, bn, relu); fpn as mnet.25's;
    // ssh: two modules per stride (face, type), 14 nodes each; heads: 3 × (mnet.25's 6 + the type head's 4)
    expect(Object.fromEntries(counts)).toEqual({ backbone: 83, fpn: 21, ssh: 84, heads: 30 });
  });
});
