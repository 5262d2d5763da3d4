/**
 * `retinaface detect IMAGE|DIR... [--model DIR|NAME] [--descriptor NAME] [--threshold T] [--nms 0.4]
 * [--target-size N] [--max-size N] [--scales a,b,c | --pyramid a,b,c] [--flip] [--vote]
 * [--backend B] [--out DIR] [--mask-threshold T] [--max-pixels 50e6] [--no-exif] [--json | --jsonl]
 * [--from FILE] [--shard K/N] [--resume OUT.jsonl] [--jobs N] [--crops DIR [--crop-size 112]]`
 *
 * Unset thresholds and sizes are the model's own test script's (detect/descriptor.ts): mnet.25
 * 0.5 and 1024 / 1980, mnet_cov2 0.8 and 640 / 1080. With a mask model (mnet_cov2) every face
 * carries its mask probability (`"mask"` in the JSON), and `--out` draws a face whose mask
 * probability reaches `--mask-threshold` (default the model's, 0.2) in orange.
 *
 * The options and `DetectSettings`, and the handler that each batch worker opens (batch.ts runs
 * the inputs, the outputs, shards, resume and jobs): one detector, then per image read, decode,
 * detect and, with `--out DIR`, one annotated picture (boxes, landmarks, scores, mask scores; a JPEG for a JPEG
 * input, a PNG otherwise) and, with `--crops DIR`, each face aligned for recognition (crops.ts). A failed image is one line on stderr and an entry `{ "file", "error" }`;
 * exit 0 when every image worked, 1 when some failed, 2 for a usage error (bad or unknown options,
 * checked before the model is loaded).
 */
import { resolveOptions, type DetectOptions } from '../detect/options.js';
import { BACKEND_HELP, backendNamed, DEFAULT_BACKEND } from '../detect/engine.js';
import { MAX_THREADS } from '../ops/wasm/thread-limit.js';
import { BACKEND_NAMES, RetinaFace, type BackendName, type Detection } from '../detect/retinaface.js';
import { RetinaFaceError } from '../errors.js';
import { BUILTIN_DESCRIPTORS } from '../detect/descriptor.js';
import { readFileChecked } from '../read-file.js';
import { bundledModels, DEFAULT_MODEL } from '../weights/locate.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { growingBuffer } from '../image/rgb-image.js';
import { drawDetections } from '../image/draw.js';
import { encodeJpeg, encodePng } from '../image/encode.js';
import { sniffImageFormat } from '../image/sniff.js';
import { numberValue, parseArgs, type ParsedArgs } from './args.js';
import { BATCH_FLAGS, BATCH_HELP, batchOptions, runBatch, type OpenHandler } from './batch.js';
import { CROP_FLAGS, CROP_HELP, cropOptions, writeCrops, type CroppedFace, type CropSettings } from './crops.js';
import { writeOut } from './write-out.js';

const COMMAND = 'detect';

export const HELP = `usage: retinaface detect IMAGE... [options]

  --model PATH|NAME   model directory, -symbol.json, .params or .safetensors file, or a bundled
                      model's name (${bundledModels().join(', ')}); default: $RETINAFACE_MODEL, then the bundled ${DEFAULT_MODEL}
  --descriptor NAME   decode the model as this built-in (${BUILTIN_DESCRIPTORS.map((d) => d.name).join(', ')}); default: the one its
                      symbol's checksum names
  --threshold T       keep faces with score >= T, in [0, 1] (default: the model's, mnet.25 0.5, mnet_cov2 0.8)
  --nms T             NMS suppresses at IoU >= T, in (0, 1] (default 0.4)
  --target-size N     short side of the network input (default: the model's, 1024 / 640)
  --max-size N        cap for the long side (default: the model's, 1980 / 1080)
  --scales a,b,c      explicit scale factors instead of target/max size
  --pyramid a,b,c     multi-scale sizes relative to --target-size (test_widerface: 500,800,1100,1400,1700 with 800/1200)
  --flip              also run the mirrored image
  --vote              bbox_vote instead of NMS (no landmarks)
  --backend B         where the network runs (default ${DEFAULT_BACKEND}):
${BACKEND_NAMES.map((b) => `                        ${b.padEnd(17)} ${BACKEND_HELP[b]}`).join('\n')}
  --threads N         wasm: threads for the convolutions (default: the cores, at most 4)
  --out DIR           write the image with boxes, landmarks and scores: <image>.jpg for a JPEG, else <image>.png
  --mask-threshold T  mask models: --out draws faces with mask score >= T in orange (default: the model's, 0.2)
  --max-pixels N      refuse images (and scaled inputs) over N pixels (default ${DEFAULT_MAX_PIXELS})
  --no-exif           ignore the JPEG EXIF orientation

batch:
${BATCH_HELP}
aligned crops:
${CROP_HELP}`;

