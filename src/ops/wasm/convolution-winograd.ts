/**
 * Dense 3×3 stride-1 pad-1 Convolution by Winograd's minimal filtering F(2×2, 3×3) and F(4×4, 3×3) (Lavin & Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016), as hand-written WebAssembly SIMD
 * kernels: a twin of the reference ops/convolution.ts for the geometry convolution-dense.ts runs
 * directly. Each 2×2 output tile of a channel is
 *
 *     Y = Aᵀ [ Σ_ic (G g Gᵀ) ⊙ (Bᵀ d Bᵀᵀ) ] A
 *
 * with d the tile's 4×4 input patch (stored rows 2ty … 2ty+3, columns 2tx … 2tx+3: the zero
 * border of memory.ts is the padding), g a 3×3 filter, and
 *
 *     Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],
 *     Aᵀ = [1 1 1 0; 0 1 −1 −1].
 *
 * 16 multiplies per tile and channel pair instead of 36. Three kernels, run in this order:
 *   winogradInput   V[ξ][ic][t] = (Bᵀ d Bᵀᵀ)[ξ] for each of the 16 components ξ = 4i + j and tile t;
 *   winogradGemm    M[ξ] = U[ξ] · V[ξ], 16 matrix products (OC × IC)·(IC × tiles): the pointwise
 *                   kernel's code (convolution-pointwise.ts) in a loop over ξ;
 *   winogradOutput  Y = Aᵀ M A + bias, clamped at the floor, into the output planes.
 * SIMD runs over four tiles side by side: a patch column of four tiles is every other stored
 * column, two loads and a shuffle.
 *
 * Edges. Tiles cover ⌈OH/2⌉ × ⌈OW/2⌉ (the columns padded to groups of four tiles). The last patch
 * row enters only row 3 of Bᵀ d Bᵀᵀ, and row 3 of M only the tile's second output row (Aᵀ's row 1);
 * likewise the last patch column only the second output column. So what a tile reads past the map
 * (the next plane, or the tensor's slack, memory.ts) reaches only outputs past the map, each lane
 * on its own: the second output row of the last tile row is not stored when OH is odd, and a
 * vector of four outputs is stored only if it holds a column of the map, so stores past the map
 * land in the row's right border or, by one float at most, in the next row's column 0. Each band
 * then zeroes those (kernels.ts zeroGaps), so bands on different threads never write the same
 * float, and the whole convolution is one split.
 *
 * F(4×4, 3×3), the default (convolution.ts), is the same with 4×4 output tiles of 6×6 patches
 * (stored rows 4ty … 4ty+5, columns 4tx … 4tx+5), the 6×6 Bᵀ and 4×6 Aᵀ of emitB4 / emitA4 and
 * G4: 36 multiplies per tile and channel pair for 16 outputs (2.25 per output against F(2×2)'s
 * 4), the same GEMM over 36 components, and its own input and output kernels
 * (winograd4Input, winograd4Output), whose edges are handled differently (see there). Its error
 * is larger (≤ 4.4e-6 of the tensor's max on every golden layer against F(2×2)'s ≤ 1.0e-6,
 * BENCHMARKS.md), well inside the golden tolerance of 1e-4.
 *
 * Legend: IC/OC channels, OCB = ⌈OC/4⌉ blocks, m the output tile side, TH tile rows, TWG groups
 * of four tiles per tile row (even), TP floats per (component, channel) plane of tiles
 * (≥ TH·TWG·4), ξ component.
 */
import { emitPointwise } from './convolution-pointwise.js';
import { FunctionBody, I32, V128, countedLoop, transpose4x4 } from '../../wasm/module.js';

/** Bᵀ and Aᵀ applied to four values a0..a3 (locals): which sums and differences make each result. */
const B_T: readonly (readonly [number, 1 | -1, number])[] = [[0, -1, 2], [1, 1, 2], [2, -1, 1], [1, -1, 3]];
/** G of F(2×2, 3×3) and of F(4×4, 3×3) (Lavin & Gray §4.2, interpolation points 0, ±1, ±2). */
const G2: readonly (readonly number[])[] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];
const G4: readonly (readonly number[])[] = [
  [1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1],
];

