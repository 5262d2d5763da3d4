/**
 * The MAT-file reader: the official WIDER FACE ground-truth files (compressed, nested cells of char,
 * int32 and uint8/double arrays), and small files written by test/eval/mat-writer.ts in each form
 * the format allows (compressed or not, small elements, big-endian, MATLAB's narrower storage of
 * doubles), then each thing the reader refuses, with its one-line MAT error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMat, type MatValue } from '../../src/eval/mat-file.js';
import { RetinaFaceError } from '../../src/errors.js';
import { goldenDir } from '../helpers/golden.js';
import { writeMat, type MatIn } from './mat-writer.js';

const gtDir = join(goldenDir, 'wider-eval', 'ground_truth');

function cellsOf(value: MatValue | undefined): readonly MatValue[] {
  if (value?.kind !== 'cell') throw new Error(`expected a cell array, got ${value?.kind}`);
  return value.cells;
}

describe('readMat on the official WIDER FACE ground truth', () => {
  const path = join(gtDir, 'wider_face_val.mat');
  const vars = readMat(new Uint8Array(readFileSync(path)), path);

  it('finds the variables evaluation.py reads, 61 events, 3226 images and 39708 boxes (the golden README)', () => {
    expect([...vars.keys()]).toEqual(expect.arrayContaining(['event_list', 'file_list', 'face_bbx_list']));
    const events = cellsOf(vars.get('event_list'));
    expect(events).toHaveLength(61);
    expect(events[0]).toMatchObject({ kind: 'char', dims: [1, 9], text: '0--Parade' });
    const files = cellsOf(vars.get('file_list'));
    expect(files.reduce((n, e) => n + cellsOf(e).length, 0)).toBe(3226);
    const boxes = cellsOf(vars.get('face_bbx_list'));
    let total = 0;
    for (const event of boxes) {
      for (const image of cellsOf(event)) {
        if (image.kind !== 'numeric') throw new Error(`box list of kind ${image.kind}`);
        total += image.data.length / 4;
      }
    }
    expect(total).toBe(39708);
  });

  it('reads face_bbx_list as int32 F x 4 matrices in column-major order', () => {
    const first = cellsOf(cellsOf(vars.get('face_bbx_list'))[0])[0];
    expect(first).toMatchObject({ kind: 'numeric', class: 'int32' });
    if (first.kind !== 'numeric') return;
    expect(first.dims[1]).toBe(4);
    // x, y, w, h of every face: widths and heights are positive in the official boxes
    const F = first.dims[0];
    for (let f = 0; f < F; f++) expect(first.data[2 * F + f]).toBeGreaterThanOrEqual(0);
  });

  it('reads gt_list of the easy file as 1-based face indices', () => {
    const easyPath = join(gtDir, 'wider_easy_val.mat');
    const easy = readMat(new Uint8Array(readFileSync(easyPath)), easyPath);
    const lists = cellsOf(easy.get('gt_list')).flatMap(cellsOf);
    expect(lists).toHaveLength(3226);
    const kept = lists.reduce((n, l) => n + (l.kind === 'numeric' ? l.data.length : NaN), 0);
    expect(kept).toBe(7211); // easy faces over the set, as scipy.io.loadmat counts them
  });
});

describe('readMat on small files of each form', () => {
  const vars: Record<string, MatIn> = {
    names: { cell: [{ char: '0--Parade' }, { char: 'é' }] },
    boxes: { numeric: [1, 2, 3, 4, 5, 6], class: 'int32', dims: [3, 2], storage: 'i32' },
    small: { numeric: [7, 250], class: 'double', storage: 'u8' },
    big: { numeric: [0.5, -1e300], class: 'double' },
    nested: { cell: [{ cell: [{ numeric: [9], class: 'uint8', storage: 'u8' }] }, { cell: [] , dims: [0, 0] }] },
  };
  const check = (read: Map<string, MatValue>) => {
    expect([...read.keys()]).toEqual(Object.keys(vars));
    expect(cellsOf(read.get('names')).map((c) => c.kind === 'char' && c.text)).toEqual(['0--Parade', 'é']);
    expect(read.get('boxes')).toEqual({ kind: 'numeric', class: 'int32', dims: [3, 2], data: Float64Array.of(1, 2, 3, 4, 5, 6) });
    expect(read.get('small')).toEqual({ kind: 'numeric', class: 'double', dims: [2, 1], data: Float64Array.of(7, 250) });
    expect(read.get('big')).toEqual({ kind: 'numeric', class: 'double', dims: [2, 1], data: Float64Array.of(0.5, -1e300) });
    const nested = cellsOf(read.get('nested'));
    expect(cellsOf(nested[0])[0]).toEqual({ kind: 'numeric', class: 'uint8', dims: [1, 1], data: Float64Array.of(9) });
    expect(nested[1]).toEqual({ kind: 'cell', dims: [0, 0], cells: [] });
  };
  for (const [form, options] of [
    ['uncompressed', {}],
    ['compressed (miCOMPRESSED, unpadded)', { compress: true }],
    ['small data elements', { small: true }],
    ['big-endian (MI)', { bigEndian: true }],
    ['big-endian, compressed, small elements', { bigEndian: true, compress: true, small: true }],
  ] as const) {
    it(form, () => check(readMat(writeMat(vars, options), 'x.mat')));
  }

  it('reads an empty cell written as an miMATRIX of no bytes as an empty double array', () => {
    const bytes = writeMat({ c: { cell: [{ char: 'a' }] } });
    // replace the one cell (an miMATRIX with 48 + 8 bytes of body) by an empty miMATRIX element
    const cellTag = bytes.length - 64;
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(cellTag, true)).toBe(14);
    view.setUint32(cellTag + 4, 0, true);
    const trimmed = bytes.slice(0, cellTag + 8);
    new DataView(trimmed.buffer).setUint32(128 + 4, trimmed.length - 136, true);
    expect(cellsOf(readMat(trimmed, 'x.mat').get('c'))[0]).toEqual({ kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0) });
  });
});

describe('readMat refuses what it does not read, in one line naming the file', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['a short file', new Uint8Array(20), /^x\.mat: 20 bytes, too short for a MAT-file header/],
    ['a text file', new TextEncoder().encode('not a mat file'.padEnd(200)), /^x\.mat: not a MATLAB 5\.0 MAT-file/],
    ['a v7.3 (HDF5) version word', writeMat({ a: { char: 'a' } }, { version: 0x0200 }), /^x\.mat: MAT-file version 0x200, only Level 5/],
    ['a struct', writeMat({ s: { numeric: [], class: 'struct', dims: [1, 1] } }), /^x\.mat: s: struct arrays are not supported \(only cell, char, double, uint8, int32\)/],
    ['a single array', writeMat({ f: { numeric: [1], class: 'single' } }), /^x\.mat: f: single arrays are not supported/],
    ['a complex array', writeMat({ z: { numeric: [1], class: 'double', complex: true } }), /^x\.mat: z: complex double arrays are not supported/],
    ['a cell inside a cell of another class', writeMat({ c: { cell: [{ numeric: [1], class: 'int16' }] } }), /^x\.mat: c\{1\}: int16 arrays are not supported/],
    ['data shorter than its dimensions', writeMat({ b: { numeric: [1, 2, 3], class: 'double', dims: [2, 2] } }), /^x\.mat: b: 2x2 double array needs 4 values, data holds 24 bytes of type 9/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      let error: unknown;
      try { readMat(bytes, 'x.mat'); } catch (err) { error = err; }
      expect(error).toBeInstanceOf(RetinaFaceError);
      expect((error as RetinaFaceError).code).toBe('MAT');
      expect((error as RetinaFaceError).message).toMatch(message);
    });
  }

  it('a truncated compressed element', () => {
    const bytes = writeMat({ a: { numeric: [1, 2, 3], class: 'double' } }, { compress: true });
    expect(() => readMat(bytes.slice(0, bytes.length - 5), 'x.mat')).toThrow(/^x\.mat: top level: element of type 15 at byte 128 claims \d+ bytes, \d+ left$/);
  });

  it('a damaged zlib stream', () => {
    const bytes = writeMat({ a: { numeric: [1, 2, 3], class: 'double' } }, { compress: true });
    bytes[140] ^= 0xff;
    expect(() => readMat(bytes, 'x.mat')).toThrow(/^x\.mat: compressed element at byte 128: /);
  });
});
