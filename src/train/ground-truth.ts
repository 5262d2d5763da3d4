/**
 * The faces annotated on one training image, and the two file formats they come in. Legend: N faces,
 * 5 landmark points (left eye, right eye, nose, left and right mouth corner), each (x, y, flag) with
 * flag 1 visible, 0 occluded, −1 missing (then x = y = −1 too, the original's marker).
 *
 * - GT.json, this project's own: `[{ "box": [x1, y1, x2, y2], "landmarks": [[x, y, flag] × 5] }]`
 *   (`landmarks` may be left out: all five missing).
 * - The RetinaFace `label.txt` of WIDER FACE (read as rcnn/dataset/retinaface.py does): a line `# name`
 *   starts an image, then one line per face `x y w h  x0 y0 v0 … x4 y4 v4  blur`. The box becomes
 *   [x, y, x + w, y + h] with x2, y2 clipped to the image width and height, and is dropped if empty
 *   (x1 ≥ x2 or y1 ≥ y2) or narrower or lower than MIN_BOX_SIZE. In that file a point's v is 0 when
 *   visible and 1 when occluded, so it is turned into the flag above; −1 −1 −1 marks a missing point.
 *   Lines with only the box (the validation split) get five missing points; any other count of fields,
 *   or a visibility the original's asserts reject, is an error naming the line.
 */
import { RetinaFaceError } from '../errors.js';
import { TRAIN_CONFIG } from './config.js';

/** The landmark flags: 1 visible, 0 occluded, −1 missing. */
const FLAGS = [1, 0, -1];

export interface GroundTruth {
  /** (N, 4) x1, y1, x2, y2 in image pixels */
  readonly boxes: Float32Array;
  /** (N, 5, 3) x, y, flag */
  readonly landmarks: Float32Array;
}

/** Parses GT.json text; `where` (the file name) starts every error message. */
export function parseGtJson(text: string, where: string): GroundTruth {
  let faces: unknown;
  try {
    faces = JSON.parse(text);
  } catch (err) {
    throw new RetinaFaceError('IO', `${where}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(faces)) throw new RetinaFaceError('IO', `${where}: expected an array of faces [{ "box": [x1, y1, x2, y2], "landmarks": [[x, y, v] x5] }]`);
  const boxes = new Float32Array(faces.length * 4);
  const landmarks = new Float32Array(faces.length * 15).fill(-1);
  faces.forEach((face: { box?: unknown; landmarks?: unknown }, i) => {
    const box = face?.box;
    if (!isNumbers(box, 4)) throw new RetinaFaceError('IO', `${where}: face ${i}: "box" must be [x1, y1, x2, y2], got ${JSON.stringify(box)}`);
    // the original's flip asserts x2 >= x1; an inverted box has no meaning for IoU either
    if (box[2] < box[0] || box[3] < box[1]) throw new RetinaFaceError('IO', `${where}: face ${i}: "box" ${JSON.stringify(box)} has x2 < x1 or y2 < y1`);
    boxes.set(box, i * 4);
    if (face.landmarks === undefined) return;
    const points = face.landmarks;
    if (!Array.isArray(points) || points.length !== 5 || !points.every((p) => isNumbers(p, 3) && FLAGS.includes(p[2]))) {
      throw new RetinaFaceError('IO', `${where}: face ${i}: "landmarks" must be five [x, y, v] with v 1 visible, 0 occluded or -1 missing, got ${JSON.stringify(points)}`);
    }
    landmarks.set(points.flat() as number[], i * 15);
  });
  return { boxes, landmarks };
}

/** The `label.txt` entries: image name → its face lines, in file order. */
export function parseLabelTxt(text: string, where: string): Map<string, string[]> {
  const images = new Map<string, string[]>();
  let name: string | undefined;
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      name = line.slice(1).trim();
      images.set(name, []);
    } else if (name === undefined) {
      throw new RetinaFaceError('IO', `${where}:${i + 1}: a face line before the first '# name' line`);
    } else {
      images.get(name)!.push(line);
    }
  }
  return images;
}

/**
 * The faces of one `label.txt` image (`retinaface.gt_roidb`, rcnn/dataset/retinaface.py).
 * @param width, height the image size, for clipping x2 and y2
 */
export function groundTruthFromLabelLines(lines: readonly string[], width: number, height: number, where: string): GroundTruth {
  const boxes: number[] = [];
  const landmarks: number[] = [];
  for (const line of lines) {
    const values = line.split(/\s+/).map(Number);
    if (!(values.length === 4 || values.length >= 19) || values.some((v) => !Number.isFinite(v))) {
      throw new RetinaFaceError('IO', `${where}: face line '${line}' needs numbers 'x y w h [x0 y0 v0 ... x4 y4 v4 blur]' (4, or at least 19), got ${values.length} fields`);
    }
    const [x1, y1] = values;
    const x2 = Math.min(width, values[0] + values[2]);
    const y2 = Math.min(height, values[1] + values[3]);
    if (x1 >= x2 || y1 >= y2) continue;
    if (x2 - x1 < TRAIN_CONFIG.MIN_BOX_SIZE || y2 - y1 < TRAIN_CONFIG.MIN_BOX_SIZE) continue;
    boxes.push(x1, y1, x2, y2);
    // point p: missing (−1 −1 −1), visible (v 0 → flag 1) or occluded (v ≥ 1 → flag 0); the original asserts the v of each case
    for (let p = 0; p < 5; p++) {
      if (values.length === 4) {
        landmarks.push(-1, -1, -1);
        continue;
      }
      const [x, y, v] = values.slice(4 + 3 * p, 7 + 3 * p);
      const missing = x === -1 && y === -1;
      if (missing ? v !== -1 : v < 0) {
        throw new RetinaFaceError('IO', `${where}: face line '${line}': point ${p} (${x}, ${y}) has visibility ${v}; use -1 -1 -1 for a missing point, v >= 0 otherwise`);
      }
      landmarks.push(x, y, missing ? -1 : v === 0 ? 1 : 0);
    }
  }
  return { boxes: Float32Array.from(boxes), landmarks: Float32Array.from(landmarks) };
}

function isNumbers(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'number' && Number.isFinite(v));
}
