/**
 * THE forward pass: one loop over the plan's steps. Each step's inputs are looked up by node name,
 * the backend's kernel for the step's op runs it (or the reference kernel, when the backend has
 * none: ops/backend.ts `kernelFor`), the output is stored under the node's name, and every
 * activation the step read for the last time is freed. The nine heads (and any node asked for with
 * `keep`) are downloaded as plain tensors. Which kernel ran each node, and how long it took, is
 * recorded in the result's `trace`.
 *
 * A `Backend` (ops/backend.ts) is where the numbers live and which ops it computes itself: the
 * reference backend keeps plain tensors and has no kernels of its own; the wasm and gpu backends
 * keep their own values and run their own kernels. All run the same plan through this same loop.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { kernelFor, REFERENCE_KERNEL, referenceBackend, type Backend, type PictureInput } from '../ops/backend.js';
import { pictureTensor } from './input.js';
import type { OpName } from '../ops/registry.js';
import type { Plan } from './graph.js';
import type { StageName } from './stages.js';

/** One step as it ran. */
export interface NodeRun {
  readonly node: string;
  readonly op: OpName;
  readonly stage: StageName | undefined;
  /** The backend's kernel name ('wasm-simd128', 'HeadlessGLKernel') or 'reference'. */
  readonly kernel: string;
  /** From the call to its output (awaited), ms. */
  readonly ms: number;
}

export interface ForwardOptions<T> {
  /** Nodes to return besides the heads: 'all' or a list of node names. */
  keep?: 'all' | readonly string[];
  /** Defaults to the reference backend. */
  backend?: Backend<T>;
}

export interface ForwardResult {
  /** The plan's heads by node name. */
  heads: Map<string, Tensor>;
  /** The kept nodes by node name, in graph order. */
  nodes: Map<string, Tensor>;
  /** Every step, in order: which kernel ran it and how long it took. */
  trace: NodeRun[];
}

/**
 * @param input (1, 3, H, W) float32 RGB 0..255, the H×W the plan was built for; or the picture and
 *   resize that make it (detect's, net/input.ts pictureInput), which the backend uploads itself if it can
 */
export async function forward<T = Tensor>(plan: Plan, input: Tensor | PictureInput, options: ForwardOptions<T> = {}): Promise<ForwardResult> {
  const backend = options.backend ?? (referenceBackend as Backend<unknown> as Backend<T>);
  if (!sameShape(input.shape, plan.input.shape)) {
    throw new RetinaFaceError('SHAPE', `[forward ${plan.input.name}] input ${formatShape(input.shape)} does not match the plan's ${formatShape(plan.input.shape)} [N,C,H,W]`);
  }
  const keep = options.keep ?? [];
  for (const name of keep === 'all' ? [] : keep) {
    if (!plan.steps.some((s) => s.name === name)) {
      throw new RetinaFaceError('OPTION', `keep: no node '${name}' in the graph`);
    }
  }
  const kept = (name: string) => keep === 'all' || keep.includes(name);

  const values = new Map<string, T>([[plan.input.name, await upload(backend, input)]]);
  const nodes = new Map<string, Tensor>();
  const trace: NodeRun[] = [];
  for (const step of plan.steps) {
    const { kernel, run } = kernelFor(backend, step);
    const started = performance.now();
    const output = await run(step, step.inputs.map((name) => values.get(name)!));
    trace.push({ node: step.name, op: step.op, stage: step.stage, kernel, ms: performance.now() - started });
    values.set(step.name, output);
    if (kept(step.name)) nodes.set(step.name, await backend.download(output));
    for (const name of step.free) {
      backend.free(values.get(name)!);
      values.delete(name);
    }
  }
  const heads = new Map<string, Tensor>();
  for (const name of plan.heads) {
    const value = values.get(name)!;
    heads.set(name, nodes.get(name) ?? (await backend.download(value)));
    backend.free(value);
  }
  return { heads, nodes, trace };
}

function upload<T>(backend: Backend<T>, input: Tensor | PictureInput): T | Promise<T> {
  if (!('taps' in input)) return backend.upload(input);
  return backend.uploadPicture?.(input) ?? backend.upload(pictureTensor(input));
}

/**
 * What ran, in one line: the backend's kernel name, then the ops that fell back to the reference
 * ('wasm-simd128 + reference Reshape'); 'reference' when nothing else ran.
 */
export function kernelSummary(trace: readonly NodeRun[]): string {
  const own = [...new Set(trace.filter((r) => r.kernel !== REFERENCE_KERNEL).map((r) => r.kernel))];
  const fallbacks = [...new Set(trace.filter((r) => r.kernel === REFERENCE_KERNEL).map((r) => r.op))];
  if (own.length === 0) return REFERENCE_KERNEL;
  return fallbacks.length === 0 ? own.join(', ') : `${own.join(', ')} + ${REFERENCE_KERNEL} ${fallbacks.join(', ')}`;
}
