/**
 * MXNet's `-symbol.json`: the network as a list of nodes in topological order, written by
 * `Symbol.save` (nnvm's graph JSON). Each node is `{op, name, attrs, inputs}`; `op: "null"` marks a
 * variable (the `data` input or a parameter, whose `attrs.__shape__` may give its shape); `inputs`
 * are `[node index, output index, version]` entries pointing at earlier nodes; `heads` lists the
 * graph's outputs the same way. Files from MXNet before 0.9 name the attributes `param` (the op's
 * settings) and `attr` (user attributes such as `__shape__`) and give inputs as pairs; both are read
 * into the same form. `arg_nodes`, `node_row_ptr` and the top-level `attrs` (mxnet_version) are
 * derivable or informational and are not kept.
 */
import { RetinaFaceError } from '../errors.js';
import type { MxSymbol, SymbolNode } from './model.js';
import { isJsonObject } from './json.js';
import { readFileChecked } from '../read-file.js';

type Entry = readonly [number, number, number];

export function readMxnetSymbol(path: string): MxSymbol {
  return parseMxnetSymbol(new TextDecoder().decode(readFileChecked(path, 'WEIGHTS')), path);
}

/** Parses and validates symbol JSON text; `file` starts every error message. */
export function parseMxnetSymbol(text: string, file: string): MxSymbol {
  const fail: (what: string) => never = (what) => {
    throw new RetinaFaceError('WEIGHTS', `${file}: ${what}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail(`not valid JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(json) || !Array.isArray(json.nodes) || !Array.isArray(json.heads)) {
    return fail('not an MXNet symbol (needs a "nodes" and a "heads" array)');
  }

  const nodes: SymbolNode[] = [];
  const seen = new Set<string>();
  json.nodes.forEach((raw: unknown, i: number) => {
    if (!isJsonObject(raw) || typeof raw.op !== 'string' || typeof raw.name !== 'string' || raw.name === '') {
      fail(`node #${i} needs a string "op" and a non-empty string "name"`);
    }
    const where = `node #${i} '${raw.name}'`;
    if (seen.has(raw.name)) fail(`${where}: the name is used by an earlier node too`);
    seen.add(raw.name);
    const attrs: Record<string, string> = {};
    for (const key of ['param', 'attr', 'attrs']) {
      const group = raw[key];
      if (group === undefined) continue;
      if (!isJsonObject(group)) fail(`${where}: "${key}" is not an object`);
      for (const [name, value] of Object.entries(group)) {
        if (typeof value !== 'string') fail(`${where}: attribute ${name} is not a string`);
        attrs[name] = value;
      }
    }
    if (!Array.isArray(raw.inputs)) fail(`${where}: "inputs" is not an array`);
    const inputs = raw.inputs.map((e: unknown, k: number) => entry(e, i, `${where}: inputs[${k}]`, fail));
    if (raw.op === 'null' && inputs.length > 0) fail(`${where}: a variable (op "null") cannot have inputs`);
    nodes.push({ op: raw.op, name: raw.name, attrs, inputs });
  });
  const heads = json.heads.map((e: unknown, k: number) => entry(e, nodes.length, `heads[${k}]`, fail));
  if (heads.length === 0) fail('the symbol has no heads (outputs)');
  return { nodes, heads };
}

/** One `[node, output, version]` entry (version 0 when a pre-0.9 file gives a pair); `node` < `before`. */
function entry(raw: unknown, before: number, where: string, fail: (what: string) => never): Entry {
  const ok = Array.isArray(raw) && (raw.length === 2 || raw.length === 3) && raw.every((v) => Number.isInteger(v) && v >= 0);
  if (!ok) fail(`${where} is ${JSON.stringify(raw)}, expected [node, output, version] of non-negative integers`);
  const [node, output, version = 0] = raw as number[];
  if (node >= before) {
    fail(`${where} refers to node #${node}, but ${before === 0 ? 'no node comes' : `only nodes #0..#${before - 1} come`} before it`);
  }
  return [node, output, version];
}
