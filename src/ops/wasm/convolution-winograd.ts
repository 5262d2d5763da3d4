/**
 * Dense 3×3 stride-1 pad-1 Convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray,
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
 * Legend: IC/OC channels, OCB = ⌈OC/4⌉ blocks, TH tile rows, TWG groups of four tiles per tile
 * row (even), TP floats per (component, channel) plane of tiles (≥ TH·TWG·4), ξ component.
 */
import { emitPointwise } from './convolution-pointwise.js';
import { FunctionBody, I32, V128, countedLoop } from './wasm-module.js';

/** Bᵀ and Aᵀ applied to four values a0..a3 (locals): which sums and differences make each result. */
const B_T: readonly (readonly [number, 1 | -1, number])[] = [[0, -1, 2], [1, 1, 2], [2, -1, 1], [1, -1, 3]];
const G: readonly (readonly number[])[] = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

export interface WinogradDims { TH: number; TWG: number; TP: number }

/** The tiling of an OH×OW output. */
export function winogradDims(OH: number, OW: number): WinogradDims {
  const TH = Math.ceil(OH / 2);
  // an even number of groups: a tile row is then a multiple of the GEMM's eight positions
  const TWG = 2 * Math.ceil(Math.ceil(OW / 2) / 8);
  // planes 32·m bytes apart with m not a multiple of 16: the GEMM's IC loads of one column then
  // fall in many L1 sets (a stride of a multiple of 4 KiB put all of them in one: 25 % slower than
  // direct convolution at 185×128)
  let TP = TH * TWG * 4;
  while ((TP / 8) % 16 === 0) TP += 8;
  return { TH, TWG, TP };
}

/**
 * Weights (OC, IC, 3, 3) and bias → for each component ξ the pointwise kernel's packing of U[ξ] =
 * (G g Gᵀ)[ξ] (blocks of four output channels: four zero biases, then U[ic][0..3]), then the OC
 * biases padded to 4·OCB. G g Gᵀ is computed in float64 and rounded once.
 */
export function packWinogradWeights(IC: number, OC: number, weight: Float32Array, bias: Float32Array): Float32Array {
  const OCB = Math.ceil(OC / 4);
  const component = OCB * (IC + 1) * 4;
  const packed = new Float32Array(16 * component + 4 * OCB);
  for (let oc = 0; oc < OC; oc++) {
    packed[16 * component + oc] = bias[oc];
    for (let ic = 0; ic < IC; ic++) {
      const g = weight.subarray((oc * IC + ic) * 9, (oc * IC + ic) * 9 + 9);
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          let u = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) u += G[i][a] * g[a * 3 + b] * G[j][b];
          packed[(4 * i + j) * component + (oc >> 2) * (IC + 1) * 4 + 4 + ic * 4 + (oc & 3)] = u;
        }
      }
    }
  }
  return packed;
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
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    countedLoop(f, ty, () => f.i32(0), () => f.get(TH), 1, () => {
      countedLoop(f, g, () => f.i32(0), () => f.get(TWG), 1, () => {
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
        // component 4i + j at V + ((4i + j)·VS + c·TP + (ty·TWG + g)·4)·4
        f.get(V).get(c).get(TP).i32Mul().get(ty).get(TWG).i32Mul().get(g).i32Add().i32(4).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(vp);
        for (let i = 0; i < 4; i++) {
          for (let j = 0; j < 4; j++) {
            f.get(vp);
            emitSumOrDifference(f, e[B_T[i][0]][j], B_T[i][1], e[B_T[i][2]][j]);
            f.v128Store(0);
            f.get(vp).get(vs4).i32Add().set(vp);
          }
        }
      });
    });
  });
  return f;
}

/**
 * winogradGemm(v, u, m, IC, OCB, TP, N, floor, VS, US, MS): M[ξ] = U[ξ]·V[ξ] for ξ = 0 … 15, each
 * the pointwise kernel over N tiles of planes of TP (floor −∞, zero biases); VS, US, MS the byte
 * strides of ξ.
 */
export function winogradGemmFunction(): FunctionBody {
  const f = new FunctionBody(11);
  const [V, U, M, IC, OCB, TP, N, FLOOR, VS, US, MS] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [xi, x, w, out] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.get(V).set(x);
  f.get(U).set(w);
  f.get(M).set(out);
  countedLoop(f, xi, () => f.i32(0), () => f.i32(16), 1, () => {
    emitPointwise(f, x, w, out, IC, OCB, TP, N, FLOOR);
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
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    f.get(BIAS).get(c).i32(4).i32Mul().i32Add().v128Load32Splat().set(b);
    countedLoop(f, ty, () => f.i32(0), () => f.get(TH), 1, () => {
      countedLoop(f, g, () => f.i32(0), () => f.get(TWG), 1, () => {
        f.get(M).get(c).get(TP).i32Mul().get(ty).get(TWG).i32Mul().get(g).i32Add().i32(4).i32Mul().i32Add().i32(4).i32Mul().i32Add().set(mp);
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
          f.get(s[0]).get(s[1]).f32x4Add().get(s[2]).f32x4Add().get(b).f32x4Add().get(floor).f32x4Max().set(y[r][0]);
          f.get(s[1]).get(s[2]).f32x4Sub().get(s[3]).f32x4Sub().get(b).f32x4Add().get(floor).f32x4Max().set(y[r][1]);
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
    });
  });
  return f;
}
