/**
 * Seeded fuzzing of the WIDER FACE prediction-file reader (parsePredictionFile): bit flips and
 * truncations of real files from the golden synthetic sets, and of a hand-written one with CRLF
 * line ends and blank lines. Every case ends in boxes or a one-line WIDER error naming the file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePredictionFile } from '../../src/eval/wider-predictions.js';
import { goldenDir } from '../helpers/golden.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, summary } from './fuzz.js';

const CASES = 600;
const sets = join(goldenDir, 'wider-eval');
const bases = [
  new Uint8Array(readFileSync(join(sets, 'preds-a', '0--Parade', '0_Parade_Parade_0_102.txt'))),
  new Uint8Array(readFileSync(join(sets, 'preds-b', '0--Parade', '0_Parade_Parade_0_12.txt'))),
  new TextEncoder().encode('0--Parade/0_Parade_Parade_0_12.jpg\r\n2\r\n\r\n1 2 3 4 0.5 \r\n5.5 6 7 8 1e-1\r\n'),
];

describe('fuzz: WIDER prediction files', () => {
  it(`${CASES} mutants end in boxes or a one-line WIDER error`, () => {
    const report = runFuzz({
      name: 'wider-pred', seed: 18, cases: CASES, where: '0--Parade/x.txt', caseMs: 200,
      // no length fields in a text format: flips and truncations only
      make: (rand, index) => mutate(bases[index % bases.length], [], rand, Math.floor(index / bases.length) % 2),
      run: (bytes, where) => parsePredictionFile(new TextDecoder().decode(bytes), where),
    });
    console.log(summary('wider-pred', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.WIDER).toBeGreaterThan(report.cases / 10);
    expect(report.accepted).toBeGreaterThan(report.cases / 10);
  }, FUZZ_TIMEOUT);
});
