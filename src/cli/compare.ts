/**
 * `retinaface compare REF_DIR OUR_DIR [--tol 1e-4] [--model DIR]`: every `<node>.npy` present in
 * both folders, one row each (shape, max abs diff, max rel diff), in graph order: the order of
 * REF_DIR/manifest.json `files` when there is one (the golden folders and `dump` both write it),
 * else the model's node order. A node fails by src/tensor/compare.ts (the tests' rule too): max
 * |ours − ref| > tol · max(1, max |ref|), the golden README's rule, a NaN, or shapes that differ; the exit code is then 1 and the last line names
 * the first failing node, the first place to look.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { readNpyFloat32 } from '../tensor/npy.js';
import { closeness, DEFAULT_TOL } from '../tensor/compare.js';
import { formatShape } from '../tensor/shape.js';
import { loadModel } from '../weights/load.js';
import { numberValue, parseArgs } from './args.js';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs('compare', argv, { values: ['tol', 'model'], switches: [] });
  if (args.positionals.length !== 2) throw new RetinaFaceError('USAGE', 'compare: needs REF_DIR and OUR_DIR');
  const [refDir, ourDir] = args.positionals;
  const tol = numberValue('compare', args, 'tol') ?? DEFAULT_TOL;
  if (!(tol >= 0)) throw new RetinaFaceError('USAGE', `compare: --tol must be ≥ 0, got ${tol}`);

  const ours = new Set(npyNames(ourDir));
  const order = await graphOrder(refDir, args.values.get('model'));
  const nodes = order.filter((name) => ours.has(name));
  const missing = order.filter((name) => !ours.has(name));
  if (nodes.length === 0) throw new RetinaFaceError('USAGE', `compare: no .npy file of ${refDir} is also in ${ourDir}`);

  const width = Math.max(...nodes.map((n) => n.length), 4);
  const out = [`${'node'.padEnd(width)}  ${'shape'.padEnd(18)} ${'max abs'.padStart(10)} ${'max rel'.padStart(10)}`];
  const failed: string[] = [];
  for (const name of nodes) {
    const ref = readFloat32(join(refDir, `${name}.npy`));
    const our = readFloat32(join(ourDir, `${name}.npy`));
    const c = closeness(our, ref, tol);
    if (!c.ok) failed.push(name);
    const row = c.mismatch !== undefined
      ? `${formatShape(ref.shape).padEnd(18)} differs: ${c.mismatch}`
      : `${formatShape(ref.shape).padEnd(18)} ${c.maxAbs.toExponential(2).padStart(10)} ${c.maxRel.toExponential(2).padStart(10)}${c.ok ? '' : Number.isNaN(c.maxAbs) ? `  NaN at ${c.worst}` : '  OVER'}`;
    out.push(`${name.padEnd(width)}  ${row}`);
  }
  if (missing.length > 0) out.push(`${missing.length} node(s) of ${refDir} not in ${ourDir}, not compared (first: ${missing[0]})`);
  out.push(
    failed.length === 0
      ? `all ${nodes.length} nodes within tol ${tol}·max(1, max|ref|)`
      : `${failed.length} of ${nodes.length} nodes over tol ${tol}·max(1, max|ref|): first ${failed[0]}${failed.length > 1 ? `, then ${failed.slice(1, 4).join(', ')}${failed.length > 4 ? ', …' : ''}` : ''}`,
  );
  process.stdout.write(out.join('\n') + '\n');
  return failed.length === 0 ? 0 : 1;
}

/** Node names in graph order: REF_DIR's manifest `files`, else the model's nodes; 'data' first. */
async function graphOrder(refDir: string, modelPath: string | undefined): Promise<string[]> {
  const present = new Set(npyNames(refDir));
  const manifestPath = join(refDir, 'manifest.json');
  let order: string[];
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files?: Record<string, unknown> };
    order = Object.keys(manifest.files ?? {}).filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4));
  } else {
    const model = await loadModel(modelPath);
    order = model.symbol.nodes.filter((n) => n.op !== 'null').map((n) => n.name);
  }
  const ordered = ['data', ...order.filter((n) => n !== 'data')].filter((n) => present.has(n));
  const rest = [...present].filter((n) => !ordered.includes(n)).sort();
  return [...ordered, ...rest];
}

function npyNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((f) => f.endsWith('.npy')).map((f) => f.slice(0, -4));
  } catch (err) {
    throw new RetinaFaceError('IO', `${dir}: cannot list (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function readFloat32(path: string): { shape: number[]; data: Float32Array } {
  return readNpyFloat32(readFileChecked(path), path);
}
