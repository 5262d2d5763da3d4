/**
 * The WIDER FACE evaluation: the official script's AP triples for the three synthetic prediction
 * sets of ../shared/golden/wider-eval (manifest.json, printed by evaluation.py), to 1e-9; then each
 * quirk of the script on a hand-made case whose AP is worked out in the test's comment; then the
 * prediction-file reading rules and the one-line errors.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateWider, vocAp } from '../../src/eval/wider.js';
import { readWiderGroundTruth, SETTINGS, type WiderEvent } from '../../src/eval/wider-ground-truth.js';
import { formatG, formatPredictionFile, parsePredictionFile, readPredictionFolder, type PredictionSet } from '../../src/eval/wider-predictions.js';
import { RetinaFaceError } from '../../src/errors.js';
import { goldenDir, readManifest } from '../helpers/golden.js';
import { writeMat } from './mat-writer.js';

const root = join(goldenDir, 'wider-eval');

describe('WIDER FACE AP of the synthetic prediction sets (golden wider-eval, evaluation.py)', () => {
  const groundTruth = readWiderGroundTruth(join(root, 'ground_truth'));
  const manifest = readManifest('wider-eval') as { sets: Record<string, { ap_easy: number; ap_medium: number; ap_hard: number }> };

  it('reads 61 events, 3226 images, 39708 boxes', () => {
    expect(groundTruth).toHaveLength(61);
    expect(groundTruth.reduce((n, e) => n + e.images.length, 0)).toBe(3226);
    expect(groundTruth.reduce((n, e) => n + e.images.reduce((m, i) => m + i.boxes.length / 4, 0), 0)).toBe(39708);
  });

  for (const set of ['preds-a', 'preds-b', 'preds-c']) {
    it(`${set}: easy / medium / hard AP within 1e-9 of the official script`, () => {
      const want = manifest.sets[set];
      const result = evaluateWider(groundTruth, readPredictionFolder(join(root, set)));
      expect(result.images).toBe(3226);
      expect(result.subset).toBe(false);
      expect(Math.abs(result.ap.easy - want.ap_easy)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(result.ap.medium - want.ap_medium)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(result.ap.hard - want.ap_hard)).toBeLessThanOrEqual(1e-9);
      // faces per setting: scipy.io.loadmat's count of the gt_list entries
      expect(result.faces).toEqual({ easy: 7211, medium: 13319, hard: 31958 });
    }, 60_000);
  }
});

/** A face box x, y, w, h; a prediction x, y, w, h, score. */
type Box = [number, number, number, number];
type Pred = [number, number, number, number, number];

/** One event "e" of images; every face counts in every setting unless `keep` says otherwise. */
function groundTruth(images: { name: string; faces: Box[]; keep?: number[] }[]): WiderEvent[] {
  return [{
    name: 'e',
    images: images.map(({ name, faces, keep }) => {
      const list = Float64Array.from(keep ?? faces.map((_, i) => i + 1));
      return { name, boxes: Float64Array.from(faces.flat()), keep: { easy: list, medium: list, hard: list } };
    }),
  }];
}

function predictions(images: Record<string, Pred[]>, event = 'e'): PredictionSet {
  return new Map([[event, new Map(Object.entries(images).map(([name, boxes]) => [name, { file: `${name}.txt`, boxes: Float64Array.from(boxes.flat()) }]))]]);
}

const FACE_A: Box = [10, 10, 20, 20];
const FACE_B: Box = [100, 100, 20, 20];
const NOWHERE: Box = [500, 500, 20, 20];

