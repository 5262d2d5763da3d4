/**
 * `numpy.linalg.svd` of a 2×2 matrix as skimage's `_umeyama` gets it. numpy's linalg computes in
 * float64 whatever the input (`_commonType`: a float32 matrix is converted, LAPACK `dgesdd` runs,
 * and U, S, Vᵀ are cast back to float32), and the aligned face depends on the last float32 bit of
 * each (`_umeyama` multiplies them into the transform; see umeyama.ts). The values are easy; their
 * signs and order are LAPACK's conventions, so this follows dgesdd's own steps for a 2×2 matrix
 * (reference LAPACK as shipped in OpenBLAS, `SRC/dgesdd.f` path 5, M = N = 2):
 *
 * 1. `dgebd2`: one Householder reflector H = I − τ·v·vᵀ, v = (1, v₂), from `dlarfg` on the first
 *    column turns A into the upper bidiagonal [[d₁, e₁], [0, d₂]]; the right reflector and the second
 *    left one are identities for a 2×2 matrix (τ = 0).
 * 2. `dbdsdc` → `dlasdq` → `dbdsqr`: unless e₁ is negligible (|e₁| ≤ the relative threshold), one
 *    `dlasv2` gives the 2×2 SVD with rotations (cosl, sinl), (cosr, sinr); negative singular values
 *    are made positive by flipping the row of Vᵀ, and the values are sorted in decreasing order
 *    (dlasdq's ascending sort and dbdsdc's descending one cancel).
 * 3. `dormbr`: U ← H·U through `dlarf`.
 *
 * OpenBLAS runs some of these products as fused multiply-adds; in float64 that moves a value by at
 * most an ulp, far below the float32 rounding that follows, so plain double arithmetic is used.
 * While this was written it gave numpy 2.4's U, S, Vᵀ (OpenBLAS 0.3.31) bit for bit on 3000 matrices
 * (covariances of perturbed landmarks, random ones, triangular, scaled rotations); the tests hold it
 * to the end result, the golden M.npy.
 *
 * Legend: matrices are row-major [m11, m12, m21, m22].
 */
import { f32 } from './float32.js';

export interface Svd2 {
  /** Left singular vectors as columns, row-major. */
  U: [number, number, number, number];
  /** Singular values, decreasing. */
  S: [number, number];
  /** Vᵀ (numpy's `vh`): right singular vectors as rows, row-major. */
  V: [number, number, number, number];
}

/** DLAMCH('Epsilon') (relative machine precision, 2⁻⁵³) and DLAMCH('Safe minimum'). */
const EPS = 2 ** -53;
const UNFL = 2 ** -1022;

/** Fortran SIGN(a, b): |a| with the sign of b (−0 counts as negative, as gfortran has it). */
function sign(a: number, b: number): number {
  return b < 0 || Object.is(b, -0) ? -Math.abs(a) : Math.abs(a);
}

/** DLAPY2: sqrt(x² + y²) without needless overflow. */
function dlapy2(x: number, y: number): number {
  const w = Math.max(Math.abs(x), Math.abs(y));
  const z = Math.min(Math.abs(x), Math.abs(y));
  if (z === 0) return w;
  const q = z / w;
  return w * Math.sqrt(1 + q * q);
}

/** DLASV2: SVD of the upper triangular [[f, g], [0, h]]. */
function dlasv2(f: number, g: number, h: number) {
  let ft = f;
  let fa = Math.abs(ft);
  let ht = h;
  let ha = Math.abs(h);
  let pmax = 1; // which of f, g, h is largest in magnitude
  const swap = ha > fa;
  if (swap) {
    pmax = 3;
    [ft, ht] = [ht, ft];
    [fa, ha] = [ha, fa];
  }
  const gt = g;
  const ga = Math.abs(gt);
  let ssmin: number, ssmax: number, clt: number, crt: number, slt: number, srt: number;
  if (ga === 0) {
    // diagonal matrix
    ssmin = ha;
    ssmax = fa;
    clt = 1;
    crt = 1;
    slt = 0;
    srt = 0;
  } else {
    let gasmal = true;
    ssmin = ssmax = clt = crt = slt = srt = 0;
    if (ga > fa) {
      pmax = 2;
      if (fa / ga < EPS) {
        // very large g
        gasmal = false;
        ssmax = ga;
        ssmin = ha > 1 ? fa / (ga / ha) : (fa / ga) * ha;
        clt = 1;
        slt = ht / gt;
        srt = 1;
        crt = ft / gt;
      }
    }
    if (gasmal) {
      // the normal case
      const d = fa - ha;
      let l = d === fa ? 1 : d / fa; // 0 ≤ l ≤ 1
      const m = gt / ft;
      let t = 2 - l;
      const mm = m * m;
      const tt = t * t;
      const s = Math.sqrt(tt + mm);
      const r = l === 0 ? Math.abs(m) : Math.sqrt(l * l + mm);
      const a = 0.5 * (s + r);
      ssmin = ha / a;
      ssmax = fa * a;
      if (mm === 0) {
        // m is tiny
        t = l === 0 ? sign(2, ft) * sign(1, gt) : gt / sign(d, ft) + m / t;
      } else {
        t = (m / (s + t) + m / (r + l)) * (1 + a);
      }
      l = Math.sqrt(t * t + 4);
      crt = 2 / l;
      srt = t / l;
      clt = (crt + srt * m) / a;
      slt = ((ht / ft) * srt) / a;
    }
  }
  const [csl, snl, csr, snr] = swap ? [srt, crt, slt, clt] : [clt, slt, crt, srt];
  // correct the signs of ssmax and ssmin
  const tsign =
    pmax === 1 ? sign(1, csr) * sign(1, csl) * sign(1, f)
    : pmax === 2 ? sign(1, snr) * sign(1, csl) * sign(1, g)
    : sign(1, snr) * sign(1, snl) * sign(1, h);
  return {
    ssmax: sign(ssmax, tsign),
    ssmin: sign(ssmin, tsign * sign(1, f) * sign(1, h)),
    snr, csr, snl, csl,
  };
}