/** What each worker needs to open its detector and process an image; sent to every worker, so plain data. */
export interface DetectSettings {
  readonly model?: string;
  /** A built-in descriptor's name (--descriptor). */
  readonly descriptor?: string;
  readonly backend: BackendName;
  readonly threads?: number;
  readonly options: DetectOptions;
  readonly maxPixels: number;
  readonly exif: boolean;
  readonly outDir?: string;
  /** --mask-threshold; default the model's. */
  readonly maskThreshold?: number;
  readonly crops?: CropSettings;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(COMMAND, argv, {
    values: ['model', 'descriptor', 'threshold', 'nms', 'target-size', 'max-size', 'scales', 'pyramid', 'backend', 'threads', 'out', 'mask-threshold', 'max-pixels', ...CROP_FLAGS, ...BATCH_FLAGS.values],
    switches: ['flip', 'vote', 'no-exif', 'help', ...BATCH_FLAGS.switches],
  });
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const batch = batchOptions(COMMAND, args);
  const maxPixels = numberValue(COMMAND, args, 'max-pixels') ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels >= 1)) throw usage(`--max-pixels must be at least 1, got ${maxPixels}`);
  const maskThreshold = numberValue(COMMAND, args, 'mask-threshold');
  if (maskThreshold !== undefined && !(maskThreshold >= 0 && maskThreshold <= 1)) throw usage(`--mask-threshold must be in [0, 1], got ${maskThreshold}`);
  const descriptor = args.values.get('descriptor');
  if (descriptor !== undefined && !BUILTIN_DESCRIPTORS.some((d) => d.name === descriptor)) {
    throw usage(`--descriptor must be one of ${BUILTIN_DESCRIPTORS.map((d) => d.name).join(', ')}, got '${descriptor}'`);
  }
  const settings: DetectSettings = {
    model: args.values.get('model'),
    descriptor,
    backend: backendOption(args),
    threads: threadsOption(args),
    options: detectOptions(args),
    maxPixels,
    exif: !args.switches.has('no-exif'),
    outDir: args.values.get('out'),
    maskThreshold,
    crops: cropOptions(COMMAND, args),
  };
  return runBatch(batch, { module: import.meta.url, settings, names: settings.outDir !== undefined || settings.crops !== undefined });
}

/** One detector per worker; per image: read, decode, detect, the annotated picture under --out, the aligned faces under --crops. */
export const openHandler: OpenHandler<DetectSettings> = async (s, context) => {
  const detector = await RetinaFace.load({ model: s.model, descriptor: s.descriptor, backend: s.backend, threads: s.threads ?? context.threads });
  const draw = { maskThreshold: s.maskThreshold ?? detector.descriptor.defaults.maskThreshold };
  // every image is decoded into one buffer: the picture does not outlive process() (--out draws on a
  // copy, the aligned crops are new arrays), and the batch gives a handler one image at a time
  const pixels = growingBuffer();
  return {
    async process({ path, name }) {
      const started = performance.now();
      const bytes = readFileChecked(path);
      const image = decodeImage(bytes, { where: path, exif: s.exif, maxPixels: s.maxPixels, output: pixels });
      const result = await detector.detect({ ...image, channels: 3 }, { ...s.options, maxPixels: s.maxPixels, align: s.crops?.size });
      const ms = performance.now() - started;
      if (s.outDir !== undefined) {
        const drawn = drawDetections(image, result.faces, draw);
        const jpeg = sniffImageFormat(bytes) === 'jpeg';
        writeOut(s.outDir, `${name}.${jpeg ? 'jpg' : 'png'}`, jpeg ? encodeJpeg(drawn) : encodePng(drawn));
      }
      if (s.crops === undefined) return { entry: result, text: table(path, result, ms) };
      const { faces, warnings } = writeCrops(s.crops, name!, path, result.faces); // run() asks for names with --crops
      for (const warning of warnings) process.stderr.write(`${warning}\n`);
      return { entry: { ...result, faces }, text: table(path, { ...result, faces }, ms) };
    },
    close: () => detector.dispose(),
  };
};

