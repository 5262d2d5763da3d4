import { describe, expect, it } from 'vitest';
import { readNpy, writeNpy, writeNpyFloat32 } from '../../src/tensor/npy.js';
import { RetinaFaceError } from '../../src/errors.js';
import { readFileSync } from 'node:fs';
import { goldenPath, readGolden, readManifest } from '../helpers/golden.js';

describe('npy', () => {
  it('reads every dtype the golden set uses, with the shapes its manifests list', () => {
    const m = readManifest('postprocess-cases');
    let seen = 0;
    for (const [file, info] of Object.entries<{ shape: number[]; dtype: string }>(m.files)) {
      if (!file.endsWith('.npy')) continue;
      const a = readGolden('postprocess-cases', file);
      expect(a.shape, file).toEqual(info.shape);
      expect({ float32: '<f4', float64: '<f8', int64: '<i8', uint8: '|u1' }[info.dtype], file).toBe(a.dtype);
      seen++;
    }
    expect(seen).toBeGreaterThan(10);
    expect(readGolden('heads-t4', 'pixels.npy').dtype).toBe('|u1');
  });

  it('round-trips float32, uint8, int64 and float64 with 64-byte aligned headers', () => {
    const f = writeNpyFloat32([2, 3], new Float32Array([1, 2, 3, 4, 5, -6.5]));
    expect((f.length - 24) % 64).toBe(0);
    const back = readNpy(f);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data as Float32Array)).toEqual([1, 2, 3, 4, 5, -6.5]);
    for (const a of [
      { dtype: '|u1' as const, shape: [4], data: new Uint8Array([0, 1, 254, 255]) },
      { dtype: '<i8' as const, shape: [2, 1], data: new BigInt64Array([-3n, 1n << 40n]) },
      { dtype: '<f8' as const, shape: [], data: new Float64Array([Math.PI]) },
    ]) {
      const r = readNpy(writeNpy(a));
      expect(r.dtype).toBe(a.dtype);
      expect(r.shape).toEqual(a.shape);
      expect(Array.from(r.data as ArrayLike<unknown>)).toEqual(Array.from(a.data as ArrayLike<unknown>));
    }
  });

  it('writes the same bytes numpy wrote for a golden float32 file', () => {
    const path = goldenPath('anchors', 'base_stride32.npy');
    const original = new Uint8Array(readFileSync(path));
    expect(Buffer.from(writeNpy(readNpy(original))).equals(Buffer.from(original))).toBe(true);
  });

  it('reads a Node Buffer straight from readFileSync: the data only, not the header or the pool around it', () => {
    const path = goldenPath('heads-t6', 'pixels.npy');
    const fromBuffer = readNpy(readFileSync(path), path);
    const fromCopy = readNpy(new Uint8Array(readFileSync(path)), path);
    expect(fromBuffer.data.length).toBe(334 * 596 * 3);
    expect(Buffer.from(fromBuffer.data as Uint8Array).equals(Buffer.from(fromCopy.data as Uint8Array))).toBe(true);
  });

  const bad: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['bad magic', (b) => { const c = b.slice(); c[1] = 0; return c; }, /bad magic/],
    ['unsupported dtype', (b) => patchHeader(b, "'<f4'", "'<i2'"), /unsupported dtype '<i2'/],
    ['Fortran order', (b) => patchHeader(b, 'False', 'True '), /Fortran/],
    ['size mismatch', (b) => b.subarray(0, b.length - 4), /needs 24 data bytes, file has 20/],
    ['header past end', (b) => b.subarray(0, 40), /runs past the end/],
  ];
  for (const [what, mutate, message] of bad) {
    it(`rejects ${what} with a one-line NPY error`, () => {
      const good = writeNpyFloat32([2, 3], new Float32Array(6));
      let err: unknown;
      try { readNpy(mutate(good), 'x.npy'); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(RetinaFaceError);
      expect((err as RetinaFaceError).code).toBe('NPY');
      expect((err as Error).message).toMatch(/^x\.npy: /);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    });
  }
});

function patchHeader(b: Uint8Array, from: string, to: string): Uint8Array {
  const text = new TextDecoder('latin1').decode(b);
  const i = text.indexOf(from);
  const c = b.slice();
  for (let k = 0; k < to.length; k++) c[i + k] = to.charCodeAt(k);
  return c;
}
