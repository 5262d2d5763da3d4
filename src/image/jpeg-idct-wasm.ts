/**
 * `idctBlockRow` (jpeg-idct.ts, jidctint.c's ISLOW IDCT) as WebAssembly SIMD: a block at a time,
 * pass 1 on four columns per i32x4 (the coefficient rows are the vectors), a transpose, pass 2 on
 * four rows per i32x4, a byte shuffle back to rows. Run by jpeg-color-wasm.ts on the bands in its
 * memory, and tested against idctBlockRow bit for bit (jpeg-color-wasm.test.ts).
 *
 * Why i32 lanes give libjpeg's bits: pass 2's output is bits 18..27 of its sum (`>> 18`, then
 * `& RANGE_MASK`), and sums, products and shifts by constants modulo 2^32 keep those bits, so the
 * wrap-around of i32 changes nothing there (the JavaScript kernel's `>>` wraps the same way). Pass 1
 * keeps `(sum + 2^10) >> 11` whole, so its sums must not wrap: with every dequantised coefficient
 * |F| < 2^12 they stay below 2^30: an even sum is under 2^12·(2·2^13 + 2·4433 + 6270) =
 * 2^12·31520, an odd one (tmp2, the largest) under 2^12·(25172 + 2·20995 + 2·16069 + 4·9633) =
 * 2^12·137832, together under 2^29.4. (The tests show the bound is needed: without it
 * corrupt-data extremes differ.) Valid 8-bit JPEGs stay below 2^11 + Q/2; a
 * block over the bound (corrupt data, or 16-bit quantisation tables) is left to the JavaScript
 * kernel: its column bx goes into a list (count first) that the caller works through.
 *
 * The range limit is arithmetic: the low 10 bits taken as signed (shift left 22, arithmetic right
 * 22) plus 128, clamped to 0..255 by the saturating narrows — `RANGE_LIMIT[v & 1023]`.
 */
import { FunctionBody, I32, V128, transpose4x4 } from '../wasm/module.js';
import {
  CONST_BITS, PASS1_BITS, FIX_0_298631336, FIX_0_390180644, FIX_0_541196100, FIX_0_765366865, FIX_0_899976223, FIX_1_175875602,
  FIX_1_501321110, FIX_1_847759065, FIX_1_961570560, FIX_2_053119869, FIX_2_562915447, FIX_3_072711026,
} from './jpeg-idct.js';

/** |F| at or over 2^BOUND_BITS sends a block to the JavaScript kernel (see above). */
const BOUND_BITS = 12;

/**
 * `idct(coef, quant, out, stride, n, list)`: blocks 0..n−1 of a block row, coefficients (i16, natural
 * order) from `coef` (64 per block), quantisation steps (i32) at `quant`, block bx's samples to
 * out + 8·bx + y·stride; list[0] = how many blocks were left, list[1..] their bx.
 */
