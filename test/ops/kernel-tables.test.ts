/**
 * Which ops each backend runs itself (its kernel table, ops/backend.ts) and which it leaves to the
 * reference: written out here, so that a kernel dropped from a table, or a fallback added, is a
 * failing test and not a silent change of what runs; and a node a backend declines runs, and is
 * reported, as the reference, on the backend's values.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { kernelFor, referenceBackend, type OpNode } from '../../src/ops/backend.js';
import { REGISTRY } from '../../src/ops/registry.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { modeUnavailable } from '../../src/ops/gpu/device.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { softmax } from '../../src/ops/softmax.js';
import { randomTensors, seedOf } from '../helpers/random.js';

const OPS = [...REGISTRY.keys()];
const missing = (kernels: object) => OPS.filter((op) => !(op in kernels));

describe('kernel tables', () => {
  const wasm = createWasmBackend({ threads: 1 });
  afterAll(() => wasm.destroy());

  it('reference: no kernels of its own, every op runs the registry\'s reference', () => {
    expect(missing(referenceBackend.kernels)).toEqual(OPS);
  });

  it('wasm: every op but BatchNorm (folded into the convolutions by net/fuse.ts) and Reshape', () => {
    expect(missing(wasm.kernels)).toEqual(['BatchNorm', 'Reshape']);
    expect(Object.keys(wasm.kernels).filter((op) => !OPS.includes(op))).toEqual([]);
  });

  it.skipIf(modeUnavailable('webasm') !== null)(`gpujs: every op${modeUnavailable('webasm') ? ` — skipped: ${modeUnavailable('webasm')}` : ''}`, () => {
    const gpu = createGpuBackend('webasm');
    try {
      expect(missing(gpu.kernels)).toEqual([]);
    } finally {
      gpu.destroy();
    }
  });

  it('wasm declines a softmax over another axis than the channels: it runs the reference, reported as such', async () => {
    const x = randomTensors(seedOf('softmax axis 3'))([1, 4, 3, 5]);
    const node = (axis: number): OpNode => ({ name: 'sm', op: 'softmax', attrs: { axis }, inputShapes: [x.shape], params: [], paramNames: [], shape: x.shape });
    expect(kernelFor(wasm, node(1)).kernel).toBe('wasm-simd128');
    expect(kernelFor(wasm, node(-3)).kernel).toBe('wasm-simd128');
    const chosen = kernelFor(wasm, node(3));
    expect(chosen.kernel).toBe('reference');
    const out = await wasm.download(await chosen.run(node(3), [await wasm.upload(x)]));
    expect(Array.from(out.data)).toEqual(Array.from(softmax(x, { axis: 3 }).data));
  });
});
