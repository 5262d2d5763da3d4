/**
 * Seeded fuzzing of the two tensor file readers: `.npy` (readNpy) and safetensors
 * (decodeSafetensors, then the model metadata as `retinaface convert` writes it, where present). Besides bit
 * flips, truncations and edits of the binary header length, a fourth of the cases edit a number
 * in the text header (a shape dim, an offset) and write the header length back, so that the
 * damage gets past the framing into the shape and offset checks.
 */
import { describe, expect, it } from 'vitest';
import { readNpy } from '../../src/tensor/npy.js';
import { decodeSafetensors, parseModelSafetensors } from '../../src/weights/safetensors.js';
import { editHeaderNumber, npyBases, npyFields, safetensorsBases, safetensorsFields } from './corpus.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, summary } from './fuzz.js';

const CASES = 900;

describe('fuzz: .npy', () => {
  const bases = npyBases();
  it(`${CASES} mutants of .npy files of every dtype end in an array or a one-line NPY error`, () => {
    const report = runFuzz({
      name: 'npy', seed: 93, cases: CASES, where: 'fuzz.npy', caseMs: 500,
      make: (rand, index) => {
        const base = bases[index % bases.length];
        const round = Math.floor(index / bases.length);
        if (round % 4 === 3) {
          const end = 10 + new DataView(base.buffer, base.byteOffset).getUint16(8, true);
          return editHeaderNumber(base, 10, end, (out, newEnd) => new DataView(out.buffer).setUint16(8, newEnd - 10, true), rand);
        }
        return mutate(base, npyFields(), rand, round);
      },
      run: (bytes, where) => readNpy(bytes, where),
    });
    console.log(summary('npy', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.NPY).toBeGreaterThan(report.cases / 3);
    expect(report.accepted).toBeGreaterThan(report.cases / 50);
  }, FUZZ_TIMEOUT);
});

describe('fuzz: safetensors', () => {
  const bases = safetensorsBases();
  it(`${CASES} mutants of safetensors files end in tensors or a one-line WEIGHTS error`, () => {
    const report = runFuzz({
      name: 'safetensors', seed: 8, cases: CASES, where: 'fuzz.safetensors', caseMs: 500,
      make: (rand, index) => {
        const base = bases[index % bases.length];
        const round = Math.floor(index / bases.length);
        if (round % 4 === 3) {
          const end = 8 + Number(new DataView(base.buffer, base.byteOffset).getBigUint64(0, true));
          return editHeaderNumber(base, 8, end, (out, newEnd) => new DataView(out.buffer).setBigUint64(0, BigInt(newEnd - 8), true), rand);
        }
        return mutate(base, safetensorsFields(), rand, round);
      },
      run: (bytes, where) => {
        const { metadata } = decodeSafetensors(bytes, where);
        return metadata.symbol === undefined ? metadata : parseModelSafetensors(bytes, where);
      },
    });
    console.log(summary('safetensors', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.WEIGHTS).toBeGreaterThan(report.cases / 3);
    expect(report.accepted).toBeGreaterThan(report.cases / 50);
  }, FUZZ_TIMEOUT);
});
