/**
 * `retinaface dump --model DIR --input FILE --out DIR [--nodes a,b] [--backend B] [--verbose]`: runs the
 * network once and writes every node's output (or only the listed ones) as `<node>.npy`, plus the
 * input as `data.npy` and a `manifest.json` listing the files in graph order, the layout of the
 * golden `layers-*` folders, so `retinaface compare` can put the two side by side.
 *
 * FILE is either a (1, 3, H, W) float32 `.npy` fed as it is, or an image (JPEG/PNG) fed at its own
 * size, as RGB 0..255 (no resize). `--backend gpu` runs the gpu.js kernels on the unfused plan, so
 * every node is the same node as on the reference path. `--verbose` then lists, per node, its
 * stage, the kernel that ran it (the backend's, or `reference` where the backend has none) and
 * its time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { decodeImage } from '../image/decode.js';
import { createEngine } from '../detect/engine.js';
import { forward, type NodeRun } from '../net/forward.js';
import { buildPlan } from '../net/graph.js';
import { inputTensor } from '../net/input.js';
import { readNpyFloat32, writeNpyFloat32 } from '../tensor/npy.js';
import { formatShape } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { loadModel } from '../weights/load.js';
import { parseArgs } from './args.js';
import { backendOption } from './detect.js';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs('dump', argv, { values: ['model', 'input', 'out', 'nodes', 'backend'], switches: ['verbose'] });
  if (args.positionals.length > 0) throw new RetinaFaceError('USAGE', `dump: unexpected argument '${args.positionals[0]}'`);
  const inputPath = args.values.get('input');
  const outDir = args.values.get('out');
  if (inputPath === undefined || outDir === undefined) throw new RetinaFaceError('USAGE', 'dump: --input FILE and --out DIR are required');
  const backendName = backendOption(args, 'dump', 'cpu');
  const nodes = args.values.get('nodes')?.split(',').map((n) => n.trim()).filter((n) => n !== '');

  const model = await loadModel(args.values.get('model'));
  const input = readInput(inputPath);
  const plan = buildPlan(model, input.shape[2], input.shape[3]);
  const engine = await createEngine(backendName);
  const started = performance.now();
  let result;
  try {
    result = await forward(plan, input, { keep: nodes ?? 'all', backend: engine.backend });
  } finally {
    engine.destroy();
  }
  const ms = performance.now() - started;

  const written = new Map<string, Tensor>([[plan.input.name, input], ...result.nodes]);
  try {
    mkdirSync(outDir, { recursive: true });
    const files: Record<string, { shape: number[]; dtype: string; what: string }> = {};
    for (const [name, t] of written) {
      writeFileSync(join(outDir, `${name}.npy`), writeNpyFloat32(t.shape, t.data));
      const step = plan.steps.find((s) => s.name === name);
      files[`${name}.npy`] = {
        shape: [...t.shape],
        dtype: 'float32',
        what: step === undefined ? 'network input' : `output of node ${name} (op ${step.op}, backend ${engine.backend.name})`,
      };
    }
    const manifest = { input: inputPath, model: model.source, backend: engine.backend.name, files };
    writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  } catch (err) {
    throw new RetinaFaceError('IO', `${outDir}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (args.switches.has('verbose')) process.stdout.write(traceTable(result.trace));
  process.stdout.write(
    `dumped ${written.size} tensors for input ${formatShape(input.shape)} to ${outDir} (backend ${engine.backend.name}, forward ${ms.toFixed(0)} ms)\n`,
  );
  return 0;
}

/** One row per node: name, op, stage, kernel, ms. */
function traceTable(trace: readonly NodeRun[]): string {
  const width = Math.max(...trace.map((r) => r.node.length));
  const rows = trace.map((r) => `${r.node.padEnd(width)}  ${r.op.padEnd(17)} ${(r.stage ?? '-').padEnd(8)} ${r.kernel.padEnd(24)} ${r.ms.toFixed(2).padStart(8)} ms`);
  return [`${'node'.padEnd(width)}  ${'op'.padEnd(17)} ${'stage'.padEnd(8)} ${'kernel'.padEnd(24)} ${'time'.padStart(11)}`, ...rows, ''].join('\n');
}

/** A (1, 3, H, W) float32 .npy as it is, or an image as RGB 0..255 at its own size. */
function readInput(path: string): Tensor {
  const bytes = readFileChecked(path);
  if (path.endsWith('.npy')) {
    const a = readNpyFloat32(bytes, path);
    if (a.shape.length !== 4 || a.shape[0] !== 1 || a.shape[1] !== 3) {
      throw new RetinaFaceError('SHAPE', `${path}: input ${formatShape(a.shape)} is not (1,3,H,W) [N,C,H,W]`);
    }
    return tensor(a.shape, a.data);
  }
  const image = decodeImage(bytes, { where: path });
  return inputTensor(image.data, image.width, image.height);
}
