/**
 * Seeded fuzzing of JPEG decoding (decodeImage): bit flips, truncations and edits of segment
 * lengths, frame sizes, sampling factors, Huffman counts and scan headers of small JPEGs (a photo
 * crop with EXIF, gray with restart markers, CMYK, progressive), of the photo t4.jpg (4:2:0), and
 * in deep runs a few cases on the progressive photo t5.jpg.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { imagesDir } from '../helpers/golden.js';
import { jpegBases, jpegFields } from './corpus.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, SCALE, summary } from './fuzz.js';

const CASES = 900;
const T5_CASES = 3;
const bases = jpegBases();
const fields = bases.map(jpegFields);

describe('fuzz: JPEG', () => {
  it(`${CASES} mutants of 4 small JPEGs end in an image or a one-line IMAGE error, each within 2 s`, () => {
    const report = runFuzz({
      name: 'jpeg', seed: 20240601, cases: CASES, where: 'fuzz.jpg', caseMs: 2000,
      make: (rand, index) => mutate(bases[index % bases.length], fields[index % bases.length], rand, Math.floor(index / bases.length)),
      run: (bytes, where) => decodeImage(bytes, { where }),
    });
    console.log(summary('jpeg', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.IMAGE).toBeGreaterThan(report.cases / 4);
    expect(report.accepted).toBeGreaterThan(report.cases / 20);
  }, FUZZ_TIMEOUT);

  it('150 mutants of t4.jpg (640x360, 4:2:0 chroma, the encoder\'s own Huffman tables), each within 5 s', () => {
    const t4 = new Uint8Array(readFileSync(join(imagesDir, 't4.jpg')));
    const t4fields = jpegFields(t4);
    const report = runFuzz({
      name: 'jpeg-t4', seed: 4, cases: 150, where: 't4.jpg', caseMs: 5000,
      make: (rand, index) => mutate(t4, t4fields, rand, index),
      run: (bytes, where) => decodeImage(bytes, { where }),
    });
    console.log(summary('jpeg-t4', report));
    expect(report.broken).toEqual([]);
    expect(report.accepted).toBeGreaterThan(10);
  }, FUZZ_TIMEOUT);

  // a decode of t5 takes 2 s on an idle machine and up to 15 s on a loaded one: deep runs only
  it.skipIf(SCALE < 2)(`${T5_CASES} mutants of t5.jpg (progressive, 2000x1500), each within 60 s (deep runs only: RETINAFACE_FUZZ_SCALE >= 2)`, () => {
    const t5 = new Uint8Array(readFileSync(join(imagesDir, 't5.jpg')));
    const t5fields = jpegFields(t5);
    const report = runFuzz({
      name: 'jpeg-t5', seed: 5, cases: T5_CASES, where: 't5.jpg', caseMs: 60_000,
      make: (rand, index) => mutate(t5, t5fields, rand, index),
      run: (bytes, where) => decodeImage(bytes, { where }),
    });
    console.log(summary('jpeg-t5', report));
    expect(report.broken).toEqual([]);
  }, FUZZ_TIMEOUT);
});