describe('the official script\'s quirks, each on a case worked out by hand', () => {
  it('scores are min-max normalised over the whole set (images outside the ground truth included)', () => {
    // A's hit scores 0.5004, B's false positive 0.5001. Normalised over the set they become 1 and 0:
    // at every threshold above 0 the hit alone counts (precision 1, recall 1/2), at 0 both (1/2, 1/2):
    // AP = 1/2 · 1 + 1/2 · 0 = 0.5. Raw, both would enter together at t = 0.5: AP 0.25.
    const gt = groundTruth([{ name: 'a', faces: [FACE_A] }, { name: 'b', faces: [FACE_B] }]);
    const set = { a: [[...FACE_A, 0.5004]], b: [[...NOWHERE, 0.5001]] } as Record<string, Pred[]>;
    expect(evaluateWider(gt, predictions(set)).ap.easy).toBeCloseTo(0.5, 12);
    // A file for an image outside the ground truth, scoring 0.9, moves the maximum: the hit then
    // normalises to 0.0003/0.3999 < 0.001, below every threshold but 0, so both enter at 0: AP 0.25.
    expect(evaluateWider(gt, predictions({ ...set, other: [[...NOWHERE, 0.9]] })).ap.easy).toBeCloseTo(0.25, 12);
  });

  it('"ignore" faces: a detection of a face outside gt_list is neither a hit nor a false positive', () => {
    // Face 2 is an ignore face. Prediction 1 (score 0.9 → 1) matches it: not a proposal, so above 0
    // precision is 0/0 (NaN) and recall 0; at 0 prediction 2 (0.1 → 0) hits face 1: precision 1/1,
    // recall 1/1 (one face counts). The envelope carries the NaN only where recall is 0: AP 1.
    const gt = groundTruth([{ name: 'a', faces: [FACE_A, FACE_B], keep: [1] }]);
    const result = evaluateWider(gt, predictions({ a: [[...FACE_B, 0.9], [...FACE_A, 0.1]] }));
    expect(result.faces.easy).toBe(1);
    expect(result.ap.easy).toBe(1);
    // A plain false positive in its place halves the precision at 0: AP 0.5.
    expect(evaluateWider(gt, predictions({ a: [[...NOWHERE, 0.9], [...FACE_A, 0.1]] })).ap.easy).toBe(0.5);
  });

  it('predictions are taken in file order, not sorted by score', () => {
    // The file lists a false positive (0.2 → 0) before the hit (0.8 → 1). At every threshold the
    // last prediction above it is the hit, at index 1, so both count as proposals: precision 1/2,
    // recall 1 throughout: AP 0.5. Sorted by score it would be 1.
    const gt = groundTruth([{ name: 'a', faces: [FACE_A] }]);
    expect(evaluateWider(gt, predictions({ a: [[...NOWHERE, 0.2], [...FACE_A, 0.8]] })).ap.easy).toBe(0.5);
    expect(evaluateWider(gt, predictions({ a: [[...FACE_A, 0.8], [...NOWHERE, 0.2]] })).ap.easy).toBe(1);
  });

  it('images with no box: their faces still count in the recall', () => {
    // B's file has no box. A: hit 1.0, false positive 0.0. Above 0: precision 1, recall 1/2; at 0:
    // 1/2, 1/2. AP = 1/2 · 1 = 0.5 (with B's face not counted it would be 1).
    const gt = groundTruth([{ name: 'a', faces: [FACE_A] }, { name: 'b', faces: [FACE_B] }]);
    const result = evaluateWider(gt, predictions({ a: [[...FACE_A, 1], [...NOWHERE, 0]], b: [] }));
    expect(result.faces.easy).toBe(2);
    expect(result.ap.easy).toBe(0.5);
  });

  it('duplicate detections: a second hit on a recalled face is a false positive', () => {
    // Faces A and B. File order: hit A (1.0), hit A again (0.5), hit B (0.0). Thresholds above 0.5:
    // precision 1, recall 1/2; from 0.5 down to 0.001: 1/2, 1/2; at 0: 2/3, 1. Envelope: 1 up to
    // recall 1/2, 2/3 after: AP = 1/2 · 1 + 1/2 · 2/3 = 5/6.
    const gt = groundTruth([{ name: 'a', faces: [FACE_A, FACE_B] }]);
    const ap = evaluateWider(gt, predictions({ a: [[...FACE_A, 1], [...FACE_A, 0.5], [...FACE_B, 0]] })).ap.easy;
    expect(ap).toBeCloseTo(5 / 6, 12);
  });

  it('the +1 IoU of bbox_overlaps, matched at IoU >= 0.5', () => {
    // Face (0, 0, 9, 9) spans 10 x 10 pixels in the +1 convention, the prediction (0, 0, 9, 4)
    // 10 x 5 inside it: IoU 50/100 = 0.5, a hit (without the +1, 36/81 < 0.5). A false positive
    // at 0 keeps the normalisation apart: AP = 1 · 1.
    const gt = groundTruth([{ name: 'a', faces: [[0, 0, 9, 9]] }]);
    expect(evaluateWider(gt, predictions({ a: [[0, 0, 9, 4, 1], [...NOWHERE, 0]] })).ap.easy).toBe(1);
    expect(evaluateWider(gt, predictions({ a: [[0, 0, 9, 3, 1], [...NOWHERE, 0]] })).ap.easy).toBe(0);
  });

  it('a missing prediction file is one error naming the image; --subset scores the rest, flagged', () => {
    const gt = groundTruth([{ name: 'a', faces: [FACE_A] }, { name: 'b', faces: [FACE_B] }]);
    const set = predictions({ a: [[...FACE_A, 1], [...NOWHERE, 0]] });
    expect(() => evaluateWider(gt, set)).toThrow(/^no prediction file for e\/b\.jpg \(expected e\/b\.txt naming 'b' on line 1; --subset scores only the images that have one\)$/);
    const result = evaluateWider(gt, set, { subset: true });
    expect(result).toMatchObject({ subset: true, images: 1, missing: 1, faces: { easy: 1, medium: 1, hard: 1 } });
    expect(result.ap.easy).toBe(1);
  });

  it('voc_ap: all-point area under the precision envelope, summed where recall changes', () => {
    // recall 0.2, 0.2, 0.6 with precision 0.5, 1, 0.4: envelope 1, 1, 0.4 → 0.2 · 1 + 0.4 · 0.4.
    expect(vocAp(Float64Array.of(0.2, 0.2, 0.6), Float64Array.of(0.5, 1, 0.4))).toBeCloseTo(0.36, 15);
  });
});

