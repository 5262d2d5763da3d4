/**
 * `retinaface eval wider --pred DIR --gt DIR [--json] [--subset] [--plot FILE.svg]`: WIDER FACE's
 * easy / medium / hard AP of a prediction folder, scored as the official evaluation.py scores it
 * (src/eval/wider.ts), against the official ground-truth MAT-files.
 *
 * `retinaface eval wider --images WIDER_val/images --gt DIR --out DIR [detect options]
 * [--shard K/N] [--jobs N]` first runs our detector over the validation images (those the ground
 * truth lists, in its order) and writes the prediction folder as InsightFace's test_widerface.py
 * does, then scores it. The defaults are test_widerface.py's single-scale setting: threshold
 * 0.02, short side 1600, long side at most 2150, no flip; `--pyramid` is its multi-scale test (with
 * 800 / 1200 unless given). The images go through batch.ts, so `--shard` and `--jobs` work as
 * for detect; an image whose prediction file exists is skipped (a stopped run resumes), and files
 * are written whole (a temporary name, then a rename).
 *
 * Without `--subset`, every validation image needs its prediction file, and a missing one is an
 * error naming the image. With it, only the images that have one are scored, and the output says
 * loudly that the numbers are not comparable with published ones.
 */
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DetectOptions } from '../detect/options.js';
import { RetinaFace, type BackendName } from '../detect/retinaface.js';
import { RetinaFaceError } from '../errors.js';
import { readWiderGroundTruth, SETTINGS, type WiderEvent } from '../eval/wider-ground-truth.js';
import { formatPredictionFile, readPredictionFolder } from '../eval/wider-predictions.js';
import { evaluateWider, type WiderResult } from '../eval/wider.js';
import { prCurvesSvg } from '../eval/pr-plot.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { growingBuffer } from '../image/rgb-image.js';
import { readFileChecked } from '../read-file.js';
import { numberValue, parseArgs, type ParsedArgs } from './args.js';
import { BATCH_FLAGS, batchOptions, runBatch, type BatchOptions, type OpenHandler } from './batch.js';
import { backendOption, detectOptions, threadsOption } from './detect.js';
import { Progress } from './progress.js';

const COMMAND = 'eval wider';

/** test_widerface.py's single-scale setting (its `get_boxes`, pyramid off) and its pyramid's base sizes. */
const WIDER_DEFAULTS = { threshold: 0.02, targetSize: 1600, maxSize: 2150 } as const;
const WIDER_PYRAMID_DEFAULTS = { targetSize: 800, maxSize: 1200 } as const;
/** The flags of --images mode: the detector's, and batch.ts's --shard and --jobs. */
const DETECT_VALUES = ['out', 'model', 'threshold', 'nms', 'target-size', 'max-size', 'scales', 'pyramid', 'backend', 'threads', 'max-pixels', 'shard', 'jobs'];
const DETECT_SWITCHES = ['flip', 'vote'];

export const HELP = `usage: retinaface eval wider --pred DIR --gt DIR [--json] [--subset] [--plot FILE.svg]
       retinaface eval wider --images WIDER_val/images --gt DIR --out DIR [detect options] [--shard K/N] [--jobs N] [--json] [--subset] [--plot FILE.svg]

Scores a WIDER FACE prediction folder (<event>/<image>.txt: the image name, the box count, then
one "x y w h score" line per box) as the official evaluation.py does: scores min-max normalised
over the set, IoU >= 0.5, "ignore" faces, 1000 thresholds, VOC AP. With --images, first runs our
detector over the validation images the ground truth lists and writes that folder to --out
(as InsightFace's test_widerface.py writes it), skipping images whose file exists (a stopped run
resumes), then scores it.

  --pred DIR      the prediction folder to score
  --gt DIR        the official ground truth: wider_face_val.mat, wider_{easy,medium,hard}_val.mat
  --json          one line: {"easy", "medium", "hard", "images", "faces": {...}}
  --subset        score only the images that have a prediction file (NOT comparable with published AP)
  --plot FILE     write the precision-recall curves of the three settings as an SVG

with --images DIR --out DIR (defaults: test_widerface.py's single scale):
  --threshold T       keep faces with score >= T (default ${WIDER_DEFAULTS.threshold})
  --target-size N     short side of the network input (default ${WIDER_DEFAULTS.targetSize}; ${WIDER_PYRAMID_DEFAULTS.targetSize} with --pyramid)
  --max-size N        cap for the long side (default ${WIDER_DEFAULTS.maxSize}; ${WIDER_PYRAMID_DEFAULTS.maxSize} with --pyramid)
  --pyramid a,b,c     test_widerface.py's multi-scale test: 500,800,1100,1400,1700 (add --flip, and --vote for its mode 1)
  --scales a,b,c --flip --vote --nms T --model PATH --backend B --threads N --max-pixels N   as for detect
  --shard K/N         only the images whose index in the ground truth % N is K; scoring is left to a run over the whole folder
  --jobs N            N workers, each with its own detector
`;

