/**
 * A prediction folder in the layout detectors write for the WIDER FACE evaluation:
 * `<event>/<image>.txt`, each file the image name, the box count, then one `x y w h score` line per
 * box. Read as evaluation.py's `read_pred_file` / `get_preds` read it:
 *
 * - the image is keyed by the name on the file's first line (its last `/` part, with trailing
 *   `.`, `j`, `p`, `g` characters stripped: the script's `rstrip('.jpg')`), not by the file name;
 * - the count line is skipped unread, and so is a line whose first space-separated field is empty;
 * - boxes keep their file order (the script never sorts them: see wider.ts);
 * - only `<event>/*.txt` files are read (the script opens every file there, and a stray README
 *   would crash it), and every event folder is read, those outside the ground truth too: their
 *   scores take part in the normalisation, as in the script.
 *
 * Where the script would crash or read garbage (a missing field, a field that is not a number, an
 * empty file, two files naming one image), this is a one-line WIDER error naming the file and line.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { readFileChecked } from '../read-file.js';

export interface ImagePredictions {
  /** The file the predictions came from, for messages. */
  readonly file: string;
  /** (P, 5) x, y, w, h, score per box, row-major, in file order. */
  readonly boxes: Float64Array;
}

/** event → image name → predictions. */
export type PredictionSet = Map<string, Map<string, ImagePredictions>>;

/** A plain decimal or exponent number, as Python's float() reads it (no inf, nan or underscores). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** One prediction file's text: the image key and its boxes. `where` names the file in errors. */
export function parsePredictionFile(text: string, where: string): { name: string; boxes: Float64Array } {
  // Python's text mode reads \r\n, \r and \n alike as line ends.
  const lines = text.split(/\r\n|\r|\n/);
  if (text.length === 0) throw new RetinaFaceError('WIDER', `${where}: empty file, expected the image name on line 1`);
  const name = lines[0].split('/').pop()!.replace(/[.jpg]+$/, '');
  const values: number[] = [];
  for (let l = 2; l < lines.length; l++) {
    const fields = lines[l].split(' ');
    if (fields[0] === '') continue;
    if (fields.length < 5) throw new RetinaFaceError('WIDER', `${where}: line ${l + 1}: ${fields.length} field(s), expected x y w h score`);
    for (let f = 0; f < 5; f++) {
      if (!NUMBER.test(fields[f].trim())) throw new RetinaFaceError('WIDER', `${where}: line ${l + 1}: field ${f + 1} '${fields[f].slice(0, 40)}' is not a number`);
      values.push(Number(fields[f]));
    }
  }
  return { name, boxes: Float64Array.from(values) };
}

/**
 * Every `<event>/*.txt` of `dir`. `events` limits the read to those event folders (the others are
 * not looked at); a missing event folder is left out, for the caller to report.
 */
export function readPredictionFolder(dir: string, events?: readonly string[]): PredictionSet {
  const set: PredictionSet = new Map();
  for (const event of events ?? list(dir).filter((e) => isDirectory(join(dir, e)))) {
    const eventDir = join(dir, event);
    if (!isDirectory(eventDir)) continue;
    const images = new Map<string, ImagePredictions>();
    for (const file of list(eventDir).filter((f) => f.endsWith('.txt')).sort()) {
      const path = join(eventDir, file);
      const { name, boxes } = parsePredictionFile(new TextDecoder().decode(readFileChecked(path)), path);
      const other = images.get(name);
      if (other !== undefined) throw new RetinaFaceError('WIDER', `${path}: names image '${name}' on line 1, as ${other.file} does`);
      images.set(name, { file: path, boxes });
    }
    set.set(event, images);
  }
  return set;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    throw new RetinaFaceError('IO', `${dir}: cannot list (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * One prediction file as InsightFace's test_widerface.py writes it: `<event>/<image>.jpg`, the box
 * count, then per box `"%d %d %d %d %g \n" % (x1, y1, x2 - x1, y2 - y1, score)`: coordinates
 * truncated toward zero (Python's %d of a float), the width taken before truncating, six
 * significant digits of score, and the trailing space.
 * @param faces boxes x1, y1, x2, y2 and score, in the detector's order
 */
export function formatPredictionFile(event: string, image: string, faces: readonly { box: readonly number[]; score: number }[]): string {
  const d = (v: number) => String(Math.trunc(v) || 0); // || 0: -0 prints as 0
  const lines = [`${event}/${image}.jpg`, String(faces.length)];
  for (const { box: [x1, y1, x2, y2], score } of faces) lines.push(`${d(x1)} ${d(y1)} ${d(x2 - x1)} ${d(y2 - y1)} ${formatG(score)} `);
  return lines.join('\n') + '\n';
}

/** Python's `'%g' % v`: six significant digits, trailing zeros dropped, exponent form below 1e-4 or from 1e6. */
export function formatG(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, e] = v.toExponential(5).split('e');
  const exp = Number(e);
  const trim = (s: string) => (s.includes('.') ? s.replace(/\.?0+$/, '') : s);
  if (exp < -4 || exp >= 6) return `${trim(mantissa)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return trim(v.toFixed(5 - exp));
}
