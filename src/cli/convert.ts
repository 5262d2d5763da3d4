/**
 * `retinaface convert [--model PATH] --out FILE.safetensors`: the MXNet checkpoint (symbol JSON +
 * .params) as one safetensors file, checked first, so the output is known to load. Prints one
 * line: tensors, bytes, output path.
 */
import { writeFileSync } from 'node:fs';
import { RetinaFaceError } from '../errors.js';
import { checkedModel, findModelFiles, readStoredModel } from '../weights/load.js';
import { locateModel } from '../weights/locate.js';
import { encodeModelSafetensors } from '../weights/safetensors.js';
import { parseArgs } from './args.js';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs('convert', argv, { values: ['model', 'out'], switches: [] });
  if (args.positionals.length > 0) throw new RetinaFaceError('USAGE', `convert: unexpected argument '${args.positionals[0]}'`);
  const out = args.values.get('out');
  if (out === undefined || !out.endsWith('.safetensors')) {
    throw new RetinaFaceError('USAGE', 'convert: --out FILE.safetensors is required');
  }
  const files = findModelFiles(locateModel(args.values.get('model')));
  const stored = readStoredModel(files);
  const { source } = checkedModel(files, stored);
  const bytes = encodeModelSafetensors(stored);
  try {
    writeFileSync(out, bytes);
  } catch (err) {
    throw new RetinaFaceError('IO', `${out}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  process.stdout.write(`converted ${stored.params.params.size} tensors (${stored.params.arg.size} arg, ${stored.params.aux.size} aux) from ${source} to ${out}, ${bytes.length} bytes\n`);
  return 0;
}
