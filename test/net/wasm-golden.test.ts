/**
 * The golden cases through the wasm backend (src/ops/wasm, the default): every node of both
 * every-layer cases on the unfused plan (each node its own op, so each golden file has a
 * counterpart), the nine heads of the fused plan (BatchNorm and relu folded, the path detect()
 * runs), and the nine heads of each photo case (heads-t1/t3/t4/t6, 1024 on the short side); then
 * that two threads give the one-thread heads bit for bit, and that a batch of input sizes reuses
 * the memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forward, kernelSummary, type ForwardResult } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan, type Plan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { inputTensor } from '../../src/net/input.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { WasmMemory } from '../../src/ops/wasm/memory.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenF32, readGoldenU8 } from '../helpers/golden.js';

const model = await loadModel();

for (const caseName of ['layers-t4-320x180', 'layers-t4-328x168']) {
  describe(`${caseName} on wasm`, () => {
    const data = readGoldenF32(caseName, 'data.npy');
    const plan: Plan = buildPlan(model, data.shape[2], data.shape[3]);
    const backend = createWasmBackend();
    afterAll(() => backend.destroy());
    let every: ForwardResult;
    beforeAll(async () => {
      every = await forward(plan, data, { backend, keep: 'all' });
    });

    it('kept every node', () => expect(every.nodes.size).toBe(162));

    it('the trace names the kernel of every node: BatchNorm and Reshape on the reference', () => {
      const prefix = backend.kernel.startsWith('wasm-simd128') ? backend.kernel : 'not wasm-simd128';
      expect(kernelSummary(every.trace)).toBe(`${prefix} + reference BatchNorm, Reshape`);
    });

    for (const { name } of plan.steps) {
      it(name, () => expectTensorClose(name, every.nodes.get(name)!, readGoldenF32(caseName, `${name}.npy`)));
    }

    it('fused plan (BatchNorm and relu folded): the nine heads', async () => {
      const { heads, trace } = await forward(fuse(plan), data, { backend });
      expect(kernelSummary(trace)).toBe(`${backend.kernel} + reference Reshape`);
      expect([...heads.keys()]).toEqual(HEAD_NAMES);
      for (const [name, value] of heads) expectTensorClose(name, value, readGoldenF32(caseName, `${name}.npy`));
    });
  });
}

describe('photo heads through the fused plan on wasm', () => {
  const backend = createWasmBackend();
  afterAll(() => backend.destroy());
  for (const caseName of ['heads-t1', 'heads-t3', 'heads-t4', 'heads-t6']) {
    it(caseName, async () => {
      const resized = readGoldenU8(caseName, 'resized.npy');
      const [H, W] = resized.shape;
      const { heads } = await forward(fuse(buildPlan(model, H, W)), inputTensor(resized.data, W, H), { backend });
      expect([...heads.keys()]).toEqual(HEAD_NAMES);
      for (const name of HEAD_NAMES) expectTensorClose(`${caseName} ${name}`, heads.get(name)!, readGoldenF32(caseName, `${name}.npy`));
    });
  }
});

describe('memory over a batch of input sizes', () => {
  it('a second round of five sizes, in another order, grows the memory by nothing', async () => {
    const memory = new WasmMemory();
    const backend = createWasmBackend({ memory });
    const sizes: [number, number][] = [[96, 128], [160, 120], [64, 64], [200, 136], [120, 96]];
    const once = async (list: [number, number][]) => {
      for (const [h, w] of list) await forward(fuse(buildPlan(model, h, w)), inputTensor(new Uint8Array(h * w * 3).fill(90), w, h), { backend });
    };
    await once(sizes);
    const after = memory.memory.buffer.byteLength;
    await once([...sizes].reverse());
    await once(sizes);
    expect(memory.memory.buffer.byteLength).toBe(after);
  });
});

describe('worker threads', () => {
  it('two threads (convolutions split by output channels or bands of rows) give the single-threaded heads bit for bit', async () => {
    const data = readGoldenF32('layers-t4-328x168', 'data.npy');
    const plan = fuse(buildPlan(model, data.shape[2], data.shape[3]));
    const one = createWasmBackend({ threads: 1 });
    const two = createWasmBackend({ threads: 2 });
    try {
      expect([one.threads.count, two.threads.count]).toEqual([1, 2]);
      // a worker takes tens of ms to start; until it is ready its ranges run on the caller
      await forward(plan, data, { backend: two });
      await new Promise((done) => setTimeout(done, 500));
      const before = two.threads.workerRuns;
      const a = await forward(plan, data, { backend: one });
      // On a loaded machine the caller may take most ranges of a forward before the worker wakes,
      // so forward again (each result checked) until the worker has run more than 50 ranges.
      let b = await forward(plan, data, { backend: two });
      for (let i = 0; ; i++) {
        for (const name of HEAD_NAMES) expect(b.heads.get(name)!.data).toEqual(a.heads.get(name)!.data);
        if (two.threads.workerRuns - before > 50 || i === 20) break;
        b = await forward(plan, data, { backend: two });
      }
      expect(two.threads.workerRuns - before).toBeGreaterThan(50);
      expectTensorClose('two threads', b.heads.get(HEAD_NAMES[0])!, readGoldenF32('layers-t4-328x168', `${HEAD_NAMES[0]}.npy`));
    } finally {
      two.destroy();
    }
  });
});
