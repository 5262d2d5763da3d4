/**
 * Seeded fuzzing of the MXNet `.params` reader: bit flips, truncations and edits of the counts,
 * magics, storage types, ndims, dims, type flags and name lengths of small NDArray lists built in
 * code (every array version, seven dtypes), and a few cases on the real mnet.25 params, which are
 * also checked against the real symbol (missing, extra, mis-shaped, NaN); and mutants of the real
 * symbol text, parsed, checked and planned (buildPlan: unknown ops, attrs, shapes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetinaFaceError } from '../../src/errors.js';
import { buildPlan } from '../../src/net/graph.js';
import { checkParams } from '../../src/weights/check.js';
import { parseMxnetParams } from '../../src/weights/mxnet-params.js';
import { parseMxnetSymbol } from '../../src/weights/mxnet-symbol.js';
import { tensor } from '../../src/tensor/tensor.js';
import { paramsFile, symbolFile } from '../weights/model-files.js';
import { editHeaderNumber, paramsBases, paramsFields } from './corpus.js';
import { FUZZ_TIMEOUT, mutate, runFuzz, summary } from './fuzz.js';

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
  }, FUZZ_TIMEOUT);

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
  }, FUZZ_TIMEOUT);
});

describe('fuzz: -symbol.json', () => {
  it('300 mutants of the real symbol text, parsed, checked against the real params and planned for 64x64', () => {
    const text = new TextEncoder().encode(readFileSync(symbolFile, 'utf8'));
    const params = parseMxnetParams(new Uint8Array(readFileSync(paramsFile)), paramsFile).params;
    const report = runFuzz({
      name: 'symbol', seed: 3, cases: 300, where: 'mnet.25-symbol.json', caseMs: 2000,
      make: (rand, index) => index % 3 === 2
        ? editHeaderNumber(text, 0, text.length, () => {}, rand)
        : mutate(text, [], rand, index),
      run: (bytes, where) => {
        const symbol = parseMxnetSymbol(new TextDecoder().decode(bytes), where);
        checkParams(symbol, params, where);
        try {
          return buildPlan({ symbol, params, source: where, symbolSha256: '' }, 64, 64);
        } catch (err) {
          // plan errors name op and node ("[Convolution conv3] ..."), not the file: prefix it as the CLI does
          if (err instanceof RetinaFaceError) throw new RetinaFaceError(err.code, `${where}: ${err.message}`);
          throw err;
        }
      },
    });
    console.log(summary('symbol', report));
    expect(report.broken).toEqual([]);
    expect(report.refused.WEIGHTS).toBeGreaterThan(report.cases / 3);
  }, FUZZ_TIMEOUT);

  // Planning the mutants too (buildPlan) found an op whose data input is a parameter variable: it
  // got no data input and the next op threw a TypeError; graph.ts now checks each op's activation count.
  it('buildPlan: an Activation reading a weight variable is a SHAPE error naming the node', () => {
    const symbol = parseMxnetSymbol(JSON.stringify({
      nodes: [
        { op: 'null', name: 'data', inputs: [] },
        { op: 'null', name: 'w', inputs: [] },
        { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[1, 0, 0]] },
        { op: 'null', name: 'k', inputs: [] },
        { op: 'Convolution', name: 'conv', attrs: { kernel: '(1, 1)', num_filter: '1', no_bias: 'True' }, inputs: [[2, 0, 0], [3, 0, 0]] },
      ],
      heads: [[4, 0, 0]],
    }), 's.json');
    const params = new Map([['w', tensor([1, 1, 2, 2])], ['k', tensor([1, 1, 1, 1])]]);
    expect(() => buildPlan({ symbol, params, source: 's.json', symbolSha256: '' }, 2, 2)).toThrow(RetinaFaceError);
    expect(() => buildPlan({ symbol, params, source: 's.json', symbolSha256: '' }, 2, 2)).toThrow('[Activation relu] reads 0 activations (none), needs 1; parameters read: w');
  });
});