/**
 * TH tile rows in units of `pair` (1 or 2) tile rows, so that a unit's tiles are a multiple of the
 * GEMM's eight positions; TP ≥ (TH rounded up to units)·TWG·4.
 */
export interface WinogradDims { TH: number; TWG: number; TP: number; pair: 1 | 2 }

/** Output tile side m: F(2×2, 3×3) or F(4×4, 3×3). */
export type WinogradTile = 2 | 4;

/**
 * The tiling of an OH×OW output into m×m tiles, four tiles a group. F(2×2) rounds the groups of a
 * row up to an even number (a tile row is then a multiple of eight tiles); F(4×4), whose input
 * kernel reads no row past the map (it takes them as zeros), may instead take two tile rows a
 * unit, the last one possibly past the map, which wastes fewer tiles: at 80 columns 20 tiles a row
 * instead of 24, at 40 columns 12 instead of 16.
 */
export function winogradDims(OH: number, OW: number, m: WinogradTile = 2): WinogradDims {
  const TH = Math.ceil(OH / m);
  const groups = Math.ceil(Math.ceil(OW / m) / 4);
  const pair = m === 4 && groups % 2 === 1 && TH > 1 ? 2 : 1;
  const TWG = pair === 2 || groups % 2 === 0 ? groups : groups + 1;
  let TP = Math.ceil(TH / pair) * pair * TWG * 4;
  while ((TP / 8) % 16 === 0) TP += 8;
  return { TH, TWG, TP, pair };
}

/**
 * Weights (OC, IC, 3, 3) and bias → for each of the (m+2)² components ξ the pointwise kernel's
 * packing of U[ξ] = (G g Gᵀ)[ξ] (blocks of four output channels: four zero biases, then
 * U[ic][0..3]), then the OC biases padded to 4·OCB. G g Gᵀ is computed in float64 and rounded once.
 */
export function packWinogradWeights(IC: number, OC: number, weight: Float32Array, bias: Float32Array, m: WinogradTile = 2): Float32Array {
  const G = m === 2 ? G2 : G4;
  const n = m + 2;
  const OCB = Math.ceil(OC / 4);
  const component = OCB * (IC + 1) * 4;
  const packed = new Float32Array(n * n * component + 4 * OCB);
  for (let oc = 0; oc < OC; oc++) {
    packed[n * n * component + oc] = bias[oc];
    for (let ic = 0; ic < IC; ic++) {
      const g = weight.subarray((oc * IC + ic) * 9, (oc * IC + ic) * 9 + 9);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let u = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) u += G[i][a] * g[a * 3 + b] * G[j][b];
          packed[(n * i + j) * component + (oc >> 2) * (IC + 1) * 4 + 4 + ic * 4 + (oc & 3)] = u;
        }
      }
    }
  }
  return packed;
}

/**
 * The loops every transform runs: channel c < C (`perChannel` first), tile row ty < TH, group of
 * four tiles g < TWG, with `at` = base + (c·TP + (ty·TWG + g)·4)·4, the group's byte offset in
 * its plane of tiles (V or M), set before `body`.
 */
function forEachGroup(f: FunctionBody, [c, ty, g, at]: readonly number[], base: number, C: number, TH: number, TWG: number, TP: number, perChannel: () => void, body: () => void): void {
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    perChannel();
    countedLoop(f, ty, () => f.i32(0), () => f.get(TH), 1, () => {
      countedLoop(f, g, () => f.i32(0), () => f.get(TWG), 1, () => {
        f.get(base).get(c).get(TP).i32Mul().get(ty).get(TWG).i32Mul().get(g).i32Add().i32(4).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(at);
        body();
      });
    });
  });
}

/** Pushes a op b (a, b locals) for one row of B_T. */
function emitSumOrDifference(f: FunctionBody, a: number, sign: 1 | -1, b: number): void {
  f.get(a).get(b);
  if (sign === 1) f.f32x4Add();
  else f.f32x4Sub();
}

