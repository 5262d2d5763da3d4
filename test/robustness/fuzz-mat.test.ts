/**
 * Seeded fuzzing of the MAT-file reader (src/eval/mat-file.ts), like the other parsers: bit flips,
 * truncations and edits of every tag's byte count (found by a walk of the format in
 * test/eval/mat-writer.ts, not by the reader) on small files in each form the WIDER ground truth
 * uses (nested cells of char, int32, uint8-stored doubles, small elements; little- and big-endian,
 * compressed), and a few cases on a real ground-truth file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMat } from '../../src/eval/mat-file.js';
import { goldenDir } from '../helpers/golden.js';
import { tagSizeFields, writeMat, type MatIn } from '../eval/mat-writer.js';
import type { LengthField } from './fuzz.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, summary } from './fuzz.js';

const CASES = 900;

/** A small ground truth in the official layout: events, files, boxes, a gt_list. */
const GROUND_TRUTH: Record<string, MatIn> = {
  event_list: { cell: [{ cell: [{ char: '0--Parade' }] }, { cell: [{ char: '1--Handshaking' }] }] },
  file_list: { cell: [{ cell: [{ cell: [{ char: '0_Parade_0_1' }] }, { cell: [{ char: '0_Parade_0_2' }] }] }, { cell: [{ cell: [{ char: '1_H_1' }] }] }] },
  face_bbx_list: { cell: [{ cell: [{ numeric: [1, 2, 3, 4, 5, 6, 7, 8], class: 'int32', dims: [2, 4], storage: 'i32' }, { numeric: [], class: 'int32', dims: [0, 4], storage: 'i32' }] }, { cell: [{ numeric: [9, 9, 9, 9], class: 'int32', dims: [1, 4], storage: 'i32' }] }] },
  gt_list: { cell: [{ cell: [{ numeric: [1, 2], class: 'double', storage: 'u8' }, { numeric: [], class: 'double', dims: [0, 1], storage: 'u8' }] }, { cell: [{ numeric: [1], class: 'double', storage: 'u8' }] }] },
  big: { numeric: [0.5, -2, 1e10], class: 'double' },
};

const bases = [
  writeMat(GROUND_TRUTH),
  writeMat(GROUND_TRUTH, { small: true }),
  writeMat(GROUND_TRUTH, { bigEndian: true }),
  writeMat(GROUND_TRUTH, { compress: true }),
  writeMat({ boxes: GROUND_TRUTH.face_bbx_list, names: GROUND_TRUTH.file_list }, { compress: true, small: true }),
];
const fields: LengthField[][] = bases.map((bytes, i) => i === 0 || i === 1
  ? tagSizeFields(bytes).map(({ name, at }) => ({ name, at, size: 4, littleEndian: true }))
  : [{ name: 'first tag size', at: 132, size: 4, littleEndian: i !== 2 }]);

describe('fuzz: MAT-files', () => {
  it(`${CASES} mutants of small ground-truth-like MAT-files end in variables or a one-line MAT error`, () => {
    expect(fields[0].length).toBeGreaterThan(50);
    const report = runFuzz({
      name: 'mat', seed: 5, cases: CASES, where: 'fuzz.mat', caseMs: 500,
      make: (rand, index) => mutate(bases[index % bases.length], fields[index % bases.length], rand, Math.floor(index / bases.length)),
      run: (bytes, where) => readMat(bytes, where),
    });
    console.log(summary('mat', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.MAT).toBeGreaterThan(report.cases / 3);
    expect(report.accepted).toBeGreaterThan(report.cases / 50);
  }, FUZZ_TIMEOUT);

  it('30 mutants of the official wider_easy_val.mat', () => {
    const real = new Uint8Array(readFileSync(join(goldenDir, 'wider-eval', 'ground_truth', 'wider_easy_val.mat')));
    const realFields: LengthField[] = [{ name: 'first tag size', at: 132, size: 4, littleEndian: true }];
    const report = runFuzz({
      name: 'mat-wider', seed: 18, cases: 30, where: 'wider_easy_val.mat', caseMs: 5000,
      make: (rand, index) => mutate(real, realFields, rand, index),
      run: (bytes, where) => readMat(bytes, where),
    });
    console.log(summary('mat-wider', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.MAT).toBeGreaterThan(report.cases / 3);
  }, FUZZ_TIMEOUT);
});
