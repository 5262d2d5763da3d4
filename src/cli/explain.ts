/**
 * `retinaface explain IMAGE --out DIR [--model DIR] [--descriptor NAME] [--threshold T] [--nms T]
 * [--target-size N] [--max-size N] [--scales S] [--backend B] [--no-exif]`: one detection walked
 * through stage by stage, written as DIR/index.html with its PNG figures (src/explain). One scale,
 * no flip; unset options are the model's test script's (detect/descriptor.ts).
 */
import { resolveOptions } from '../detect/options.js';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { createEngine } from '../detect/engine.js';
import { describeModel } from '../detect/descriptor.js';
import { explain } from '../explain/explain.js';
import { writeReport } from '../explain/report.js';
import { decodeImage } from '../image/decode.js';
import { loadModel } from '../weights/load.js';
import { parseArgs } from './args.js';
import { backendOption, detectOptions } from './detect.js';

const COMMAND = 'explain';

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(COMMAND, argv, {
    values: ['out', 'model', 'descriptor', 'threshold', 'nms', 'target-size', 'max-size', 'scales', 'backend'],
    switches: ['no-exif'],
  });
  if (args.positionals.length !== 1) throw new RetinaFaceError('USAGE', `${COMMAND}: give exactly one IMAGE (got ${args.positionals.length})`);
  const out = args.values.get('out');
  if (out === undefined) throw new RetinaFaceError('USAGE', `${COMMAND}: --out DIR is required`);
  const [file] = args.positionals;
  const flags = detectOptions(args, COMMAND);
  const engine = await createEngine(backendOption(args, COMMAND));
  try {
    const model = await loadModel(args.values.get('model'));
    const descriptor = describeModel(model, args.values.get('descriptor'));
    const options = resolveOptions(flags, descriptor.defaults);
    const t0 = performance.now();
    const image = decodeImage(readFileChecked(file), { where: file, exif: !args.switches.has('no-exif') });
    const story = await explain(model, file, image, performance.now() - t0, options, engine, descriptor);
    const path = writeReport(story, out);
    process.stdout.write(`${path}: ${story.faces.length} faces, ${story.strides.map((s) => `stride ${s.stride} ${s.proposals} proposals`).join(', ')} (${story.backend} ${story.kernel})\n`);
  } finally {
    engine.destroy();
  }
  return 0;
}
