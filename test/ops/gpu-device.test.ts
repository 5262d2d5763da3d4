/**
 * The gpu.js device: which kernel class each mode runs (never a silent fallback), an unavailable
 * mode refused with its reason, kernels compiled once per shape, and the blocked layout's round
 * trip. Kernel arithmetic is checked against the reference ops in gpu-agrees.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import gpujs from 'gpu.js';
import { GpuDevice, modeUnavailable, type GpuMode } from '../../src/ops/gpu/device.js';
import { fromBlocked, storedWidth, toBlocked } from '../../src/ops/gpu/device-tensor.js';
import { elemwiseAdd } from '../../src/ops/gpu/elemwise-add.js';
import { randomArray } from '../helpers/random.js';

const EXPECTED: Record<Exclude<GpuMode, 'gpu'>, string> = {
  webasm: 'WebAssemblyKernel',
  headlessgl: 'HeadlessGLKernel',
  webgl2: 'WebGL2Kernel',
  cpu: 'CPUKernel',
};

describe('blocked layout', () => {
  it('round-trips (1,6,5,7) exactly, with a zero border, zero padding channels and rows a multiple of 4 wide', () => {
    const t = { shape: [1, 6, 5, 7], data: randomArray(6 * 5 * 7, 11) };
    const g = toBlocked(t);
    expect(storedWidth(7)).toBe(12);
    expect(g.data.length).toBe(2 * 7 * 12 * 4);
    expect(fromBlocked(g).data).toEqual(t.data);
    let stored = 0;
    for (const v of g.data) if (v !== 0) stored++;
    expect(stored).toBe(6 * 5 * 7);
  });

  it('refuses a batch of 2 with the shape in the message', () => {
    expect(() => toBlocked({ shape: [2, 1, 1, 1], data: new Float32Array(2) })).toThrow(/\(2,1,1,1\)/);
  });
});

for (const mode of Object.keys(EXPECTED) as (keyof typeof EXPECTED)[]) {
  const why = modeUnavailable(mode);
  describe.skipIf(why !== null)(`gpu.js mode ${mode}${why ? ` — skipped: ${why}` : ''}`, () => {
    const device = why === null ? new GpuDevice(mode) : (null as unknown as GpuDevice);
    afterAll(() => device?.destroy());

    it(`runs ${EXPECTED[mode]} and compiles a shape once`, async () => {
      const a = toBlocked({ shape: [1, 5, 3, 6], data: randomArray(90, 1) });
      const b = toBlocked({ shape: [1, 5, 3, 6], data: randomArray(90, 2) });
      const sum = fromBlocked(await elemwiseAdd(device, a, b));
      await elemwiseAdd(device, a, b);
      expect(device.compiledKernels).toBe(1);
      expect([...device.ran]).toEqual([EXPECTED[mode]]);
      expect(device.kernelClass).toBe(EXPECTED[mode]);
      const want = fromBlocked(a).data.map((v, i) => v + fromBlocked(b).data[i]);
      expect(sum.data).toEqual(want);
    });
  });
}

describe('mode gpu', () => {
  it('is gpu.js auto choice: headlessgl when available, else webasm', () => {
    const device = new GpuDevice('gpu');
    expect(device.kernelClass).toBe(gpujs.GPU.isHeadlessGLSupported ? 'HeadlessGLKernel' : 'WebAssemblyKernel');
    device.destroy();
  });
});

describe.skipIf(modeUnavailable('headlessgl') === null)('headlessgl unavailable here', () => {
  it('is refused with the reason, not replaced by another backend', () => {
    expect(() => new GpuDevice('headlessgl')).toThrow(/xvfb-run/);
  });
});
