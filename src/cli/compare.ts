/**
 * `retinaface compare REF_DIR OUR_DIR [--tol 1e-4] [--model DIR]`: every `<node>.npy` present in
 * both folders, one row each (shape, max abs diff, max rel diff), in graph order: the order of
 * REF_DIR/manifest.json `files` when there is one (the golden folders and `dump` both write it),
 * else the model's node order. A node fails when max |ours − ref| > tol · max(1, max |ref|), the
 * golden README's rule, or when the shapes differ; the exit code is then 1 and the last line names
 * the first failing node, the first place to look.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { readNpyFloat32 } from '../tensor/npy.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { loadModel } from '../weights/load.js';
import { numberValue, parseArgs } from './args.js';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs('compare', argv, { values: ['tol', 'model'], switches: [] });
  if (args.positionals.length !== 2) throw new RetinaFaceError('USAGE', 'compare: needs REF_DIR and OUR_DIR');
  const [refDir, ourDir] = args.positionals;
  const tol = numberValue('compare', args, 'tol') ?? 1e-4;
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
    let row: string;
    if (!sameShape(ref.shape, our.shape)) {
      row = `${formatShape(ref.shape).padEnd(18)} shape differs: ours ${formatShape(our.shape)}`;
      failed.push(name);
    } else {
      const { maxAbs, refMax } = differences(our.data, ref.data);
      const maxRel = maxAbs / Math.max(1, refMax);
      const over = !(maxRel <= tol); // NaN fails
      if (over) failed.push(name);
      row = `${formatShape(ref.shape).padEnd(18)} ${maxAbs.toExponential(2).padStart(10)} ${maxRel.toExponential(2).padStart(10)}${over ? '  OVER' : ''}`;
    }
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

/** max |ours − ref| (NaN if any pair is NaN) and max |ref|. */
function differences(ours: Float32Array, ref: Float32Array): { maxAbs: number; refMax: number } {
  let maxAbs = 0;
  let refMax = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = d; // a NaN stays
    refMax = Math.max(refMax, Math.abs(ref[i]));
  }
  return { maxAbs, refMax };
}