/** winogradInput(x, v, C, TH, TWG, WPI, PSI, TP, VS): byte offsets; V's component stride VS in floats. */
export function winogradInputFunction(): FunctionBody {
  const f = new FunctionBody(9);
  const [X, V, C, TH, TWG, WPI, PSI, TP, VS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [c, ty, g, rp, vp, vs4] = [0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const [v0, v1, v2] = [f.local(V128), f.local(V128), f.local(V128)];
  const d = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  // e[k][j]: patch row k after the column transform (d Bᵀᵀ)
  const e = Array.from({ length: 4 }, () => [f.local(V128), f.local(V128), f.local(V128), f.local(V128)]);
  f.get(VS).i32(4).i32Mul().set(vs4);
  forEachGroup(f, [c, ty, g, vp], V, C, TH, TWG, TP, () => {}, () => {
    for (let k = 0; k < 4; k++) {
      // stored row 2·ty + k of channel c from column 8·g: patch column j of tile 4g + l is column 8g + 2l + j
      f.get(X).get(c).get(PSI).i32Mul().get(ty).i32(2).i32Mul().i32(k).i32Add().get(WPI).i32Mul().i32Add().get(g).i32(8).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(rp);
      f.get(rp).v128Load(0).set(v0);
      f.get(rp).v128Load(16).set(v1);
      f.get(rp).v128Load(32).set(v2);
      f.get(v0).get(v1).shuffle32([0, 2, 4, 6]).set(d[0]);
      f.get(v0).get(v1).shuffle32([1, 3, 5, 7]).set(d[1]);
      f.get(d[0]).get(v2).shuffle32([1, 2, 3, 4]).set(d[2]);
      f.get(d[1]).get(v2).shuffle32([1, 2, 3, 5]).set(d[3]);
      for (let j = 0; j < 4; j++) {
        emitSumOrDifference(f, d[B_T[j][0]], B_T[j][1], d[B_T[j][2]]);
        f.set(e[k][j]);
      }
    }
    // component 4i + j at vp + (4i + j)·VS·4
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        f.get(vp);
        emitSumOrDifference(f, e[B_T[i][0]][j], B_T[i][1], e[B_T[i][2]][j]);
        f.v128Store(0);
        f.get(vp).get(vs4).i32Add().set(vp);
      }
    }
  });
  return f;
}

/**
 * winogradGemm(v, u, m, IC, OCB, TP, N, VS, US, MS, K): M[ξ] = U[ξ]·V[ξ] for ξ = 0 … K−1 (16 or 36
 * components), each the pointwise kernel over N tiles of planes of TP (no clamp, zero biases);
 * VS, US, MS the byte strides of ξ.
 */
export function winogradGemmFunction(): FunctionBody {
  const f = new FunctionBody(11);
  const [V, U, M, IC, OCB, TP, N, VS, US, MS, K] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [xi, x, w, out] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.get(V).set(x);
  f.get(U).set(w);
  f.get(M).set(out);
  countedLoop(f, xi, () => f.i32(0), () => f.get(K), 1, () => {
    emitPointwise(f, x, w, out, IC, OCB, TP, N, null);
    f.get(x).get(VS).i32Add().set(x);
    f.get(w).get(US).i32Add().set(w);
    f.get(out).get(MS).i32Add().set(out);
  });
  return f;
}

/**
 * winogradOutput(m, out, C, TH, TWG, WPO, PSO, TP, MS, bias, floor, OH, OW): byte offsets; M's
 * component stride MS in floats; bias C floats; OH the output rows from this band's first on.
 */
