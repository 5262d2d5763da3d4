/**
 * `retinaface anonymize IMAGE|DIR... --out DIR [--mode blur|pixelate|solid] [--box-scale 1.3]
 * [--shape ellipse|box] [detect options] [--json | --jsonl] [--from FILE] [--shard K/N]
 * [--resume OUT.jsonl] [--jobs N]`
 *
 * Every face found is blurred, pixelated or filled (anonymize/anonymize.ts) and the picture is
 * written as `DIR/<input file name>` in the input's format: a JPEG stays a JPEG (re-encoded, so
 * pixels change slightly everywhere), a PNG stays a PNG (8-bit RGB, alpha dropped; every pixel
 * outside the enlarged boxes as decoded, bit for bit). The EXIF orientation is applied to the
 * pixels, and nothing but pixels is written (image/encode.ts): no EXIF with its GPS position and
 * thumbnail, no XMP, comments or PNG text. Two inputs with one name become `t1.jpg`, `t1-2.jpg`;
 * an output that would replace its own input is refused.
 *
 * The batch is detect's (batch.ts): `--json` / `--jsonl` hold detect's entry per image (faces,
 * size, backend) with the written file as `out`; a failed image is one line on stderr and an
 * entry `{ "file", "error" }`, the batch goes on and exits 1; exit 2 for a usage error.
 */
import { extname, join, resolve } from 'node:path';
import { ANONYMIZE_MODES, ANONYMIZE_SHAPES, resolveAnonymizeOptions, type AnonymizeOptions } from '../anonymize/anonymize.js';
import { RetinaFace } from '../detect/retinaface.js';
import { RetinaFaceError } from '../errors.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { growingBuffer } from '../image/rgb-image.js';
import { encodeJpeg, encodePng } from '../image/encode.js';
import { sniffImageFormat } from '../image/sniff.js';
import { readFileChecked } from '../read-file.js';
import { numberValue, parseArgs } from './args.js';
import { BATCH_FLAGS, BATCH_HELP, batchOptions, runBatch, type OpenHandler } from './batch.js';
import { backendOption, detectOptions, HELP as DETECT_HELP, threadsOption, type DetectSettings } from './detect.js';
import { writeOut } from './write-out.js';

const COMMAND = 'anonymize';

/** detect's option lines (between its usage line and its batch section), without its own --out. */
const DETECT_OPTION_LINES = DETECT_HELP.slice(DETECT_HELP.indexOf('\n\n') + 2, DETECT_HELP.indexOf('\nbatch:'))
  .split('\n').filter((line) => !line.startsWith('  --out ')).join('\n').trimEnd();

export const HELP = `usage: retinaface anonymize IMAGE... --out DIR [options]

  --out DIR           write DIR/<input file name>, in the input's format (JPEG or PNG), without metadata
  --mode M            ${ANONYMIZE_MODES.join(' | ')} (default blur)
  --box-scale S       enlarge each face box about its centre by S, from 1 to 10 (default 1.3)
  --shape S           ${ANONYMIZE_SHAPES.join(' | ')}: the ellipse inside the enlarged box, or the box (default ellipse)

detect options (the faces to remove):
${DETECT_OPTION_LINES}

batch:
${BATCH_HELP}`;

export interface AnonymizeSettings extends DetectSettings {
  readonly outDir: string;
  readonly anonymize: Required<AnonymizeOptions>;
}

/** The flag that sets each AnonymizeOptions field, for error messages. */
const FLAG_OF: Record<string, string> = { mode: 'mode', boxScale: 'box-scale', shape: 'shape' };

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(COMMAND, argv, {
    values: ['model', 'threshold', 'nms', 'target-size', 'max-size', 'scales', 'pyramid', 'backend', 'threads', 'out', 'max-pixels', 'mode', 'box-scale', 'shape', ...BATCH_FLAGS.values],
    switches: ['flip', 'vote', 'no-exif', 'help', ...BATCH_FLAGS.switches],
  });
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const batch = batchOptions(COMMAND, args);
  const outDir = args.values.get('out');
  if (outDir === undefined) throw usage('--out DIR is required: where the anonymized pictures go');
  const maxPixels = numberValue(COMMAND, args, 'max-pixels') ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels >= 1)) throw usage(`--max-pixels must be at least 1, got ${maxPixels}`);
  let anonymize: Required<AnonymizeOptions>;
  try {
    anonymize = resolveAnonymizeOptions({ mode: args.values.get('mode') as AnonymizeOptions['mode'], boxScale: numberValue(COMMAND, args, 'box-scale'), shape: args.values.get('shape') as AnonymizeOptions['shape'] });
  } catch (err) {
    if (err instanceof RetinaFaceError) throw usage(err.message.replace(/^option (\w+)/, (_, name: string) => `--${FLAG_OF[name] ?? name}`));
    throw err;
  }
  const settings: AnonymizeSettings = {
    model: args.values.get('model'),
    backend: backendOption(args, COMMAND),
    threads: threadsOption(args, COMMAND),
    options: detectOptions(args, COMMAND),
    maxPixels,
    exif: !args.switches.has('no-exif'),
    outDir,
    anonymize,
  };
  return runBatch(batch, { module: import.meta.url, settings, names: true });
}

/** One detector per worker; per image: read, decode, detect and anonymize, write in the input's format. */
export const openHandler: OpenHandler<AnonymizeSettings> = async (s, context) => {
  const detector = await RetinaFace.load({ model: s.model, backend: s.backend, threads: s.threads ?? context.threads });
  // every image is decoded into one buffer: the picture does not outlive process() (anonymize draws
  // on a copy), and the batch gives a handler one image at a time
  const pixels = growingBuffer();
  return {
    async process({ path, name }) {
      const started = performance.now();
      const bytes = readFileChecked(path);
      const out = join(s.outDir, `${name}${extname(path)}`);
      if (resolve(out) === resolve(path)) throw new RetinaFaceError('IO', `${path}: the output ${out} would replace the input; choose another --out`);
      const image = decodeImage(bytes, { where: path, exif: s.exif, maxPixels: s.maxPixels, output: pixels });
      const { image: anonymized, ...detection } = await detector.anonymize({ ...image, channels: 3 }, { ...s.options, ...s.anonymize, maxPixels: s.maxPixels });
      writeOut(s.outDir, `${name}${extname(path)}`, sniffImageFormat(bytes) === 'jpeg' ? encodeJpeg(anonymized) : encodePng(anonymized));
      const ms = performance.now() - started;
      const faces = `${detection.faces.length} face${detection.faces.length === 1 ? '' : 's'}`;
      return { entry: { ...detection, out }, text: `${path} → ${out}: ${detection.width}x${detection.height}, ${faces} (${s.anonymize.mode}; ${detection.backend} ${detection.kernel}, ${ms.toFixed(0)} ms)\n` };
    },
    close: () => detector.dispose(),
  };
};

function usage(what: string): RetinaFaceError {
  return new RetinaFaceError('USAGE', `${COMMAND}: ${what} (see retinaface ${COMMAND} --help)`);
}
