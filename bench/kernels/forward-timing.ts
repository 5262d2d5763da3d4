/**
 * Times the gpu.js fast path for bench/kernels/network.ts: build and fuse the plan for H×W, run one
 * forward that compiles every kernel (the cold start), then `runs` warm forwards, each measured
 * from upload to the downloaded heads. The input is a fixed pattern of pixel values; the
 * arithmetic does not depend on them.
 */
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { tensor } from '../../src/tensor/tensor.js';
import type { Model } from '../../src/weights/model.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import type { GpuMode } from '../../src/ops/gpu/device.js';

export interface GpuForwardTiming {
  readonly mode: GpuMode;
  /** gpu.js kernel class that ran ("WebAssemblyKernel", "HeadlessGLKernel", "CPUKernel"). */
  readonly kernel: string;
  readonly height: number;
  readonly width: number;
  /** Distinct kernels compiled. */
  readonly kernels: number;
  /** The first forward, compiling every kernel, ms. */
  readonly coldMs: number;
  /** Each warm forward, ms, in run order. */
  readonly forwardMs: readonly number[];
}

export async function timeGpuForward(model: Model, options: { mode: GpuMode; height: number; width: number; runs: number }): Promise<GpuForwardTiming> {
  const { mode, height, width, runs } = options;
  const plan = fuse(buildPlan(model, height, width));
  const input = tensor([1, 3, height, width]);
  for (let i = 0; i < input.data.length; i++) input.data[i] = (i * 7919) % 256;
  const backend = createGpuBackend(mode);
  try {
    const t0 = performance.now();
    await forward(plan, input, { backend });
    const coldMs = performance.now() - t0;
    const forwardMs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      await forward(plan, input, { backend });
      forwardMs.push(performance.now() - t);
    }
    const { kernel, kernels } = backend.report();
    return { mode, kernel, height, width, kernels, coldMs, forwardMs };
  } finally {
    backend.destroy();
  }
}
