/**
 * `retinaface detect IMAGE... [--model DIR] [--threshold 0.5] [--nms 0.4] [--target-size 1024]
 * [--max-size 1980] [--scales a,b,c | --pyramid a,b,c] [--flip] [--vote] [--backend B] [--json]
 * [--out DIR] [--max-pixels 50e6] [--no-exif]`
 *
 * Every image is processed even when some fail: a failed one is one line on stderr
 * (`error: <file>: <message>`) and, with `--json`, an entry `{ "file", "error" }` in the array on
 * stdout, in input order. Exit 0 when every image worked, 1 when some failed, 2 for a usage error
 * (bad or unknown options, checked before the model is loaded). `--out DIR` writes one annotated
 * PNG per image: boxes, landmarks, scores.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { resolveOptions, type DetectOptions } from '../detect/options.js';
import { BACKEND_HELP, backendNamed, DEFAULT_BACKEND } from '../detect/engine.js';
import { MAX_THREADS } from '../ops/wasm/thread-limit.js';
import { BACKEND_NAMES, RetinaFace, type BackendName, type Detection } from '../detect/retinaface.js';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';
import { bundledModels, DEFAULT_MODEL } from '../weights/locate.js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../image/decode.js';
import { drawDetections, encodePng } from '../image/draw.js';
import { numberValue, parseArgs, type ParsedArgs } from './args.js';

const COMMAND = 'detect';

export const HELP = `usage: retinaface detect IMAGE... [options]

  --model PATH|NAME   model directory or file, or a bundled model's name (${bundledModels().join(', ')});
                      default: $RETINAFACE_MODEL, then the bundled ${DEFAULT_MODEL}
  --threshold T       keep faces with score >= T, in [0, 1] (default 0.5)
  --nms T             NMS suppresses at IoU >= T, in (0, 1] (default 0.4)
  --target-size N     short side of the network input (default 1024)
  --max-size N        cap for the long side (default 1980)
  --scales a,b,c      explicit scale factors instead of target/max size
  --pyramid a,b,c     multi-scale sizes relative to --target-size (test_widerface: 500,800,1100,1400,1700 with 800/1200)
  --flip              also run the mirrored image
  --vote              bbox_vote instead of NMS (no landmarks)
  --backend B         where the network runs (default ${DEFAULT_BACKEND}):
${BACKEND_NAMES.map((b) => `                        ${b.padEnd(17)} ${BACKEND_HELP[b]}`).join('\n')}
  --threads N         wasm: threads for the convolutions (default: the cores, at most 4)
  --json              one JSON array on stdout, one entry per image
  --out DIR           write <image>.png with boxes, landmarks and scores
  --max-pixels N      refuse images (and scaled inputs) over N pixels (default ${DEFAULT_MAX_PIXELS})
  --no-exif           ignore the JPEG EXIF orientation
`;

type Entry = { file: string; error: string } | ({ file: string } & Detection);

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(COMMAND, argv, {
    values: ['model', 'threshold', 'nms', 'target-size', 'max-size', 'scales', 'pyramid', 'backend', 'threads', 'out', 'max-pixels'],
    switches: ['flip', 'vote', 'json', 'no-exif', 'help'],
  });
  if (args.switches.has('help')) {
    process.stdout.write(HELP);
    return 0;
  }
  const files = args.positionals;
  if (files.length === 0) throw usage('no image given');
  const options = detectOptions(args);
  const backend = backendOption(args);
  const maxPixels = numberValue(COMMAND, args, 'max-pixels') ?? DEFAULT_MAX_PIXELS;
  if (!(maxPixels >= 1)) throw usage(`--max-pixels must be at least 1, got ${maxPixels}`);
  const exif = !args.switches.has('no-exif');
  const outDir = args.values.get('out');

  const detector = await RetinaFace.load({ model: args.values.get('model'), backend, threads: threadsOption(args) });
  const entries: Entry[] = [];
  const pngNames = new Set<string>();
  try {
    for (const file of files) {
      try {
        const started = performance.now();
        const image = decodeImage(readFileChecked(file), { where: file, exif, maxPixels });
        const result = await detector.detect({ ...image, channels: 3 }, { ...options, maxPixels });
        const ms = performance.now() - started;
        entries.push({ file, ...result });
        if (outDir !== undefined) writePng(outDir, uniqueName(file, pngNames), encodePng(drawDetections(image, result.faces)));
        if (!args.switches.has('json')) process.stdout.write(table(file, result, ms));
      } catch (err) {
        const message = errorMessage(err);
        entries.push({ file, error: message });
        process.stderr.write(`error: ${message.startsWith(`${file}: `) ? message : `${file}: ${message}`}\n`);
      }
    }
  } finally {
    detector.dispose();
  }
  if (args.switches.has('json')) process.stdout.write(JSON.stringify(entries) + '\n');
  return entries.some((e) => 'error' in e) ? 1 : 0;
}

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

function errorMessage(err: unknown): string {
  if (err instanceof RetinaFaceError) return err.message;
  if (process.argv.includes('--debug')) console.error(err);
  return `internal: ${err instanceof Error ? err.message : String(err)} (rerun with --debug for a stack trace)`;
}

/** `<image name>.png`, with -2, -3, … when two inputs share a name. */
function uniqueName(file: string, taken: Set<string>): string {
  const stem = basename(file, extname(file));
  let name = `${stem}.png`;
  for (let i = 2; taken.has(name); i++) name = `${stem}-${i}.png`;
  taken.add(name);
  return name;
}

function writePng(dir: string, name: string, png: Uint8Array): void {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), png);
  } catch (err) {
    throw new RetinaFaceError('IO', `${join(dir, name)}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** The human-readable rows for one image. */
function table(file: string, r: Detection, ms: number): string {
  const f = (v: number) => v.toFixed(1);
  const rows = [`${file}: ${r.width}x${r.height}, ${r.faces.length} face${r.faces.length === 1 ? '' : 's'} (${r.backend} ${r.kernel}, ${ms.toFixed(0)} ms)`];
  for (const face of r.faces) {
    const points = face.landmarks.map(([x, y]) => `${f(x)},${f(y)}`).join(' ');
    rows.push(`  ${face.score.toFixed(4)}  box ${face.box.map(f).join(',')}${points ? `  landmarks ${points}` : ''}`);
  }
  return rows.join('\n') + '\n';
}
