/**
 * skimage's `_umeyama(src, dst, estimate_scale=True)` (scikit-image 0.19,
 * `skimage/transform/_geometric.py`, used by `SimilarityTransform.estimate`): the least-squares
 * similarity transform taking the points `src` onto `dst` (Umeyama, PAMI 1991, eqs. 38–43).
 *
 *   A = (dst − mean dst)ᵀ (src − mean src) / N        covariance, eq. (38)
 *   U, S, Vᵀ = svd(A);  d = (1, −1 if det A < 0)      eq. (39)
 *   R = U · diag(d) · Vᵀ                               eq. (40)
 *   scale = (S · d) / Σ var(src − mean src)            eq. (42)
 *   t = mean dst − scale · R · mean src                eq. (41)
 *
 * with the dtypes the original has, because the result is compared to 1e-9: InsightFace passes
 * float32 landmarks and a float32 `arcface_dst`, so the means, the demeaned points, A (numpy
 * matmul → OpenBLAS sgemm, a fused multiply-add chain over the points) and the variances are
 * float32; the SVD is numpy's float64 one rounded back to float32 (svd2.ts); R, the scale and t are
 * float64 (the float32 values meet float64 `d` and the identity matrix T).
 *
 * Legend: N points (5 here), 2 coordinates; points are [x, y] pairs; a 2×3 matrix is row-major.
 */
import { RetinaFaceError } from '../errors.js';
import { f32, fma32 } from './float32.js';
import { svd2 } from './svd2.js';
import type { Affine } from './warp-affine.js';

type Points = readonly (readonly [number, number])[];

/** numpy's float32 `points.mean(axis=0)`: a running float32 sum over the points, then / N. */
function mean32(p: Points): [number, number] {
  let sx = p[0][0];
  let sy = p[0][1];
  for (let k = 1; k < p.length; k++) {
    sx = f32(sx + p[k][0]);
    sy = f32(sy + p[k][1]);
  }
  return [f32(sx / p.length), f32(sy / p.length)];
}

function demean32(p: Points, m: readonly [number, number]): [number, number][] {
  return p.map(([x, y]) => [f32(x - m[0]), f32(y - m[1])]);
}

/** numpy's float32 `points.var(axis=0).sum()`: per coordinate mean((p − mean p)²), then the sum. */
function varianceSum32(p: Points): number {
  const m = mean32(p);
  const v = [0, 1].map((j) => {
    let s = f32(f32(p[0][j] - m[j]) * f32(p[0][j] - m[j]));
    for (let k = 1; k < p.length; k++) s = f32(s + f32(f32(p[k][j] - m[j]) * f32(p[k][j] - m[j])));
    return f32(s / p.length);
  });
  return f32(v[0] + v[1]);
}

/**
 * The 2×3 similarity (x' = M·[x, y, 1]) taking the float32 points `src` onto the float32 points
 * `dst` in the least-squares sense. Throws LANDMARKS when `src` does not span the plane (A of rank
 * < 2: all points equal or collinear), where skimage returns NaNs or a degenerate transform.
 */
export function umeyama(src: Points, dst: Points): Affine {
  const N = src.length;
  const srcMean = mean32(src);
  const dstMean = mean32(dst);
  const srcDemean = demean32(src, srcMean);
  const dstDemean = demean32(dst, dstMean);

  // eq. (38): A[i][j] = Σ_k dstDemean[k][i]·srcDemean[k][j] / N, sgemm's float32 FMA chain
  const A: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      let acc = 0;
      for (let k = 0; k < N; k++) acc = fma32(dstDemean[k][i], srcDemean[k][j], acc);
      A[i * 2 + j] = f32(acc / N);
    }
  }

  // eq. (39): the float32 entries make both products exact in float64, so the sign is exact
  const d1 = A[0] * A[3] - A[1] * A[2] < 0 ? -1 : 1;
  const { U, S, V } = svd2(A);
  // numpy.linalg.matrix_rank: singular values above S₀·max(M, N)·eps(float32) count
  if (!(S[1] > S[0] * 2 * 2 ** -23)) {
    throw new RetinaFaceError('LANDMARKS', `landmarks: the points are ${S[0] > 0 ? 'collinear' : 'all equal'}, so no similarity transform aligns them`);
  }

  // eq. (40): R = U·diag(1, d1)·Vᵀ in float64
  const R = [
    U[0] * V[0] + U[1] * d1 * V[2], U[0] * V[1] + U[1] * d1 * V[3],
    U[2] * V[0] + U[3] * d1 * V[2], U[2] * V[1] + U[3] * d1 * V[3],
  ];
  // eq. (42), in skimage's order: 1.0 / var · (S @ d)
  const scale = (1 / varianceSum32(srcDemean)) * (S[0] + S[1] * d1);
  // eq. (41)
  const t0 = dstMean[0] - scale * (R[0] * srcMean[0] + R[1] * srcMean[1]);
  const t1 = dstMean[1] - scale * (R[2] * srcMean[0] + R[3] * srcMean[1]);
  return [R[0] * scale, R[1] * scale, t0, R[2] * scale, R[3] * scale, t1];
}
