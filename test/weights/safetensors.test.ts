import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/tensor/tensor.js';
import { readMxnetParams } from '../../src/weights/mxnet-params.js';
import { decodeSafetensors, encodeModelSafetensors, encodeSafetensors, readModelSafetensors } from '../../src/weights/safetensors.js';
import { errorOf } from './expect-error.js';
import { paramsFile, scratchDir, symbolFile } from './model-files.js';

const stored = { symbolText: readFileSync(symbolFile, 'utf8'), params: readMxnetParams(paramsFile) };

/** A safetensors file from a header object and raw data, built by hand from the format description. */
function handMade(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function bitsOf(t: Tensor): Buffer {
  return Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

const eight = new Uint8Array(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]).buffer);

describe('safetensors round trip of mnet.25', () => {
  const file = join(scratchDir(), 'mnet.25.safetensors');
  const bytes = encodeModelSafetensors(stored);
  writeFileSync(file, bytes);
  const back = readModelSafetensors(file);

  it('gives every tensor back bit for bit, with its shape, and keeps arg and aux apart', () => {
    expect(back.params.params.size).toBe(stored.params.params.size);
    for (const [name, t] of stored.params.params) {
      const u = back.params.params.get(name)!;
      expect(u.shape, name).toEqual(t.shape);
      expect(bitsOf(u).equals(bitsOf(t)), name).toBe(true);
    }
    expect([...back.params.aux.keys()].sort()).toEqual([...stored.params.aux.keys()].sort());
    expect([...back.params.arg.keys()].sort()).toEqual([...stored.params.arg.keys()].sort());
  });

  it('keeps the symbol text unchanged', () => {
    expect(back.symbolText).toBe(stored.symbolText);
  });

  it('writes the same bytes whatever the order of the maps', () => {
    const reversed = {
      symbolText: stored.symbolText,
      params: {
        arg: new Map([...stored.params.arg].reverse()),
        aux: new Map([...stored.params.aux].reverse()),
        params: new Map([...stored.params.params].reverse()),
      },
    };
    expect(Buffer.compare(encodeModelSafetensors(reversed), bytes)).toBe(0);
  });

  it('aligns the data section to 8 bytes with a space-padded header', () => {
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    expect(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))).__metadata__.aux).toMatch(/^\["/);
  });
});

describe('decodeSafetensors', () => {
  it('reads a file written by hand from the format description', () => {
    const header = {
      b: { dtype: 'F32', shape: [2, 2], data_offsets: [16, 32] },
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      __metadata__: { note: 'x' },
    };
    const { tensors, metadata } = decodeSafetensors(handMade(header, eight), 'h.safetensors');
    expect(metadata).toEqual({ note: 'x' });
    expect(tensors.get('a')).toEqual({ shape: [4], data: new Float32Array([1, 2, 3, 4]) });
    expect(tensors.get('b')).toEqual({ shape: [2, 2], data: new Float32Array([5, 6, 7, 8]) });
  });

  it('writes what a hand-made reader expects', () => {
    const t: Tensor = { shape: [2], data: new Float32Array([1.5, -2]) };
    const bytes = encodeSafetensors(new Map([['w', t]]), { k: 'v' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header).toEqual({ __metadata__: { k: 'v' }, w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
    expect([...new Float32Array(bytes.slice(8 + n).buffer)]).toEqual([1.5, -2]);
  });

  const a4 = { dtype: 'F32', shape: [4], data_offsets: [0, 16] };
  const bad: Array<[string, () => Uint8Array, RegExp]> = [
    ['a file shorter than the length word', () => new Uint8Array(5), /5 bytes, too short/],
    ['a header length past the end', () => { const b = handMade({ a: a4 }, eight); new DataView(b.buffer).setBigUint64(0, 1000n, true); return b; }, /header length 1000 does not fit in the \d+ bytes after it/],
    ['a huge header length', () => { const b = handMade({ a: a4 }, eight); new DataView(b.buffer).setBigUint64(0, 1n << 63n, true); return b; }, /header length 9223372036854775808 does not fit/],
    ['bad JSON', () => handMade(null, eight, '{"a": {'), /header is not valid UTF-8 JSON/],
    ['a JSON array header', () => handMade([1], eight), /header is not a JSON object/],
    ['offsets past the data', () => handMade({ a: { ...a4, data_offsets: [16, 48] } }, eight), /tensor a: data_offsets \[16, 48\] lie outside the data section of 32 bytes/],
    ['reversed offsets', () => handMade({ a: { ...a4, data_offsets: [16, 0] } }, eight), /tensor a: data_offsets \[16, 0\] lie outside/],
    ['offsets that disagree with the shape', () => handMade({ a: { ...a4, shape: [3] } }, eight), /tensor a: data_offsets \[0, 16\] span 16 bytes, shape \(3\) F32 needs 12/],
    ['overlapping tensors', () => handMade({ a: a4, b: { ...a4, data_offsets: [8, 24] } }, eight), /tensors a \[0, 16\] and b \[8, 24\] overlap/],
    ['another dtype', () => handMade({ a: { ...a4, dtype: 'BF16' } }, eight), /tensor a: dtype "BF16" is not supported \(only F32\)/],
    ['a bad shape', () => handMade({ a: { ...a4, shape: [-4] } }, eight), /tensor a: shape \[-4\] is not a list of non-negative integers/],
    ['a non-string metadata value', () => handMade({ a: a4, __metadata__: { n: 1 } }, eight), /__metadata__\.n is not a string/],
    ['a NaN', () => handMade({ a: a4 }, new Uint8Array(new Float32Array([1, NaN, 0, 0]).buffer)), /tensor a holds NaN at flat index 1/],
  ];
  for (const [what, make, pattern] of bad) {
    it(`refuses ${what} with one line`, () => {
      expect(errorOf(() => decodeSafetensors(make(), 'x.safetensors'))).toMatch(new RegExp(`^x\\.safetensors: ${pattern.source}`));
    });
  }

  it('refuses a safetensors file without our metadata as a model, saying what is missing', () => {
    const file = join(scratchDir(), 'plain.safetensors');
    writeFileSync(file, handMade({ a: a4 }, eight));
    expect(errorOf(() => readModelSafetensors(file))).toBe(`${file}: __metadata__ has no "symbol" entry (is it a file written by 'retinaface convert'?)`);
  });
});