export async function run(argv: string[]): Promise<number> {
  const [benchmark, ...rest] = argv;
  if (benchmark === undefined || benchmark === '--help' || benchmark === '-h') {
    process.stdout.write(HELP);
    return benchmark === undefined ? 2 : 0;
  }
  if (benchmark !== 'wider') throw usage(`unknown benchmark '${benchmark}' (known: wider)`, 'eval');
  const args = parseArgs(COMMAND, rest, {
    values: ['pred', 'gt', 'plot', 'images', ...DETECT_VALUES],
    switches: ['json', 'subset', 'help', ...DETECT_SWITCHES],
  });
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.positionals.length > 0) throw usage(`unexpected argument '${args.positionals[0]}'`);
  const gtDir = args.values.get('gt');
  if (gtDir === undefined) throw usage('--gt DIR is needed (the folder of wider_face_val.mat)');
  const plot = args.values.get('plot');
  if (plot !== undefined && !plot.endsWith('.svg')) throw usage(`--plot writes SVG: give a FILE.svg, got '${plot}'`);
  const imagesDir = args.values.get('images');
  let predDir = args.values.get('pred');
  if (imagesDir !== undefined && predDir !== undefined) throw usage('give --pred DIR (score a folder) or --images DIR --out DIR (detect, then score), not both');
  if (imagesDir === undefined) {
    const detectFlag = DETECT_VALUES.find((f) => args.values.has(f)) ?? DETECT_SWITCHES.find((f) => args.switches.has(f));
    if (detectFlag !== undefined) throw usage(`--${detectFlag} goes with --images DIR (running the detector)`);
  }
  if (predDir === undefined && imagesDir === undefined) throw usage('--pred DIR is needed (the prediction folder), or --images DIR --out DIR to run the detector first');

  const groundTruth = readWiderGroundTruth(gtDir);
  let detected = 0;
  if (imagesDir !== undefined) {
    const outDir = args.values.get('out');
    if (outDir === undefined) throw usage('--images needs --out DIR, the prediction folder to write');
    const { code, shard } = await detectWider(args, groundTruth, imagesDir, outDir);
    // A signal stopped the run, or a shard wrote its part only: nothing to score yet.
    if (code !== 0 && code !== 1) return code;
    if (shard.n > 1) {
      process.stderr.write(`${COMMAND}: shard ${shard.k}/${shard.n} written to ${outDir}; once every shard is done, score with: retinaface eval wider --pred ${outDir} --gt ${gtDir}\n`);
      return code;
    }
    detected = code;
    predDir = outDir;
  }
  const predictions = readPredictionFolder(predDir!);
  let result: WiderResult;
  try {
    result = evaluateWider(groundTruth, predictions, { subset: args.switches.has('subset') });
  } catch (err) {
    if (err instanceof RetinaFaceError) throw new RetinaFaceError(err.code, `${predDir}: ${err.message}`);
    throw err;
  }
  if (plot !== undefined) writeOutput(plot, prCurvesSvg(result, predDir!));
  if (result.subset) process.stderr.write(`warning: ${subsetNote(result)}\n`);
  process.stdout.write(args.switches.has('json') ? JSON.stringify(jsonResult(result)) + '\n' : table(result, groundTruth.length, predDir!));
  // Some image failed to detect (its error is on stderr): scored without it under --subset, still exit 1.
  return detected;
}

/** What each batch worker needs to detect and write one image's predictions; plain data. */
export interface WiderDetectSettings {
  readonly model?: string;
  readonly backend: BackendName;
  readonly threads?: number;
  readonly options: DetectOptions;
  readonly maxPixels: number;
  readonly outDir: string;
}

