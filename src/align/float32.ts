/**
 * Single-precision arithmetic as numpy and OpenBLAS do it, for the parts of the alignment that the
 * original computes in float32 (the landmarks and InsightFace's `arcface_dst` are float32 arrays, so
 * their means, variances and covariance matrix are float32; see umeyama.ts).
 *
 * `f32(x)` is one IEEE float32 rounding (Math.fround). A float32 product is exact in a double
 * (24 + 24 bits), so `f32(a * b)` is the correctly rounded float32 product; sums likewise. The one
 * operation a double cannot give in one step is a fused multiply-add: OpenBLAS's sgemm kernel runs
 * `vfmadd` on x86-64, rounding a·b + c once. `fma32` does that.
 */
export const f32 = Math.fround;

const bits = new Float32Array(1);
const word = new Int32Array(bits.buffer);

/** The float32 next to `r` (a float32) in the direction of `toward`. */
function nextFloat32(r: number, toward: number): number {
  if (r === 0) return toward > 0 ? 2 ** -149 : -(2 ** -149);
  bits[0] = r;
  word[0] += (toward > r) === (r > 0) ? 1 : -1;
  return bits[0];
}

/**
 * fmaf(a, b, c) for float32 a, b, c: round(a·b + c) to float32 once. The product is exact in a
 * double; the sum s = a·b + c in a double may be off by its rounding error e (TwoSum), and rounding
 * s again to float32 is wrong only when s lies exactly halfway between two float32s while e ≠ 0:
 * then the exact value lies on e's side of the midpoint.
 */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const t = s - p;
  const e = (p - (s - t)) + (c - t);
  const r = f32(s);
  if (e === 0 || r === s || !Number.isFinite(s)) return r;
  const other = nextFloat32(r, s);
  if (Math.abs(s - r) !== Math.abs(other - s)) return r; // s is not a midpoint
  return (e > 0) === (other > r) ? other : r;
}