describe('prediction files, read as read_pred_file reads them', () => {
  it('keys the image by the name on line 1 (last / part, trailing .jpg characters stripped), skips the count line and blank lines, CRLF too', () => {
    const text = '0--Parade/0_Parade_marchingband_1_465.jpg\r\n99\r\n1 2 3 4 0.5\r\n\r\n 7 7 7 7 7\r\n5.5 6 7 8 1e-1 extra\r\n';
    expect(parsePredictionFile(text, 'f.txt')).toEqual({ name: '0_Parade_marchingband_1_465', boxes: Float64Array.of(1, 2, 3, 4, 0.5, 5.5, 6, 7, 8, 0.1) });
    // rstrip('.jpg') strips characters, not a suffix
    expect(parsePredictionFile('img_gpj\n0\n', 'f.txt').name).toBe('img_');
  });

  it('refuses what the script would crash on or misread, naming the file and line', () => {
    expect(() => parsePredictionFile('', 'e/f.txt')).toThrow(/^e\/f\.txt: empty file, expected the image name on line 1$/);
    expect(() => parsePredictionFile('n\n1\n1 2 3 4\n', 'e/f.txt')).toThrow(/^e\/f\.txt: line 3: 4 field\(s\), expected x y w h score$/);
    expect(() => parsePredictionFile('n\n1\n1 2 3 4 nan\n', 'e/f.txt')).toThrow(/^e\/f\.txt: line 3: field 5 'nan' is not a number$/);
    expect(() => parsePredictionFile('n\n1\n1  2 3 4 5\n', 'e/f.txt')).toThrow(/^e\/f\.txt: line 3: field 2 '' is not a number$/);
  });

  it('reads a folder of <event>/<image>.txt; two files naming one image is an error naming both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wider-pred-'));
    mkdirSync(join(dir, 'e'));
    writeFileSync(join(dir, 'e', 'a.txt'), 'a\n1\n1 2 3 4 0.5\n');
    writeFileSync(join(dir, 'e', 'notes.md'), 'not a prediction');
    const set = readPredictionFolder(dir);
    expect([...set.keys()]).toEqual(['e']);
    expect(set.get('e')!.get('a')!.boxes).toEqual(Float64Array.of(1, 2, 3, 4, 0.5));
    writeFileSync(join(dir, 'e', 'b.txt'), 'a\n0\n');
    expect(() => readPredictionFolder(dir)).toThrow(new RegExp(`^${join(dir, 'e', 'b.txt')}: names image 'a' on line 1, as ${join(dir, 'e', 'a.txt')} does$`));
  });
});

