/**
 * The plan: the symbol walked once for one input size, before any arithmetic. Every op node
 * becomes a step with its parsed attributes, its activation inputs (by node name), its parameter
 * tensors (from `model.params`, by the parameter node's name, in the op's input order) and its
 * inferred output shape. All shape checks happen here, so kernels trust their inputs. The plan
 * also records, for every activation, the step after which nothing reads it any more, so the
 * forward pass can free it there.
 *
 * The symbol's `null` nodes are of two kinds: parameters (found in `model.params`) and the graph's
 * input, which must be the single node `data`, fed (1, 3, H, W).
 */
import { RetinaFaceError } from '../errors.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../weights/model.js';
import type { OpNode } from '../ops/backend.js';
import { opDef, type OpName } from '../ops/registry.js';
import { stageOf, type StageName } from './stages.js';

export const INPUT_NAME = 'data';

/**
 * One op node of the graph, data only: the node as a kernel receives it (ops/backend.ts), where its
 * inputs come from and which activations die after it.
 */
export type PlanStep = OpNode & {
  /** Activation inputs by node name (`data` or an earlier step), in the op's input order. */
  readonly inputs: readonly string[];
  /** Activations read for the last time by this step (never a head): free them after it. */
  readonly free: readonly string[];
  /** Where the node sits in mnet.25 (net/stages.ts); undefined for a node outside that map. */
  readonly stage: StageName | undefined;
};

export interface Plan {
  /** The network input: `data`, (1, 3, H, W). */
  readonly input: { readonly name: string; readonly shape: Shape };
  /** Op nodes in the symbol's (topological) order. */
  readonly steps: readonly PlanStep[];
  /** The symbol's outputs by node name, in the symbol's order. */
  readonly heads: readonly string[];
}

/** Walks `model.symbol` for a (1, 3, height, width) input: steps, shapes, parameters, lifetimes. */
export function buildPlan(model: Model, height: number, width: number): Plan {
  const { nodes } = model.symbol;
  const input = { name: INPUT_NAME, shape: [1, 3, height, width] };
  const shapes = new Map<string, Shape>([[input.name, input.shape]]);
  const steps: Omit<PlanStep, 'free'>[] = [];
  const lastUse = new Map<string, number>([[input.name, 0]]);

  for (const node of nodes) {
    if (node.op === 'null') {
      if (!model.params.has(node.name) && node.name !== input.name) {
        throw new RetinaFaceError('WEIGHTS', `symbol input '${node.name}' is neither '${input.name}' nor a parameter in ${model.source}`);
      }
      continue;
    }
    const def = opDef(node.op, node.name);
    const inputs: string[] = [];
    const params: Tensor[] = [];
    const paramNames: string[] = [];
    for (const [index, output] of node.inputs) {
      const source = nodes[index];
      if (output !== 0) {
        throw new RetinaFaceError('UNSUPPORTED', `[${node.op} ${node.name}] reads output ${output} of '${source.name}'; only single-output ops are supported`);
      }
      const param = source.op === 'null' ? model.params.get(source.name) : undefined;
      if (param !== undefined) {
        params.push(param);
        paramNames.push(source.name);
      } else {
        inputs.push(source.name);
        lastUse.set(source.name, steps.length);
      }
    }
    if (def.dataInputs !== undefined && inputs.length !== def.dataInputs) {
      throw new RetinaFaceError(
        'SHAPE',
        `[${node.op} ${node.name}] reads ${inputs.length} activation${inputs.length === 1 ? '' : 's'} (${inputs.join(', ') || 'none'}), needs ${def.dataInputs}; parameters read: ${paramNames.join(', ') || 'none'}`,
      );
    }
    const attrs = def.parseAttrs(node.name, node.attrs);
    const inputShapes = inputs.map((name) => shapes.get(name)!);
    const shape = def.inferShape(node.name, inputShapes, params.map((p) => p.shape), attrs);
    shapes.set(node.name, shape);
    lastUse.set(node.name, steps.length);
    steps.push({ name: node.name, op: node.op as OpName, attrs, inputs, inputShapes, params, paramNames, shape, stage: stageOf(node.name) } as Omit<PlanStep, 'free'>);
  }

  const heads = model.symbol.heads.map(([index]) => nodes[index].name);
  for (const head of heads) {
    if (!shapes.has(head) || head === input.name) {
      throw new RetinaFaceError('WEIGHTS', `symbol output '${head}' is not an op node in ${model.source}`);
    }
  }
  const free = steps.map((): string[] => []);
  for (const [name, step] of lastUse) {
    if (!heads.includes(name)) free[step].push(name);
  }
  return { input, steps: steps.map((s, i) => ({ ...s, free: free[i] }) as PlanStep), heads };
}
