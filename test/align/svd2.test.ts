/**
 * The pieces under the alignment's last-bit agreement (whose end result, M.npy to 1e-9, is checked
 * in face-align.test.ts): fmaf's single rounding, and the 2×2 SVD as a decomposition on awkward
 * matrices (diagonal, already bidiagonal, negative determinant, rank one, a scaled rotation).
 */
import { describe, expect, it } from 'vitest';
import { f32, fma32 } from '../../src/align/float32.js';
import { svd2 } from '../../src/align/svd2.js';

describe('fma32', () => {
  it('rounds a·b + c once, not the product first', () => {
    const [a, b, c] = [1.4954349994659424, 1.7609623670578003, -2.6334047317504883];
    expect(f32(f32(a * b) + c)).toBe(0);
    expect(fma32(a, b, c)).toBe(2.4690137934157974e-8);
  });

  it('decides a float32 midpoint reached by the double sum by the bits the double dropped', () => {
    const one = f32(1 + 2 ** -23);
    // exact 1 + 2^-24 + 2^-70: the double sum is the midpoint 1 + 2^-24, which would tie down to 1
    expect(f32(one * f32(-(1 - 2 ** -23) * 2 ** -24) + one)).toBe(1);
    expect(fma32(one, f32(-(1 - 2 ** -23) * 2 ** -24), one)).toBe(one);
    // exact 1 + 2^-23 + 2^-24 - 2^-70: the double sum is the midpoint, which would tie up to 1 + 2^-22
    expect(f32(one * f32((1 - 2 ** -23) * 2 ** -24) + one)).toBe(1 + 2 ** -22);
    expect(fma32(one, f32((1 - 2 ** -23) * 2 ** -24), one)).toBe(one);
  });
});

const CASES: [string, [number, number, number, number]][] = [
  ['diagonal', [3, 0, 0, -2]],
  ['upper triangular', [2, 5, 0, 1]],
  ['negative determinant', [1, 2, 3, 4]],
  ['rank one', [1, 2, 2, 4]],
  ['scaled rotation', [f32(0.6 * 7), f32(-0.8 * 7), f32(0.8 * 7), f32(0.6 * 7)]],
  ['tiny and huge', [f32(1e-20), f32(3e20), f32(-2e20), f32(5e-3)]],
];

describe('svd2', () => {
  for (const [name, A] of CASES) {
    it(`${name}: U·diag(S)·Vᵀ = A with orthogonal U, V and S decreasing`, () => {
      const { U, S, V } = svd2(A);
      const scale = Math.max(...A.map(Math.abs));
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 2; j++) {
          const a = U[i * 2] * S[0] * V[j] + U[i * 2 + 1] * S[1] * V[2 + j];
          expect(Math.abs(a - A[i * 2 + j])).toBeLessThanOrEqual(1e-6 * scale);
          const uu = U[i] * U[j] + U[2 + i] * U[2 + j];
          const vv = V[i * 2] * V[j * 2] + V[i * 2 + 1] * V[j * 2 + 1];
          expect(Math.abs(uu - (i === j ? 1 : 0))).toBeLessThan(1e-6);
          expect(Math.abs(vv - (i === j ? 1 : 0))).toBeLessThan(1e-6);
        }
      }
      expect(S[0]).toBeGreaterThanOrEqual(S[1]);
      expect(S[1]).toBeGreaterThanOrEqual(0);
    });
  }
});