export function winogradOutputFunction(): FunctionBody {
  const f = new FunctionBody(13);
  const [M, OUT, C, TH, TWG, WPO, PSO, TP, MS, BIAS, FLOOR, OH, OW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [c, ty, g, mp, op, ms4] = [0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const [floor, b] = [f.local(V128), f.local(V128)];
  const m = Array.from({ length: 4 }, () => [f.local(V128), f.local(V128), f.local(V128), f.local(V128)]);
  const y = [[f.local(V128), f.local(V128)], [f.local(V128), f.local(V128)]];
  f.get(MS).i32(4).i32Mul().set(ms4);
  f.get(FLOOR).v128Load32Splat().set(floor);
  forEachGroup(f, [c, ty, g, mp], M, C, TH, TWG, TP, () => f.get(BIAS).get(c).i32(4).i32Mul().i32Add().v128Load32Splat().set(b), () => {
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        f.get(mp).v128Load(0).set(m[i][j]);
        f.get(mp).get(ms4).i32Add().set(mp);
      }
    }
    // Aᵀ M: row 1 (m1 − m2 − m3) into m[3], row 0 (m0 + m1 + m2) into m[0]
    for (let j = 0; j < 4; j++) {
      f.get(m[1][j]).get(m[2][j]).f32x4Sub().get(m[3][j]).f32x4Sub().set(m[3][j]);
      f.get(m[0][j]).get(m[1][j]).f32x4Add().get(m[2][j]).f32x4Add().set(m[0][j]);
    }
    // (Aᵀ M) A, + bias, clamped: y[r][0] = s0 + s1 + s2, y[r][1] = s1 − s2 − s3
    for (const [r, s] of [[0, m[0]], [1, m[3]]] as const) {
      f.get(s[0]).get(s[1]).f32x4Add().get(s[2]).f32x4Add().get(b).f32x4Add().get(floor).f32x4Pmax().set(y[r][0]);
      f.get(s[1]).get(s[2]).f32x4Sub().get(s[3]).f32x4Sub().get(b).f32x4Add().get(floor).f32x4Pmax().set(y[r][1]);
    }
    // output row 2·ty (stored row 2·ty + 1), columns 8·g … 8·g + 7: tiles' two columns interleaved
    f.get(OUT).get(c).get(PSO).i32Mul().get(ty).i32(2).i32Mul().i32(1).i32Add().get(WPO).i32Mul().i32Add().get(g).i32(8).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(op);
    // a vector holding no column of the map is not stored: it could reach the next row's values,
    // another band's (at most the next row's column 0, the border, follows a stored one)
    const storeRow = (r: number) => {
      f.block();
      f.get(g).i32(8).i32Mul().get(OW).i32LtS().i32Eqz().brIf(0);
      f.get(op).get(y[r][0]).get(y[r][1]).shuffle32([0, 4, 1, 5]).v128Store(0);
      f.get(g).i32(8).i32Mul().i32(4).i32Add().get(OW).i32LtS().i32Eqz().brIf(0);
      f.get(op).get(y[r][0]).get(y[r][1]).shuffle32([2, 6, 3, 7]).v128Store(16);
      f.end();
    };
    storeRow(0);
    // the second output row, unless it is past the map (odd OH, last tile row)
    f.block();
    f.get(ty).i32(2).i32Mul().i32(1).i32Add().get(OH).i32LtS().i32Eqz().brIf(0);
    f.get(op).get(WPO).i32(4).i32Mul().i32Add().set(op);
    storeRow(1);
    f.end();
  });
  return f;
}

/**
 * F(4×4, 3×3)'s Bᵀ on six values (locals d, results into locals e, distinct from d; k4, k5, k2
 * hold the constants), factored as NNPACK and ncnn do:
 *   e0 = 4d0 − 5d2 + d4,  e1 = (d3 + d4) − 4(d1 + d2),  e2 = (d4 − d3) + 4(d1 − d2),
 *   e3 = (d4 − d2) + 2(d3 − d1),  e4 = (d4 − d2) − 2(d3 − d1),  e5 = 4d1 − 5d3 + d5.
 */
function emitB4(f: FunctionBody, d: readonly number[], e: readonly number[], [k4, k5, k2]: readonly number[], [p, q]: readonly number[]): void {
  f.get(d[0]).get(k4).f32x4Mul().get(d[2]).get(k5).f32x4Mul().f32x4Sub().get(d[4]).f32x4Add().set(e[0]);
  f.get(d[3]).get(d[4]).f32x4Add().get(d[1]).get(d[2]).f32x4Add().get(k4).f32x4Mul().f32x4Sub().set(e[1]);
  f.get(d[4]).get(d[3]).f32x4Sub().get(d[1]).get(d[2]).f32x4Sub().get(k4).f32x4Mul().f32x4Add().set(e[2]);
  f.get(d[4]).get(d[2]).f32x4Sub().set(p);
  f.get(d[3]).get(d[1]).f32x4Sub().get(k2).f32x4Mul().set(q);
  f.get(p).get(q).f32x4Add().set(e[3]);
  f.get(p).get(q).f32x4Sub().set(e[4]);
  f.get(d[1]).get(k4).f32x4Mul().get(d[3]).get(k5).f32x4Mul().f32x4Sub().get(d[5]).f32x4Add().set(e[5]);
}

