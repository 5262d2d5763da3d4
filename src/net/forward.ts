/**
 * THE forward pass: one loop over the plan's steps. Each step's inputs are looked up by node name,
 * the backend runs the node, the output is stored under the node's name, and every activation the
 * step read for the last time is freed. The nine heads (and any node asked for with `keep`) are
 * downloaded as plain tensors.
 *
 * A `Backend` is where the numbers live and how one node is computed: the reference backend below
 * keeps plain tensors and calls the registry's reference kernels; the gpu backend (ops/gpu) keeps
 * device tensors and runs gpu.js kernels. Both run the same plan through this same loop.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { opDef } from '../ops/registry.js';
import type { Plan, PlanStep } from './graph.js';

export interface Backend<T = unknown> {
  /** Shown in reports: 'cpu' for the reference. */
  readonly name: string;
  /** The network input. */
  upload(t: Tensor): T | Promise<T>;
  /** One node; its parameters are on the step. */
  run(step: PlanStep, inputs: T[]): T | Promise<T>;
  /** Heads and kept nodes only. */
  download(x: T): Tensor | Promise<Tensor>;
  free(x: T): void;
}

/** The reference backend: plain tensors, the registry's reference kernels; nothing to free. */
export const referenceBackend: Backend<Tensor> = {
  name: 'cpu',
  upload: (t) => t,
  run: (step, inputs) => opDef(step.op, step.name).reference(inputs, step.params, step.attrs, step.shape),
  download: (x) => x,
  free: () => {},
};

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
}

/**
 * @param input (1, 3, H, W) float32 RGB 0..255, the H×W the plan was built for
 */
export async function forward<T = Tensor>(plan: Plan, input: Tensor, options: ForwardOptions<T> = {}): Promise<ForwardResult> {
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

  const values = new Map<string, T>([[plan.input.name, await backend.upload(input)]]);
  const nodes = new Map<string, Tensor>();
  for (const step of plan.steps) {
    const output = await backend.run(step, step.inputs.map((name) => values.get(name)!));
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
  return { heads, nodes };
}
