/**
 * The symbol and the parameters must describe the same network: every variable of the symbol
 * (each `op: "null"` node except the `data` input) needs a tensor of that name, no tensor may be
 * left over, and where the symbol records a `__shape__` the tensor must have it. All disagreements
 * are collected and reported in one message, so a wrong file is diagnosed in one run rather than
 * one parameter at a time.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { MxSymbol } from './model.js';

/** The network's input variable; every other variable is a parameter. */
export const DATA_INPUT = 'data';
/** How many problems the message spells out before "and N more". */
const LISTED = 5;

/**
 * Throws one WEIGHTS error listing every missing, extra and mis-shaped parameter.
 * @param params tensors by bare name (no `arg:` / `aux:` prefix)
 * @param source the model's path, first in the message
 */
export function checkParams(symbol: MxSymbol, params: ReadonlyMap<string, Tensor>, source: string): void {
  const problems: string[] = [];
  const expected = new Set<string>();
  for (const node of symbol.nodes) {
    if (node.op !== 'null' || node.name === DATA_INPUT) continue;
    expected.add(node.name);
    const declared = node.attrs.__shape__ === undefined ? undefined : parseShapeAttr(node.attrs.__shape__, node.name, source);
    const t = params.get(node.name);
    if (t === undefined) {
      problems.push(`missing ${node.name}${declared ? ` ${formatShape(declared)}` : ''}`);
    } else if (declared !== undefined && !shapeFits(t.shape, declared)) {
      problems.push(`${node.name} is ${formatShape(t.shape)} but the symbol says ${formatShape(declared)}`);
    }
  }
  for (const [name, t] of params) {
    if (!expected.has(name)) problems.push(`extra ${name} ${formatShape(t.shape)} (not a variable of the symbol)`);
  }
  if (problems.length === 0) return;
  const listed = problems.slice(0, LISTED).join('; ');
  const more = problems.length > LISTED ? `; and ${problems.length - LISTED} more` : '';
  throw new RetinaFaceError('WEIGHTS', `${source}: ${problems.length} parameter(s) do not match the symbol: ${listed}${more}`);
}

/**
 * `__shape__` as MXNet writes it: a Python tuple, with Python 2's long suffix in files saved from
 * Python 2 (`(8L, 3L, 3L, 3L)`, `(8L,)`). A 0 dim means "not known yet" in MXNet's shape semantics.
 */
export function parseShapeAttr(text: string, node: string, source: string): number[] {
  const inner = /^\s*\((.*)\)\s*$/.exec(text)?.[1];
  const parts = inner?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts === undefined || !parts.every((p) => /^\d+L?$/.test(p))) {
    throw new RetinaFaceError('WEIGHTS', `${source}: node ${node} has __shape__ '${text}', not a tuple of dims`);
  }
  return parts.map((p) => parseInt(p, 10));
}

function shapeFits(got: Shape, declared: Shape): boolean {
  return got.length === declared.length && declared.every((d, i) => d === 0 || d === got[i]);
}