/**
 * F(4×4, 3×3)'s Aᵀ on six values m (locals) into four y (locals, distinct from m):
 *   y0 = m0 + (m1 + m2) + (m3 + m4),  y1 = (m1 − m2) + 2(m3 − m4),
 *   y2 = (m1 + m2) + 4(m3 + m4),      y3 = (m1 − m2) + 8(m3 − m4) + m5.
 */
function emitA4(f: FunctionBody, m: readonly number[], y: readonly number[], [k2, k4, k8]: readonly number[], [s, t, u, v]: readonly number[]): void {
  f.get(m[1]).get(m[2]).f32x4Add().set(s);
  f.get(m[1]).get(m[2]).f32x4Sub().set(t);
  f.get(m[3]).get(m[4]).f32x4Add().set(u);
  f.get(m[3]).get(m[4]).f32x4Sub().set(v);
  f.get(m[0]).get(s).f32x4Add().get(u).f32x4Add().set(y[0]);
  f.get(t).get(v).get(k2).f32x4Mul().f32x4Add().set(y[1]);
  f.get(s).get(u).get(k4).f32x4Mul().f32x4Add().set(y[2]);
  f.get(t).get(v).get(k8).f32x4Mul().f32x4Add().get(m[5]).f32x4Add().set(y[3]);
}

/**
 * winograd4Input(x, v, C, TH, TWG, WPI, PSI, TP, VS, ROWS): F(4×4, 3×3)'s V[ξ][ic][t] = (Bᵀ d B)[ξ]
 * for the 36 components ξ = 6i + j of each 6×6 patch d (stored rows 4ty … 4ty+5, columns 4tx …
 * 4tx+5), four tiles side by side: a group's patch columns are five loads and a transpose. Unlike
 * F(2×2)'s, every patch row reaches every output row (through sums that cancel only in exact
 * arithmetic), so rows past the map are not read: stored rows from ROWS on (counted from x; ROWS
 * = H+1 − the band's first) are taken as zeros, not read from the next plane or the slack.
 * Columns past a row's end read the next stored row, finite values whose weight in the tile's
 * outputs inside the map cancels.
 */