export function idctBody(): FunctionBody {
  const f = new FunctionBody(6);
  const [coef, quant, out, stride, n, list] = [0, 1, 2, 3, 4, 5];
  const bx = f.local(I32);
  const dst = f.local(I32);
  const v = () => f.local(V128);
  const q = Array.from({ length: 16 }, v);
  // F[r][h]: coefficient row r, columns 4h..4h+3, dequantised; later the pass-1 output rows, W[y][h]
  const F = Array.from({ length: 8 }, () => [v(), v()]);
  const G = Array.from({ length: 8 }, () => [v(), v()]);
  const [z1, even2, even3, even0, even1, tmp10, tmp11, tmp12, tmp13, z5, o1, o2, o3, o4, tmp0, tmp1, tmp2, tmp3] = Array.from({ length: 18 }, v);
  const t = [v(), v(), v(), v()];

  const mul = (a: number, c: number) => f.get(a).i32x4Const(c).i32x4Mul();
  /** jidctint.c's flow graph on the eight vectors x[0..7]; `put(k, sum)` is called with output k's sum pushed. */
  const flow = (x: number[], put: (k: number) => void) => {
    f.get(x[2]).get(x[6]).i32x4Add().i32x4Const(FIX_0_541196100).i32x4Mul().set(z1);
    f.get(z1); mul(x[6], FIX_1_847759065); f.i32x4Sub().set(even2);
    f.get(z1); mul(x[2], FIX_0_765366865); f.i32x4Add().set(even3);
    f.get(x[0]).get(x[4]).i32x4Add().i32(CONST_BITS).i32x4Shl().set(even0);
    f.get(x[0]).get(x[4]).i32x4Sub().i32(CONST_BITS).i32x4Shl().set(even1);
    f.get(even0).get(even3).i32x4Add().set(tmp10);
    f.get(even0).get(even3).i32x4Sub().set(tmp13);
    f.get(even1).get(even2).i32x4Add().set(tmp11);
    f.get(even1).get(even2).i32x4Sub().set(tmp12);
    f.get(x[7]).get(x[3]).i32x4Add().get(x[5]).i32x4Add().get(x[1]).i32x4Add().i32x4Const(FIX_1_175875602).i32x4Mul().set(z5);
    f.get(x[7]).get(x[1]).i32x4Add().i32x4Const(-FIX_0_899976223).i32x4Mul().set(o1);
    f.get(x[5]).get(x[3]).i32x4Add().i32x4Const(-FIX_2_562915447).i32x4Mul().set(o2);
    f.get(x[7]).get(x[3]).i32x4Add().i32x4Const(-FIX_1_961570560).i32x4Mul().get(z5).i32x4Add().set(o3);
    f.get(x[5]).get(x[1]).i32x4Add().i32x4Const(-FIX_0_390180644).i32x4Mul().get(z5).i32x4Add().set(o4);
    mul(x[7], FIX_0_298631336); f.get(o1).i32x4Add().get(o3).i32x4Add().set(tmp0);
    mul(x[5], FIX_2_053119869); f.get(o2).i32x4Add().get(o4).i32x4Add().set(tmp1);
    mul(x[3], FIX_3_072711026); f.get(o2).i32x4Add().get(o3).i32x4Add().set(tmp2);
    mul(x[1], FIX_1_501321110); f.get(o1).i32x4Add().get(o4).i32x4Add().set(tmp3);
    const pairs: [number, number, number, number][] = [[0, 7, tmp10, tmp3], [1, 6, tmp11, tmp2], [2, 5, tmp12, tmp1], [3, 4, tmp13, tmp0]];
    for (const [k, k2, a, b] of pairs) {
      f.get(a).get(b).i32x4Add();
      put(k);
      f.get(a).get(b).i32x4Sub();
      put(k2);
    }
  };

  for (let i = 0; i < 16; i++) f.get(quant).v128Load(16 * i).set(q[i]);
  f.get(list).i32(0).i32Store();
  f.i32(0).set(bx);
  f.block().loop();
  f.get(bx).get(n).i32LtS().i32Eqz().brIf(1);
  f.block();
  // A block whose AC coefficients are all zero is one value, (4·F(0,0) + 16) >> 5 range-limited:
  // idctBlockRow's shortcut (half of t2's blocks), which equals the flow graph for any F(0,0).
  f.get(coef).v128Load(0).i32(0).i16x8ReplaceLane(0);
  for (let r = 1; r < 8; r++) f.get(coef).v128Load(16 * r).v128Or();
  f.v128AnyTrue().i32Eqz();
  f.if();
  f.get(coef).i32Load16S().get(quant).i32Load().i32Mul().i32(PASS1_BITS).i32Shl().i32(16).i32Add().i32(PASS1_BITS + 3).i32ShrS();
  f.i32x4Splat().i32(22).i32x4Shl().i32(22).i32x4ShrS().i32x4Const(128).i32x4Add();
  f.tee(t[0]).get(t[0]).i16x8NarrowI32x4S().tee(t[0]).get(t[0]).i8x16NarrowI16x8U().set(t[0]);
  f.get(out).get(bx).i32(8).i32Mul().i32Add().set(dst);
  for (let y = 0; y < 8; y++) {
    f.get(dst).get(t[0]).v128Store64Lane(0);
    if (y < 7) f.get(dst).get(stride).i32Add().set(dst);
  }
  f.br(1);
  f.end();
  // dequantise, and leave the block to JavaScript if some |F| ≥ 2^BOUND_BITS
  for (let r = 0; r < 8; r++) {
    for (let h = 0; h < 2; h++) {
      f.get(coef).v128Load(16 * r);
      if (h === 0) f.i32x4ExtendLowI16x8S(); else f.i32x4ExtendHighI16x8S();
      f.get(q[2 * r + h]).i32x4Mul().set(F[r][h]);
    }
  }
  f.get(F[0][0]).i32x4Abs();
  for (let i = 1; i < 16; i++) f.get(F[i >> 1][i & 1]).i32x4Abs().v128Or();
  f.i32(BOUND_BITS).i32x4ShrU().v128AnyTrue();
  f.if();
  f.get(list).get(list).i32Load().i32(1).i32Add().tee(dst).i32Store();
  f.get(list).get(dst).i32(4).i32Mul().i32Add().get(bx).i32Store();
  f.br(1);
  f.end();
  // pass 1 on each half of the columns: W[y][h] = (sum + 2^10) >> 11, written over F
  for (let h = 0; h < 2; h++) {
    const x = F.map((row) => row[h]);
    flow(x, (k) => { f.i32x4Const(2 ** (CONST_BITS - PASS1_BITS - 1)).i32x4Add().i32(CONST_BITS - PASS1_BITS).i32x4ShrS().set(G[k][h]); });
  }
  // G[y][h] now holds ws row y, columns 4h..; transpose to F[k][g] = ws column k, rows 4g..4g+3
  for (let g = 0; g < 2; g++) for (let h = 0; h < 2; h++) transpose4x4(f, [0, 1, 2, 3].map((i) => G[4 * g + i][h]), t, [0, 1, 2, 3].map((i) => F[4 * h + i][g]));
  // pass 2 on rows 4g..4g+3: out x = range limit of (sum + 2^17) >> 18, into G[x][g]
  const SHIFT = CONST_BITS + PASS1_BITS + 3;
  for (let g = 0; g < 2; g++) {
    flow(F.map((col) => col[g]), (k) => {
      f.i32x4Const(2 ** (SHIFT - 1)).i32x4Add().i32(SHIFT).i32x4ShrS();
      f.i32(22).i32x4Shl().i32(22).i32x4ShrS().i32x4Const(128).i32x4Add().set(G[k][g]);
    });
    // bytes: o0..o3 of rows 4g..4g+3 in t[0] (x-major), o4..o7 in t[1]
    f.get(G[0][g]).get(G[1][g]).i16x8NarrowI32x4S().get(G[2][g]).get(G[3][g]).i16x8NarrowI32x4S().i8x16NarrowI16x8U().set(t[0]);
    f.get(G[4][g]).get(G[5][g]).i16x8NarrowI32x4S().get(G[6][g]).get(G[7][g]).i16x8NarrowI32x4S().i8x16NarrowI16x8U().set(t[1]);
    for (let r = 0; r < 4; r += 2) {
      const row = (i: number) => [i, 4 + i, 8 + i, 12 + i, 16 + i, 20 + i, 24 + i, 28 + i];
      f.get(t[0]).get(t[1]).shuffle8([...row(r), ...row(r + 1)]).set(t[2]);
      // out + 8·bx + (4g + r)·stride, and the next row
      f.get(out).get(bx).i32(8).i32Mul().i32Add().get(stride).i32(4 * g + r).i32Mul().i32Add().tee(dst);
      f.get(t[2]).v128Store64Lane(0);
      f.get(dst).get(stride).i32Add().get(t[2]).v128Store64Lane(1);
    }
  }
  f.end();
  f.get(coef).i32(128).i32Add().set(coef);
  f.get(bx).i32(1).i32Add().set(bx);
  f.br(0).end().end();
  return f;
}