/** The validation images through batch.ts (shards, jobs), each to `<out>/<event>/<image>.txt`; the batch's exit code and the shard. */
async function detectWider(args: ParsedArgs, groundTruth: readonly WiderEvent[], imagesDir: string, outDir: string): Promise<{ code: number; shard: BatchOptions['shard'] }> {
  if (statSync(imagesDir, { throwIfNoEntry: false })?.isDirectory() !== true) throw new RetinaFaceError('IO', `${imagesDir}: not a folder (--images wants WIDER_val/images, with one folder per event)`);
  const pyramid = args.values.has('pyramid');
  const given = detectOptions(args, COMMAND);
  const options: DetectOptions = {
    ...given,
    threshold: given.threshold ?? WIDER_DEFAULTS.threshold,
    targetSize: given.targetSize ?? (pyramid ? WIDER_PYRAMID_DEFAULTS : WIDER_DEFAULTS).targetSize,
    maxSize: given.maxSize ?? (pyramid ? WIDER_PYRAMID_DEFAULTS : WIDER_DEFAULTS).maxSize,
  };
  const maxPixels = numberValue(COMMAND, args, 'max-pixels') ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels >= 1)) throw usage(`--max-pixels must be at least 1, got ${maxPixels}`);
  const settings: WiderDetectSettings = {
    model: args.values.get('model'), backend: backendOption(args, COMMAND), threads: threadsOption(args, COMMAND), options, maxPixels, outDir,
  };
  // The ground truth's images in its order: the index of an image (for --shard) is the same in every run.
  const paths = groundTruth.flatMap((e) => e.images.map((i) => join(imagesDir, e.name, `${i.name}.jpg`)));
  const batchArgs: ParsedArgs = {
    positionals: paths,
    values: new Map(BATCH_FLAGS.values.filter((f) => args.values.has(f)).map((f) => [f, args.values.get(f)!])),
    switches: new Set(),
  };
  const batch = batchOptions(COMMAND, batchArgs);
  const mine = paths.filter((_, index) => index % batch.shard.n === batch.shard.k);
  const todo = mine.filter((path) => !existsSync(predictionFile(outDir, path))).length;
  process.stderr.write(`${COMMAND}: ${mine.length} images${batch.shard.n > 1 ? ` in shard ${batch.shard.k}/${batch.shard.n}` : ''}, ${mine.length - todo} already have a prediction file in ${outDir}, ${todo} to detect\n`);
  const progress = new Progress(`${COMMAND}: detected`, todo);
  const code = await runBatch(batch, {
    module: import.meta.url, settings, names: false,
    onDone: (_input, done) => {
      if (!('entry' in done && 'skipped' in done.entry)) progress.tick();
    },
  });
  return { code, shard: batch.shard };
}

/** `<out>/<event>/<image>.txt` for `<images>/<event>/<image>.jpg`. */
function predictionFile(outDir: string, imagePath: string): string {
  return join(outDir, basename(dirname(imagePath)), `${basename(imagePath, '.jpg')}.txt`);
}

/** One detector per worker; per image: skip if its prediction file exists, else read, decode, detect, write the file whole. */
export const openHandler: OpenHandler<WiderDetectSettings> = async (s, context) => {
  const detector = await RetinaFace.load({ model: s.model, backend: s.backend, threads: s.threads ?? context.threads });
  // every image is decoded into one buffer: only the faces leave process(), and the batch gives a
  // handler one image at a time
  const pixels = growingBuffer();
  return {
    async process({ path }) {
      const file = predictionFile(s.outDir, path);
      if (existsSync(file)) return { entry: { skipped: true }, text: '' };
      const image = decodeImage(readFileChecked(path), { where: path, maxPixels: s.maxPixels, output: pixels });
      const { faces } = await detector.detect({ ...image, channels: 3 }, { ...s.options, maxPixels: s.maxPixels });
      writeWhole(file, formatPredictionFile(basename(dirname(path)), basename(path, '.jpg'), faces));
      return { entry: { faces: faces.length }, text: '' };
    },
    close: () => detector.dispose(),
  };
};

/** Written under a temporary name, then renamed: a killed run leaves no half file for the resume to skip. */
function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}-${threadId}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (err) {
    throw new RetinaFaceError('IO', `${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
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
