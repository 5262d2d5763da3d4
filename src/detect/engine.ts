/**
 * An engine: where detect() runs the network. 'cpu' is the reference backend (the textbook kernels
 * of src/ops) on the plan as built from the symbol; 'wasm' (the default) runs the hand-written
 * WebAssembly SIMD kernels of ops/wasm, and the `gpujs*` names are gpu.js's modes, both on the fused
 * plan (BatchNorm and relu folded into the convolutions, net/fuse.ts). Plans are built once per
 * input size and kept, the least recently used dropped past MAX_CACHED_PLANS.
 */
import { referenceBackend, type Backend } from '../ops/backend.js';
import { fuse } from '../net/fuse.js';
import { buildPlan, type Plan } from '../net/graph.js';
import type { Model } from '../weights/model.js';
import { RetinaFaceError } from '../errors.js';

/**
 * Ours first, then gpu.js's, each prefixed `gpujs` so that gpu.js's `webasm` (gpu.js kernels
 * compiled to WebAssembly) is not taken for our `wasm`, nor its choice of mode for a GPU: on a
 * machine without a GL display gpu.js runs on the CPU.
 */
export type BackendName = 'cpu' | 'wasm' | 'gpujs' | 'gpujs-webasm' | 'gpujs-headlessgl' | 'gpujs-webgl2';
export const BACKEND_NAMES: readonly BackendName[] = ['cpu', 'wasm', 'gpujs', 'gpujs-webasm', 'gpujs-headlessgl', 'gpujs-webgl2'];
export const DEFAULT_BACKEND: BackendName = 'wasm';

/** The gpu.js backends' names from before the prefix, still accepted. */
export const BACKEND_ALIASES = { gpu: 'gpujs', webasm: 'gpujs-webasm', headlessgl: 'gpujs-headlessgl', webgl2: 'gpujs-webgl2' } as const satisfies Record<string, BackendName>;
export type BackendAlias = keyof typeof BACKEND_ALIASES;

/** What each backend runs, for help texts. */
export const BACKEND_HELP: Readonly<Record<BackendName, string>> = {
  cpu: 'the reference kernels (plain loops: the textbook, slow)',
  wasm: 'our WebAssembly SIMD kernels (the default)',
  gpujs: "gpu.js's own choice: headless GL where `gl` and a display exist, else gpujs-webasm",
  'gpujs-webasm': "gpu.js's kernels compiled to WebAssembly: on the CPU, not our wasm",
  'gpujs-headlessgl': 'gpu.js on headless OpenGL (the `gl` package and an X display)',
  'gpujs-webgl2': "gpu.js on a browser's WebGL2",
};

/** The backend `name` means (an old alias included), or undefined. */
export function backendNamed(name: string): BackendName | undefined {
  if ((BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  return Object.hasOwn(BACKEND_ALIASES, name) ? BACKEND_ALIASES[name as BackendAlias] : undefined;
}

/** The versions of the optional peer dependencies, as package.json's peerDependencies pins them. */
const GPU_JS_VERSION = '2.24.1';
const GL_VERSION = '8.1.6';

/** Plans kept per input size; a pyramid of five scales with flip needs five. */
const MAX_CACHED_PLANS = 8;

export interface Engine {
  readonly backend: Backend<unknown>;
  /** What ran, as detect() reports it. */
  readonly name: 'cpu' | 'wasm' | 'gpujs';
  /** The plan for a (1, 3, height, width) input, built on first use. */
  plan(model: Model, height: number, width: number): Plan;
  destroy(): void;
}

export interface EngineOptions {
  /** wasm: threads to split the convolutions over; default the cores, at most 4, in Node and in a browser worker of a cross-origin isolated page; 1 elsewhere (ops/wasm/threads.ts). */
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
  const { createGpuBackend } = await importGpuBackend(backend);
  // gpu.js's own mode names: 'gpu' is its choice
  const gpu = createGpuBackend(backend === 'gpujs' ? 'gpu' : (backend.slice('gpujs-'.length) as 'webasm' | 'headlessgl' | 'webgl2'));
  return {
    backend: gpu as Backend<unknown>,
    name: 'gpujs',
    plan: cachedPlans(fusedPlan),
    destroy: () => gpu.destroy(),
  };
}

/**
 * The gpu.js backend, loaded only when asked for so that the other paths never import gpu.js:
 * gpu.js (and gl, for headless GL) are optional peer dependencies, absent from a default install.
 */
async function importGpuBackend(backend: BackendName): Promise<typeof import('../ops/gpu/backend.js')> {
  try {
    return await import('../ops/gpu/backend.js');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && /'gpu\.js'/.test((err as Error).message);
    if (!missing) throw err;
    throw new RetinaFaceError('BACKEND', `backend '${backend}' runs on gpu.js, an optional peer dependency that is not installed: npm install gpu.js@${GPU_JS_VERSION} (and gl@${GL_VERSION} for headless GL in Node)`);
  }
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
