/**
 * src/tensor/compare.ts, the rule both `retinaface compare` and expectTensorClose apply: hand-made
 * pairs at the edges of the rule (a NaN anywhere, shapes and lengths, the tolerance's scale).
 */
import { describe, expect, it } from 'vitest';
import { closeness } from '../../src/tensor/compare.js';
import { expectTensorClose } from '../helpers/golden.js';

const t = (shape: number[], values: number[]) => ({ shape, data: Float32Array.from(values) });

describe('closeness', () => {
  const CASES: { name: string; ours: number[]; ref: number[]; ok: boolean; worst?: number }[] = [
    { name: 'equal', ours: [1, 2, 3, 4], ref: [1, 2, 3, 4], ok: true, worst: 0 },
    { name: 'a NaN in ours before a finite worst pair', ours: [1, Number.NaN, 3, 4.5], ref: [1, 2, 3, 4], ok: false, worst: 1 },
    { name: 'a NaN in ours after a finite worst pair', ours: [1, 2.5, 3, Number.NaN], ref: [1, 2, 3, 4], ok: false, worst: 3 },
    { name: 'a NaN in the reference', ours: [1, 2, 3, 4], ref: [1, 2, Number.NaN, 4], ok: false, worst: 2 },
    { name: 'Infinity on both sides', ours: [Infinity, 2], ref: [Infinity, 2], ok: false, worst: 0 },
    { name: 'within tol·1 for small values', ours: [0.10009, 0.2], ref: [0.1, 0.2], ok: true, worst: 0 },
    { name: 'over tol·1 for small values', ours: [0.1002, 0.2], ref: [0.1, 0.2], ok: false, worst: 0 },
    { name: 'within tol·max|ref| for large values', ours: [1000.05, 0], ref: [1000, 0], ok: true, worst: 0 },
  ];
  for (const c of CASES) {
    it(c.name, () => {
      const r = closeness(t([c.ours.length], c.ours), t([c.ref.length], c.ref));
      expect([r.ok, r.worst, r.mismatch]).toEqual([c.ok, c.worst, undefined]);
    });
  }

  it('shapes that differ fail before any value is read, even with the same values', () => {
    const r = closeness(t([2, 2], [1, 2, 3, 4]), t([4], [1, 2, 3, 4]));
    expect([r.ok, r.mismatch]).toEqual([false, 'shape (2,2), reference (4)']);
  });

  it('data that does not fit its shape fails', () => {
    expect(closeness(t([4], [1, 2, 3]), t([4], [1, 2, 3, 4])).mismatch).toBe('ours: 3 values for shape (4)');
    expect(closeness(t([3], [1, 2, 3]), t([3], [1, 2, 3, 4])).mismatch).toBe('reference: 4 values for shape (3)');
  });
});

describe('expectTensorClose', () => {
  it('throws on [1, NaN, 3, 4] against [1, 2, 3, 4], naming the NaN', () => {
    expect(() => expectTensorClose('x', t([4], [1, Number.NaN, 3, 4]), t([4], [1, 2, 3, 4]))).toThrow(/x \(4\): max abs diff NaN.* at flat index 1 \(ours NaN, golden 2\)/);
  });

  it('throws on a shape mismatch, naming both shapes', () => {
    expect(() => expectTensorClose('x', t([1, 4], [1, 2, 3, 4]), t([4], [1, 2, 3, 4]))).toThrow('x: shape (1,4), reference (4)');
  });

  it('passes a close pair and returns the numbers', () => {
    expect(expectTensorClose('x', t([2], [1, 2.00001]), t([2], [1, 2]))).toMatchObject({ ok: true, worst: 1 });
  });
});
