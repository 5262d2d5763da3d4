/**
 * Seeded fuzzing of the MXNet `.params` reader: bit flips, truncations and edits of the counts,
 * magics, storage types, ndims, dims, type flags and name lengths of small NDArray lists built in
 * code (every array version, seven dtypes), and a few cases on the real mnet.25 params, which are
 * also checked against the real symbol (missing, extra, mis-shaped, NaN).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../src/weights/check.js';
import { parseMxnetParams } from '../../src/weights/mxnet-params.js';
import { parseMxnetSymbol } from '../../src/weights/mxnet-symbol.js';
import { paramsFile, symbolFile } from '../weights/model-files.js';
import { paramsBases, paramsFields } from './corpus.js';
import { mutate, runFuzz, summary } from './fuzz.js';

const CASES = 900;
const bases = paramsBases();
const fields = bases.map(paramsFields);

describe('fuzz: .params', () => {
  it(`${CASES} mutants of small NDArray lists end in parameters or a one-line WEIGHTS error`, () => {
    const report = runFuzz({
      name: 'params', seed: 112, cases: CASES, where: 'fuzz.params', caseMs: 500,
      make: (rand, index) => mutate(bases[index % bases.length], fields[index % bases.length], rand, Math.floor(index / bases.length)),
      run: (bytes, where) => parseMxnetParams(bytes, where),
    });
    console.log(summary('params', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.WEIGHTS).toBeGreaterThan(report.cases / 2);
    expect(report.accepted).toBeGreaterThan(report.cases / 50);
  });

  it('60 mutants of the real mnet.25 params, parsed and checked against the symbol', () => {
    const real = new Uint8Array(readFileSync(paramsFile));
    const symbol = parseMxnetSymbol(readFileSync(symbolFile, 'utf8'), symbolFile);
    const realFields = paramsFields(real);
    const report = runFuzz({
      name: 'params-mnet.25', seed: 25, cases: 60, where: 'mnet.25-0000.params', caseMs: 2000,
      make: (rand, index) => mutate(real, realFields, rand, index),
      run: (bytes, where) => checkParams(symbol, parseMxnetParams(bytes, where).params, where),
    });
    console.log(summary('params-mnet.25', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.WEIGHTS).toBeGreaterThan(report.cases / 3);
  });
});
