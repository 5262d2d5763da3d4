/**
 * Seeded fuzzing of PNG decoding (decodeImage): bit flips, truncations and edits of chunk lengths
 * and IHDR fields of small PNGs (pngjs RGB, RGBA, 16-bit gray; an interlaced 4-bit palette with
 * tRNS; 1-bit gray). Half of the damaged files get their chunk CRCs recomputed, so that the damage
 * reaches the IHDR checks, zlib and pngjs instead of stopping at the CRC check.
 */
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { fixPngCrcs, pngBases, pngFields } from './corpus.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, summary } from './fuzz.js';

const CASES = 900;
const bases = pngBases();
const fields = bases.map(pngFields);

describe('fuzz: PNG', () => {
  it(`${CASES} mutants of 5 small PNGs end in an image or a one-line IMAGE error, each within 1 s`, () => {
    const report = runFuzz({
      name: 'png', seed: 1717, cases: CASES, where: 'fuzz.png', caseMs: 1000,
      make: (rand, index) => {
        const b = index % bases.length;
        const round = Math.floor(index / bases.length);
        const mutant = mutate(bases[b], fields[b], rand, round);
        // every other round keeps the CRCs right
        return Math.floor(round / 3) % 2 === 0 ? mutant : { what: `${mutant.what}, CRCs fixed`, bytes: fixPngCrcs(mutant.bytes) };
      },
      run: (bytes, where) => decodeImage(bytes, { where }),
    });
    console.log(summary('png', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.IMAGE).toBeGreaterThan(report.cases / 4);
    expect(report.accepted).toBeGreaterThan(report.cases / 50);
  }, FUZZ_TIMEOUT);
});