/** DLARF from the left with v = (1, v₂): the column (c₁, c₂) ← (I − τ·v·vᵀ)(c₁, c₂), as w = vᵀc, c −= τ·w·v. */
function reflect(tau: number, v2: number, c1: number, c2: number): [number, number] {
  const y = -tau * (c1 + c2 * v2);
  return [c1 + y, c2 + y * v2];
}

/** numpy.linalg.svd(A) for a 2×2 float32 A = [a11, a12, a21, a22] (row-major): U, S, Vᵀ rounded to float32. */
export function svd2(A: readonly [number, number, number, number]): Svd2 {
  const [a11, a12, a21, a22] = A;

  // 1. dgebd2: dlarfg on the first column (alpha = a11, x = a21), applied to the second column.
  let tau = 0;
  let v2 = 0;
  let d1 = a11;
  let e1 = a12;
  let d2 = a22;
  if (a21 !== 0) {
    const beta = -sign(dlapy2(a11, Math.abs(a21)), a11);
    tau = (beta - a11) / beta;
    v2 = a21 * (1 / (a11 - beta)); // DSCAL by 1/(alpha − beta)
    d1 = beta;
    [e1, d2] = reflect(tau, v2, a12, a22);
  }

  // 2. dbdsqr on [[d1, e1], [0, d2]], starting from U = Vᵀ = I.
  let U: [number, number, number, number] = [1, 0, 0, 1];
  let V: [number, number, number, number] = [1, 0, 0, 1];
  const tol = Math.max(10, Math.min(100, EPS ** -0.125)) * EPS; // TOLMUL·EPS
  let sminoa = Math.abs(d1);
  if (sminoa !== 0) {
    const mu = Math.abs(d2) * (sminoa / (sminoa + Math.abs(e1)));
    sminoa = Math.min(sminoa, mu);
  }
  sminoa = sminoa / Math.SQRT2;
  const thresh = Math.max(tol * sminoa, 6 * 2 * 2 * UNFL); // MAX(TOL·SMINOA, MAXITR·N·N·UNFL)
  if (Math.abs(e1) > thresh) {
    const { ssmin, ssmax, snr, csr, snl, csl } = dlasv2(d1, e1, d2);
    d1 = ssmax;
    d2 = ssmin;
    V = [csr, snr, -snr, csr];
    U = [csl, -snl, snl, csl];
  }
  // make the singular values positive, flipping the row of Vᵀ
  if (d1 < 0) { d1 = -d1; V = [-V[0], -V[1], V[2], V[3]]; }
  if (d2 < 0) { d2 = -d2; V = [V[0], V[1], -V[2], -V[3]]; }
  if (d2 > d1) {
    // sort decreasing: swap the values, the columns of U and the rows of Vᵀ
    [d1, d2] = [d2, d1];
    U = [U[1], U[0], U[3], U[2]];
    V = [V[2], V[3], V[0], V[1]];
  }

  // 3. dormbr: U ← H·U, one column at a time.
  if (tau !== 0) {
    const [u11, u21] = reflect(tau, v2, U[0], U[2]);
    const [u12, u22] = reflect(tau, v2, U[1], U[3]);
    U = [u11, u12, u21, u22];
  }
  return { U: [f32(U[0]), f32(U[1]), f32(U[2]), f32(U[3])], S: [f32(d1), f32(d2)], V: [f32(V[0]), f32(V[1]), f32(V[2]), f32(V[3])] };
}