function usage(what: string, command = COMMAND): RetinaFaceError {
  return new RetinaFaceError('USAGE', `${command}: ${what} (see retinaface ${command} --help)`);
}

/** The flag that sets each DetectOptions field, for error messages. */
const FLAG_OF: Record<string, string> = { threshold: 'threshold', nmsThreshold: 'nms', targetSize: 'target-size', maxSize: 'max-size', scales: 'scales', pyramid: 'pyramid' };

/** The detect options from the flags, validated now: a bad value is a usage error before any work. */
export function detectOptions(args: ParsedArgs, command = COMMAND): DetectOptions {
  const list = (name: string) => {
    const text = args.values.get(name);
    if (text === undefined) return undefined;
    return text.split(',').map((s) => {
      const v = Number(s);
      if (s.trim() === '' || !Number.isFinite(v)) throw usage(`--${name} must be a comma-separated list of numbers, got '${text}'`, command);
      return v;
    });
  };
  const options: DetectOptions = {
    threshold: numberValue(command, args, 'threshold'),
    nmsThreshold: numberValue(command, args, 'nms'),
    targetSize: numberValue(command, args, 'target-size'),
    maxSize: numberValue(command, args, 'max-size'),
    scales: list('scales'),
    pyramid: list('pyramid'),
    flip: args.switches.has('flip'),
    vote: args.switches.has('vote'),
  };
  try {
    resolveOptions(options);
  } catch (err) {
    if (err instanceof RetinaFaceError) throw usage(err.message.replace(/^option (\w+)/, (_, name: string) => `--${FLAG_OF[name] ?? name}`), command);
    throw err;
  }
  return options;
}

export function threadsOption(args: ParsedArgs, command = COMMAND): number | undefined {
  const threads = numberValue(command, args, 'threads');
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw usage(`--threads must be a whole number from 1 to ${MAX_THREADS}, got ${threads}`, command);
  }
  return threads;
}

/** --backend's value (an old name noted on stderr, once); `fallback` when absent. */
export function backendOption(args: ParsedArgs, command = COMMAND, fallback: BackendName = DEFAULT_BACKEND): BackendName {
  const b = args.values.get('backend') ?? fallback;
  const backend = backendNamed(b);
  if (backend === undefined) throw usage(`--backend must be one of ${BACKEND_NAMES.join(', ')}, got '${b}'`, command);
  if (backend !== b) process.stderr.write(`note: --backend ${b} is now called ${backend} (${BACKEND_HELP[backend]})\n`);
  return backend;
}

/** The human-readable rows for one image. */
function table(file: string, r: Omit<Detection, 'faces'> & { faces: readonly (Detection['faces'][number] | CroppedFace)[] }, ms: number): string {
  const f = (v: number) => v.toFixed(1);
  const rows = [`${file}: ${r.width}x${r.height}, ${r.faces.length} face${r.faces.length === 1 ? '' : 's'} (${r.backend} ${r.kernel}, ${ms.toFixed(0)} ms)`];
  for (const face of r.faces) {
    const points = face.landmarks.map(([x, y]) => `${f(x)},${f(y)}`).join(' ');
    const mask = face.mask === undefined ? '' : `  mask ${face.mask.toFixed(4)}`;
    const crop = 'crop' in face ? `  crop ${face.crop}` : 'cropSkipped' in face ? '  crop skipped' : '';
    rows.push(`  ${face.score.toFixed(4)}  box ${face.box.map(f).join(',')}${mask}${points ? `  landmarks ${points}` : ''}${crop}`);
  }
  return rows.join('\n') + '\n';
}
