/**
 * An engine: where detect() runs the network. 'cpu' is the reference backend (the textbook kernels
 * of src/ops) on the plan as built from the symbol; 'wasm' (the default) runs the hand-written
 * WebAssembly SIMD kernels of ops/wasm, and every other name is a gpu.js mode, both on the fused
 * plan (BatchNorm and relu folded into the convolutions, net/fuse.ts). Plans are built once per
 * input size and kept, the least recently used dropped past MAX_CACHED_PLANS.
 */
import { referenceBackend, type Backend } from '../ops/backend.js';
import { fuse } from '../net/fuse.js';
import { buildPlan, type Plan } from '../net/graph.js';
import type { Model } from '../weights/model.js';

export type BackendName = 'cpu' | 'wasm' | 'gpu' | 'webasm' | 'headlessgl' | 'webgl2';
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'gpu', 'webasm', 'headlessgl', 'webgl2'];
export const DEFAULT_BACKEND: BackendName = 'wasm';

/** Plans kept per input size; a pyramid of five scales with flip needs five. */
const MAX_CACHED_PLANS = 8;

export interface Engine {
  readonly backend: Backend<unknown>;
  /** What ran, as detect() reports it. */
  readonly name: 'cpu' | 'wasm' | 'gpu';
  /** The plan for a (1, 3, height, width) input, built on first use. */
  plan(model: Model, height: number, width: number): Plan;
  destroy(): void;
}

export interface EngineOptions {
  /** wasm: threads to split the convolutions over; default the cores, at most 4, in Node (1 in a browser). */
  threads?: number;
}

export async function createEngine(backend: BackendName, options: EngineOptions = {}): Promise<Engine> {
  if (backend === 'cpu') {
    return { backend: referenceBackend as Backend<unknown>, name: 'cpu', plan: cachedPlans((m, h, w) => buildPlan(m, h, w)), destroy: () => {} };
  }
  if (backend === 'wasm') {
    const { createWasmBackend } = await import('../ops/wasm/backend.js');
    const wasm = createWasmBackend({ threads: options.threads });
    return {
      backend: wasm as Backend<unknown>,
      name: 'wasm',
      plan: cachedPlans(fusedPlan),
      destroy: () => wasm.destroy(),
    };
  }
  // Loaded only when asked for, so the other paths never import gpu.js.
  const { createGpuBackend } = await import('../ops/gpu/backend.js');
  const gpu = createGpuBackend(backend);
  return {
    backend: gpu as Backend<unknown>,
    name: 'gpu',
    plan: cachedPlans(fusedPlan),
    destroy: () => gpu.destroy(),
  };
}

/** The fast backends' plan: BatchNorm and relu folded into the convolutions. */
function fusedPlan(model: Model, height: number, width: number): Plan {
  return fuse(buildPlan(model, height, width));
}

function cachedPlans(build: (model: Model, height: number, width: number) => Plan): Engine['plan'] {
  const plans = new Map<string, Plan>();
  return (model, height, width) => {
    const key = `${height}x${width}`;
    const plan = plans.get(key) ?? build(model, height, width);
    plans.delete(key);
    plans.set(key, plan);
    if (plans.size > MAX_CACHED_PLANS) plans.delete(plans.keys().next().value!);
    return plan;
  };
}