export function winograd4InputFunction(): FunctionBody {
  const f = new FunctionBody(10);
  const [X, V, C, TH, TWG, WPI, PSI, TP, VS, ROWS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [c, ty, g, row, rp, vp, vs4] = [0, 0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const vec = () => f.local(V128);
  const k = [vec(), vec(), vec()];
  const tmp = [vec(), vec()];
  const v = [vec(), vec(), vec(), vec(), vec()];
  const t = [vec(), vec(), vec(), vec()];
  const d = Array.from({ length: 6 }, vec);
  // e[r][j]: patch row r after Bᵀ over its columns
  const e = Array.from({ length: 6 }, () => Array.from({ length: 6 }, vec));
  const o = Array.from({ length: 6 }, vec);
  f.f32x4Const(4).set(k[0]);
  f.f32x4Const(5).set(k[1]);
  f.f32x4Const(2).set(k[2]);
  f.get(VS).i32(4).i32Mul().set(vs4);
  forEachGroup(f, [c, ty, g, vp], V, C, TH, TWG, TP, () => {}, () => {
    for (let r = 0; r < 6; r++) {
      f.get(ty).i32(4).i32Mul().i32(r).i32Add().set(row);
      for (const dj of d) f.v128Zero().set(dj);
      f.block();
      f.get(row).get(ROWS).i32LtS().i32Eqz().brIf(0);
      // stored row 4·ty + r of channel c from column 16·g: patch column j of tile 4g + l is column 16g + 4l + j
      f.get(X).get(c).get(PSI).i32Mul().get(row).get(WPI).i32Mul().i32Add().get(g).i32(16).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(rp);
      for (let p = 0; p < 5; p++) f.get(rp).v128Load(16 * p).set(v[p]);
      transpose4x4(f, v, t, d);
      f.get(d[0]).get(v[4]).shuffle32([1, 2, 3, 4]).set(d[4]);
      f.get(d[1]).get(v[4]).shuffle32([1, 2, 3, 5]).set(d[5]);
      f.end();
      emitB4(f, d, e[r], k, tmp);
    }
    // component 6i + j at vp + (6i + j)·VS·4
    for (let j = 0; j < 6; j++) {
      emitB4(f, e.map((er) => er[j]), o, k, tmp);
      for (let i = 0; i < 6; i++) f.get(vp).get(vs4).i32((6 * i + j)).i32Mul().i32Add().get(o[i]).v128Store(0);
    }
  });
  return f;
}

/**
 * winograd4Output(m, out, C, TH, TWG, WPO, PSO, TP, MS, bias, floor, OH, OW): F(4×4, 3×3)'s Y = Aᵀ M A
 * + bias, clamped at the floor, four tiles side by side, transposed back to rows of the map. Rows
 * past the map (OH counted from this band's first) are not stored, nor a tile past OW; a tile's
 * vector that would cross its row's end is stored as its first two or three floats, so every store
 * stays in its own row (the right border, which zeroGaps restores).
 */
export function winograd4OutputFunction(): FunctionBody {
  const f = new FunctionBody(13);
  const [M, OUT, C, TH, TWG, WPO, PSO, TP, MS, BIAS, FLOOR, OH, OW] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [c, ty, g, mp, op, ms4, col] = [0, 0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const vec = () => f.local(V128);
  const [floor, b] = [vec(), vec()];
  const k = [vec(), vec(), vec()];
  const tmp = [vec(), vec(), vec(), vec()];
  const m = Array.from({ length: 6 }, vec);
  // s[r][j]: column j of M after Aᵀ over its rows
  const s = Array.from({ length: 4 }, () => Array.from({ length: 6 }, vec));
  const y = [vec(), vec(), vec(), vec()];
  const z = [vec(), vec(), vec(), vec()];
  f.f32x4Const(2).set(k[0]);
  f.f32x4Const(4).set(k[1]);
  f.f32x4Const(8).set(k[2]);
  f.get(MS).i32(4).i32Mul().set(ms4);
  f.get(FLOOR).v128Load32Splat().set(floor);
  forEachGroup(f, [c, ty, g, mp], M, C, TH, TWG, TP, () => f.get(BIAS).get(c).i32(4).i32Mul().i32Add().v128Load32Splat().set(b), () => {
    for (let j = 0; j < 6; j++) {
      for (let i = 0; i < 6; i++) f.get(mp).get(ms4).i32(6 * i + j).i32Mul().i32Add().v128Load(0).set(m[i]);
      emitA4(f, m, s.map((sr) => sr[j]), k, tmp);
    }
    for (let r = 0; r < 4; r++) {
      f.block();
      // output row 4·ty + r, unless it is past the map
      f.get(ty).i32(4).i32Mul().i32(r).i32Add().get(OH).i32LtS().i32Eqz().brIf(0);
      emitA4(f, s[r], y, k, tmp);
      for (const yc of y) f.get(yc).get(b).f32x4Add().get(floor).f32x4Pmax().set(yc);
      transpose4x4(f, y, tmp, z);
      // stored row 4·ty + r + 1, column 16·g + 1
      f.get(OUT).get(c).get(PSO).i32Mul().get(ty).i32(4).i32Mul().i32(r + 1).i32Add().get(WPO).i32Mul().i32Add().get(g).i32(16).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(op);
      for (let q = 0; q < 4; q++) {
        // tile 4g + q's first column; none of the following tiles is in the map if this one is not
        f.get(g).i32(16).i32Mul().i32(4 * q).i32Add().set(col);
        f.get(col).get(OW).i32LtS().i32Eqz().brIf(0);
        f.block().block();
        f.get(WPO).get(col).i32(5).i32Add().i32LtS().brIf(0);
        f.get(op).get(z[q]).v128Store(16 * q);
        f.br(1);
        f.end();
        // at least two of its floats fit before the row's end (WPO ≥ OW + 2)
        f.get(op).get(z[q]).v128Store64Lane(0, 16 * q);
        f.block();
        f.get(WPO).get(col).i32(4).i32Add().i32LtS().brIf(0);
        f.get(op).get(z[q]).v128Store32Lane(2, 16 * q + 8);
        f.end();
        f.end();
      }
      f.end();
    }
  });
  return f;
}
