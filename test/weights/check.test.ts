import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import { checkParams, parseShapeAttr } from '../../src/weights/check.js';
import { readMxnetParams } from '../../src/weights/mxnet-params.js';
import { parseMxnetSymbol } from '../../src/weights/mxnet-symbol.js';
import { errorOf } from './expect-error.js';
import { paramsFile, symbolFile } from './model-files.js';

const symbol = parseMxnetSymbol(readFileSync(symbolFile, 'utf8'), symbolFile);
const real = readMxnetParams(paramsFile).params;

describe('checkParams', () => {
  it('accepts the real model', () => {
    expect(() => checkParams(symbol, real, 'mnet.25')).not.toThrow();
  });

  it('reports a removed, an extra and a reshaped parameter in one message', () => {
    const params = new Map<string, Tensor>(real);
    params.delete('mobilenet0_conv0_weight'); // declared (8,3,3,3) in the symbol
    params.delete('rf_c3_lateral_bias'); // no __shape__ in the symbol
    params.set('stray_weight', { shape: [2, 2], data: new Float32Array(4) });
    params.set('mobilenet0_batchnorm0_gamma', { shape: [9], data: new Float32Array(9) });
    const message = errorOf(() => checkParams(symbol, params, 'mnet.25'));
    expect(message).toBe(
      'mnet.25: 4 parameter(s) do not match the symbol: missing mobilenet0_conv0_weight (8,3,3,3); ' +
        'mobilenet0_batchnorm0_gamma is (9) but the symbol says (8); missing rf_c3_lateral_bias; ' +
        'extra stray_weight (2,2) (not a variable of the symbol)',
    );
  });

  it('lists the first five problems and counts the rest', () => {
    const params = new Map<string, Tensor>(real);
    const names = [...real.keys()].slice(0, 8);
    for (const name of names) params.delete(name);
    const message = errorOf(() => checkParams(symbol, params, 'mnet.25'));
    expect(message).toMatch(/^mnet\.25: 8 parameter\(s\) do not match the symbol: (missing [^;]+; ){4}missing [^;]+; and 3 more$/);
  });

  it('does not expect the data input as a parameter, and refuses it as one', () => {
    const params = new Map<string, Tensor>(real);
    params.set('data', { shape: [1], data: new Float32Array(1) });
    expect(errorOf(() => checkParams(symbol, params, 'm'))).toBe('m: 1 parameter(s) do not match the symbol: extra data (1) (not a variable of the symbol)');
  });
});

describe('parseShapeAttr', () => {
  it('reads Python tuples with and without the long suffix', () => {
    expect(parseShapeAttr('(8L, 3L, 3L, 3L)', 'n', 's')).toEqual([8, 3, 3, 3]);
    expect(parseShapeAttr('(8L,)', 'n', 's')).toEqual([8]);
    expect(parseShapeAttr('(64, 32, 1, 1)', 'n', 's')).toEqual([64, 32, 1, 1]);
    expect(parseShapeAttr('()', 'n', 's')).toEqual([]);
  });

  it('refuses anything else, naming the node', () => {
    expect(errorOf(() => parseShapeAttr('[8, 3]', 'w', 'm'))).toBe("m: node w has __shape__ '[8, 3]', not a tuple of dims");
    expect(errorOf(() => parseShapeAttr('(8, -1)', 'w', 'm'))).toMatch(/node w has __shape__/);
  });
});
