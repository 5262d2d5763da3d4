/**
 * `retinaface eval wider --pred DIR --gt DIR [--json] [--subset] [--plot FILE.svg]`: WIDER FACE's
 * easy / medium / hard AP of a prediction folder, scored as the official evaluation.py scores it
 * (src/eval/wider.ts), against the official ground-truth MAT-files.
 *
 * Without `--subset`, every validation image needs its prediction file, and a missing one is an
 * error naming the image. With it, only the images that have one are scored, and the output says
 * loudly that the numbers are not comparable with published ones.
 */
import { writeFileSync } from 'node:fs';
import { RetinaFaceError } from '../errors.js';
import { readWiderGroundTruth, SETTINGS } from '../eval/wider-ground-truth.js';
import { readPredictionFolder } from '../eval/wider-predictions.js';
import { evaluateWider, type WiderResult } from '../eval/wider.js';
import { prCurvesSvg } from '../eval/pr-plot.js';
import { parseArgs } from './args.js';

const COMMAND = 'eval wider';

export const HELP = `usage: retinaface eval wider --pred DIR --gt DIR [--json] [--subset] [--plot FILE.svg]

Scores a WIDER FACE prediction folder (<event>/<image>.txt: the image name, the box count, then
one "x y w h score" line per box) as the official evaluation.py does: scores min-max normalised
over the set, IoU >= 0.5, "ignore" faces, 1000 thresholds, VOC AP.

  --pred DIR      the prediction folder
  --gt DIR        the official ground truth: wider_face_val.mat, wider_{easy,medium,hard}_val.mat
  --json          one line: {"easy", "medium", "hard", "images", "faces": {...}}
  --subset        score only the images that have a prediction file (NOT comparable with published AP)
  --plot FILE     write the precision-recall curves of the three settings as an SVG
`;

export async function run(argv: string[]): Promise<number> {
  const [benchmark, ...rest] = argv;
  if (benchmark === undefined || benchmark === '--help' || benchmark === '-h') {
    process.stdout.write(HELP);
    return benchmark === undefined ? 2 : 0;
  }
  if (benchmark !== 'wider') throw usage(`unknown benchmark '${benchmark}' (known: wider)`, 'eval');
  const args = parseArgs(COMMAND, rest, { values: ['pred', 'gt', 'plot'], switches: ['json', 'subset', 'help'] });
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw usage(`unexpected argument '${args.positionals[0]}'`);
  const gtDir = args.values.get('gt');
  const predDir = args.values.get('pred');
  if (gtDir === undefined) throw usage('--gt DIR is needed (the folder of wider_face_val.mat)');
  if (predDir === undefined) throw usage('--pred DIR is needed (the prediction folder)');
  const plot = args.values.get('plot');
  if (plot !== undefined && !plot.endsWith('.svg')) throw usage(`--plot writes SVG: give a FILE.svg, got '${plot}'`);

  const groundTruth = readWiderGroundTruth(gtDir);
  const predictions = readPredictionFolder(predDir);
  let result: WiderResult;
  try {
    result = evaluateWider(groundTruth, predictions, { subset: args.switches.has('subset') });
  } catch (err) {
    if (err instanceof RetinaFaceError) throw new RetinaFaceError(err.code, `${predDir}: ${err.message}`);
    throw err;
  }
  if (plot !== undefined) writeOutput(plot, prCurvesSvg(result, predDir));
  if (result.subset) process.stderr.write(`warning: ${subsetNote(result)}\n`);
  process.stdout.write(args.switches.has('json') ? JSON.stringify(jsonResult(result)) + '\n' : table(result, groundTruth.length, predDir));
  return 0;
}

function usage(what: string, command = COMMAND): RetinaFaceError {
  return new RetinaFaceError('USAGE', `${command}: ${what} (see retinaface eval --help)`);
}

function subsetNote(r: WiderResult): string {
  return `SUBSET: ${r.images} of ${r.images + r.missing} validation images have a prediction file; AP over those only, not comparable with published WIDER FACE numbers`;
}

export function jsonResult(r: WiderResult): Record<string, unknown> {
  return {
    easy: r.ap.easy, medium: r.ap.medium, hard: r.ap.hard, images: r.images, faces: r.faces,
    ...(r.subset ? { subset: true, missing: r.missing, note: 'not comparable with published WIDER FACE numbers' } : {}),
  };
}

function table(r: WiderResult, events: number, predDir: string): string {
  const rows = [`WIDER FACE val, ${r.images} images of ${events} events, predictions in ${predDir}`];
  if (r.subset) rows.push(subsetNote(r));
  for (const s of SETTINGS) rows.push(`  ${s.padEnd(7)} AP ${r.ap[s].toFixed(4)}  (${r.ap[s]}; ${r.faces[s]} faces)`);
  return rows.join('\n') + '\n';
}

function writeOutput(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new RetinaFaceError('IO', `${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
