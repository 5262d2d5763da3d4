/**
 * Bit-exactness machinery: a first reader can skip this file. Where it is used, read it as
 * `Math.fround(Math.exp(x))`; it exists only so that decoded boxes match the original to the bit.
 *
 * `np.exp` on a float32 array, bit for bit: the AVX2/AVX-512 kernel numpy runs on x86-64
 * (numpy/core/src/umath/loops_exponent_log.dispatch.c.src `simd_exp_FLOAT`, numpy 1.20 … 2.x).
 * bbox_pred takes exp of the float32 box deltas this way, and the kernel is not correctly rounded (up to
 * 2.52 ulp; about one input in three differs by 1 ulp from the float32-rounded true exp), so
 * `Math.fround(Math.exp(x))` would move decoded box edges by up to ~3e-5 px at 500 px.
 *
 * The kernel, every step in float32:
 *   k = rint(x·log2e)                            (by adding and subtracting 1.5·2^23)
 *   r = x − k·ln2                                (Cody–Waite: two fused multiply-adds, ln2 = c1 + c2)
 *   exp(r) ≈ P(r)/Q(r)                           (minimax, P degree 5 and Q degree 2, Horner with FMA)
 *   exp(x) = exp(r)·2^k
 * x ≥ 88.72283935546875 gives +∞, x ≤ −103.97208404541015625 gives 0, NaN stays NaN.
 */

const f = Math.fround;
const LOG2E = f(1.442695040888963407359924681001892137);
const RINT_MAGIC = 12582912; // 1.5·2^23 (0x1.8p23)
const CODY_WAITE_C1 = f(-6.93145752e-1);
const CODY_WAITE_C2 = f(-1.42860677e-6);
const P = [
  9.999999999980870924916e-1, 7.257664613233124478488e-1, 2.473615434895520810817e-1,
  5.114512081637298353406e-2, 6.757896990527504603057e-3, 5.082762527590693718096e-4,
].map(f);
const Q = [1, -2.742335390411667452936e-1, 2.159509375685829852307e-2].map(f);
const XMAX = 88.72283935546875;
const XMIN = -103.97208404541015625;

/**
 * float32 fused multiply-add: a·b + c rounded once to float32. The product of two float32 values is
 * exact in a double; the sum is not always, and rounding it first to double and then to float32 can go
 * wrong exactly when the double lands on a float32 midpoint, so that case is settled by the sign of the
 * sum's rounding error.
 */
function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bp = s - c;
  const err = (p - bp) + (c - (s - bp)); // TwoSum: s + err = p + c exactly
  const r = f(s);
  if (err === 0 || r === s) return r;
  const other = 2 * s - r; // the other float32 neighbour, if s is their midpoint
  if (f(other) !== other) return r;
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}

/** numpy's float32 `exp(x)` (x a float32 value). */
export function numpyExpFloat32(x: number): number {
  if (x !== x) return NaN;
  if (x >= XMAX) return Infinity;
  if (x <= XMIN) return 0;
  const k = f(f(f(x * LOG2E) + RINT_MAGIC) - RINT_MAGIC);
  let r = fma32(k, CODY_WAITE_C1, x);
  r = fma32(k, CODY_WAITE_C2, r);
  let num = fma32(P[5], r, P[4]);
  num = fma32(num, r, P[3]);
  num = fma32(num, r, P[2]);
  num = fma32(num, r, P[1]);
  num = fma32(num, r, P[0]);
  let den = fma32(Q[2], r, Q[1]);
  den = fma32(den, r, Q[0]);
  return f(f(num / den) * 2 ** k);
}