describe('prediction files, written as test_widerface.py writes them', () => {
  it("formatG is Python's '%g' (values and strings from Python 3)", () => {
    const python: [number, string][] = [
      [0.0234567891, '0.0234568'], [0.99999949, '0.999999'], [0.9999996, '1'], [1, '1'], [0.02, '0.02'], [123456.7, '123457'],
      [1234567, '1.23457e+06'], [1.5e-5, '1.5e-05'], [0.0001, '0.0001'], [0.00012345678, '0.000123457'], [5e-324, '4.94066e-324'], [1e300, '1e+300'], [0.5, '0.5'],
    ];
    expect(python.map(([v]) => formatG(v))).toEqual(python.map(([, s]) => s));
  });

  it('"%d %d %d %d %g \\n" of x1, y1, x2 - x1, y2 - y1, score: truncated toward zero, width before truncation; read back by read_pred_file', () => {
    const text = formatPredictionFile('0--Parade', '0_Parade_0_1', [
      { box: [10.7, 20.2, 30.6, 40.9], score: 0.912345678 },
      { box: [-0.6, 5.5, 9.2, 8.4], score: 0.0200001 },
    ]);
    expect(text).toBe('0--Parade/0_Parade_0_1.jpg\n2\n10 20 19 20 0.912346 \n0 5 9 2 0.0200001 \n');
    expect(parsePredictionFile(text, 'f.txt')).toEqual({ name: '0_Parade_0_1', boxes: Float64Array.of(10, 20, 19, 20, 0.912346, 0, 5, 9, 2, 0.0200001) });
    expect(formatPredictionFile('e', 'i', [])).toBe('e/i.jpg\n0\n');
  });
});

describe('ground-truth folders that do not fit', () => {
  const write = (dir: string, file: string, vars: Parameters<typeof writeMat>[0]) => writeFileSync(join(dir, file), writeMat(vars, { compress: true }));
  const tiny = (keep: number[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'wider-gt-'));
    write(dir, 'wider_face_val.mat', {
      event_list: { cell: [{ cell: [{ char: 'e' }] }] },
      file_list: { cell: [{ cell: [{ cell: [{ char: 'a' }] }] }] },
      face_bbx_list: { cell: [{ cell: [{ numeric: [1, 2, 3, 4], class: 'int32', dims: [1, 4], storage: 'i32' }] }] },
    });
    for (const s of SETTINGS) write(dir, `wider_${s}_val.mat`, { gt_list: { cell: [{ cell: [{ numeric: keep, class: 'double', storage: 'u8' }] }] } });
    return dir;
  };

  it('reads a tiny ground truth written in the official layout', () => {
    const [event] = readWiderGroundTruth(tiny([1]));
    expect(event.name).toBe('e');
    expect(event.images).toEqual([{ name: 'a', boxes: Float64Array.of(1, 2, 3, 4), keep: { easy: Float64Array.of(1), medium: Float64Array.of(1), hard: Float64Array.of(1) } }]);
  });

  it('a gt_list index past the faces, a missing variable, a missing file: one line each', () => {
    const dir = tiny([2]);
    expect(() => readWiderGroundTruth(dir)).toThrow(/wider_easy_val\.mat: gt_list\{1\}\{1\} \(a\): face index 2 outside 1\.\.1$/);
    write(dir, 'wider_easy_val.mat', { other: { char: 'x' } });
    expect(() => readWiderGroundTruth(dir)).toThrow(/wider_easy_val\.mat: no variable 'gt_list' \(has other\)$/);
    let error: unknown;
    try { readWiderGroundTruth(join(dir, 'nowhere')); } catch (err) { error = err; }
    expect(error).toBeInstanceOf(RetinaFaceError);
    expect((error as RetinaFaceError).message).toMatch(/nowhere\/wider_face_val\.mat: cannot read \(ENOENT\)$/);
  });
});
