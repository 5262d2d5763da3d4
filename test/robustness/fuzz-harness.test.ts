/** The fuzz harness itself: it must report every way a case can break the contract. */
import { describe, expect, it } from 'vitest';
import { RetinaFaceError } from '../../src/errors.js';
import { editLength, flipBits, runFuzz, truncate } from './fuzz.js';
import { mulberry32 } from '../helpers/random.js';

describe('runFuzz', () => {
  const base = { name: 'self', seed: 1, cases: 6, where: 'f.bin', caseMs: 1000, exact: true, make: (_r: () => number, i: number) => ({ what: `case ${i}`, bytes: Uint8Array.of(i) }) };

  it('counts results and RetinaFaceErrors, and reports other exceptions, bad messages and slow cases', () => {
    const report = runFuzz({
      ...base,
      run: (bytes, where) => {
        const i = bytes[0];
        if (i === 1) throw new RetinaFaceError('IMAGE', `${where}: fine`);
        if (i === 2) throw new TypeError('x is undefined');
        if (i === 3) throw Object.assign(new RetinaFaceError('IMAGE', `${where}: one`), { message: `${where}: two\nlines` });
        if (i === 4) throw new RetinaFaceError('IMAGE', 'no file name');
        if (i === 5) { const t = performance.now(); while (performance.now() - t < 1100) { /* slow */ } }
        return i;
      },
    });
    expect(report.accepted).toBe(2);
    expect(report.refused).toEqual({ IMAGE: 1 });
    expect(report.broken).toHaveLength(4);
    expect(report.broken[0]).toMatch(/^self seed 1 case 2 \(case 2\): threw TypeError: x is undefined$/);
    expect(report.broken[1]).toMatch(/case 3 .*not one line/);
    expect(report.broken[2]).toMatch(/case 4 .*starting with "f\.bin: "/);
    expect(report.broken[3]).toMatch(/case 5 .*took \d+ ms \(limit 1000 ms\)/);
  });

  it('mutations are deterministic for a seed and change the bytes as they say', () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
    expect(flipBits(bytes, mulberry32(3))).toEqual(flipBits(bytes, mulberry32(3)));
    expect(flipBits(bytes, mulberry32(3)).bytes).not.toEqual(bytes);
    expect(truncate(bytes, mulberry32(4)).bytes.length).toBeLessThan(64);
    const edited = editLength(bytes, [{ name: 'n', at: 8, size: 2, littleEndian: false }], mulberry32(5));
    expect(edited.what).toMatch(/^set n \(byte 8\) from 2057 to \d+$/);
    expect([...edited.bytes.subarray(0, 8), ...edited.bytes.subarray(10)]).toEqual([...bytes.subarray(0, 8), ...bytes.subarray(10)]);
  });
});
