/**
 * Issue acceptance: convert → load the safetensors → the network gives the same outputs, bit for
 * bit, as from the MXNet files (the golden t4 input at 168×328, every one of the 162 nodes).
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { run as convert } from '../../src/cli/convert.js';
import { forward } from '../../src/net/forward.js';
import { buildPlan } from '../../src/net/graph.js';
import { tensor } from '../../src/tensor/tensor.js';
import { loadModel } from '../../src/weights/load.js';
import { readGoldenF32 } from '../helpers/golden.js';
import { modelDir, scratchDir } from './model-files.js';

describe('safetensors round trip', () => {
  it('every node of layers-t4-328x168 is bit for bit the same from the converted file', async () => {
    const out = join(scratchDir(), 'mnet.25.safetensors');
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await convert(['--model', modelDir, '--out', out])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const data = readGoldenF32('layers-t4-328x168', 'data.npy');
    const input = tensor(data.shape, data.data);
    const [mxnet, converted] = await Promise.all([loadModel(modelDir), loadModel(out)]);
    const a = await forward(buildPlan(mxnet, 168, 328), input, { keep: 'all' });
    const b = await forward(buildPlan(converted, 168, 328), input, { keep: 'all' });
    expect(a.nodes.size).toBe(162);
    expect([...b.nodes.keys()]).toEqual([...a.nodes.keys()]);
    for (const [name, t] of a.nodes) expect(Buffer.from(b.nodes.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
  });
});
