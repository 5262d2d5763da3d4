/**
 * The inverse DCT of libjpeg's default "ISLOW" method (jidctint.c `jpeg_idct_islow`), the one
 * cv2.imread runs: 8×8 dequantised coefficients → 8×8 samples, bit for bit.
 *
 * Legend: u/v the horizontal/vertical frequency, x/y the sample position, F(v, u) a coefficient in
 * natural (row-major, not zigzag) order, Q(v, u) its quantisation step, f(y, x) the output sample.
 *
 * The transform is f(y, x) = 1/4 Σ_u Σ_v C(u)C(v) F(v, u) cos((2x+1)uπ/16) cos((2y+1)vπ/16), with
 * C(0) = 1/√2, C(k) = 1 otherwise, then +128 (the level shift) and a clamp to 0..255. It is separable:
 * a 1-D IDCT down each column, then one along each row. Each 1-D pass is the Loeffler–Ligtenberg–
 * Moschytz flow graph (ICASSP 1989) in the variant with 12 multiplies whose every data path holds at
 * most one multiplication, so that fixed point stays accurate:
 * - constants are scaled by 2^CONST_BITS (13): FIX(c) = round(c·8192), the twelve values below;
 * - pass 1 (columns) keeps PASS1_BITS = 2 extra fraction bits: its outputs are
 *   DESCALE(t, CONST_BITS − PASS1_BITS), DESCALE(t, n) = (t + 2^(n−1)) >> n (round half up);
 * - pass 2 (rows) descales by CONST_BITS + PASS1_BITS + 3, the 3 dividing out the factor √8·√8 = 8
 *   the two unnormalised passes leave;
 * - a column (row) whose AC terms are all zero is a constant: pass 1 stores F(0)·Q(0) << PASS1_BITS,
 *   pass 2 DESCALE(w0, PASS1_BITS + 3). libjpeg takes these shortcuts and so must we: they round
 *   the same as the full formula only most of the time.
 *
 * The final clamp is libjpeg's post-IDCT range-limit table (jdmaster.c `prepare_range_limit_table`),
 * indexed by the descaled value & 1023 (RANGE_MASK): values in −512..511 become clamp(v + 128, 0, 255)
 * and larger ones wrap modulo 1024, which only corrupt data reaches. libjpeg does the pass-2
 * arithmetic in 64-bit JLONG; we use doubles (exact below 2^53) and floor division by a power of two
 * for the right shifts, and an Int32Array workspace like its `int workspace[64]`.
 *
 * Coefficients are 16-bit, libjpeg's JCOEF (jpeg-scan.ts keeps them so).
 */

export const CONST_BITS = 13;
export const PASS1_BITS = 2;

/** FIX(x) = round(x · 2^13), the constants of jidctint.c, named after x. */
export const FIX_0_298631336 = 2446;
export const FIX_0_390180644 = 3196;
export const FIX_0_541196100 = 4433;
export const FIX_0_765366865 = 6270;
export const FIX_0_899976223 = 7373;
export const FIX_1_175875602 = 9633;
export const FIX_1_501321110 = 12299;
export const FIX_1_847759065 = 15137;
export const FIX_1_961570560 = 16069;
export const FIX_2_053119869 = 16819;
export const FIX_2_562915447 = 20995;
export const FIX_3_072711026 = 25172;

/** DESCALE(t, n): t / 2^n rounded half up, an arithmetic right shift of t + 2^(n−1). */
function descale(t: number, n: number): number {
  return Math.floor((t + 2 ** (n - 1)) / 2 ** n);
}

/** The post-IDCT range limit: entry (v & 1023) is clamp(v + 128, 0, 255) for v in −512..511. */
const RANGE_LIMIT = (() => {
  const table = new Uint8Array(1024);
  for (let m = 0; m < 1024; m++) {
    const v = m < 512 ? m : m - 1024;
    table[m] = Math.min(255, Math.max(0, v + 128));
  }
  return table;
})();

/** Scratch for one block: pass 1 writes it, pass 2 reads it (libjpeg's `workspace[DCTSIZE2]`). */
const workspace = new Int32Array(64);

/** The 8 outputs of the last `idct8` call, before descaling, for x (or y) = 0..7. */
const flow = new Float64Array(8);

/**
 * One 1-D pass of the flow graph over inputs at frequencies 0..7 (both passes share it; libjpeg
 * writes it out twice). The outputs, scaled by 2^CONST_BITS·√8 and by whatever scale the inputs
 * carry, go to `flow`.
 */
function idct8(f0: number, f1: number, f2: number, f3: number, f4: number, f5: number, f6: number, f7: number): void {
  // even part: frequencies 0, 4 and the rotation of (2, 6) by √2·c6
  let z1 = (f2 + f6) * FIX_0_541196100;
  const even2 = z1 - f6 * FIX_1_847759065;
  const even3 = z1 + f2 * FIX_0_765366865;
  const even0 = (f0 + f4) * 2 ** CONST_BITS;
  const even1 = (f0 - f4) * 2 ** CONST_BITS;
  const tmp10 = even0 + even3;
  const tmp13 = even0 - even3;
  const tmp11 = even1 + even2;
  const tmp12 = even1 - even2;
  // odd part: frequencies 7, 5, 3, 1 (the comments give each constant as a sum of √2·ck)
  z1 = f7 + f1;
  let z2 = f5 + f3;
  let z3 = f7 + f3;
  let z4 = f5 + f1;
  const z5 = (z3 + z4) * FIX_1_175875602;          // √2·c3
  let tmp0 = f7 * FIX_0_298631336;                 // √2·(−c1 + c3 + c5 − c7)
  let tmp1 = f5 * FIX_2_053119869;                 // √2·( c1 + c3 − c5 + c7)
  let tmp2 = f3 * FIX_3_072711026;                 // √2·( c1 + c3 + c5 − c7)
  let tmp3 = f1 * FIX_1_501321110;                 // √2·( c1 + c3 − c5 − c7)
  z1 *= -FIX_0_899976223;                          // √2·( c7 − c3)
  z2 *= -FIX_2_562915447;                          // √2·(−c1 − c3)
  z3 = z3 * -FIX_1_961570560 + z5;                 // √2·(−c3 − c5)
  z4 = z4 * -FIX_0_390180644 + z5;                 // √2·( c5 − c3)
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  tmp2 += z2 + z3;
  tmp3 += z1 + z4;
  flow[0] = tmp10 + tmp3;
  flow[7] = tmp10 - tmp3;
  flow[1] = tmp11 + tmp2;
  flow[6] = tmp11 - tmp2;
  flow[2] = tmp12 + tmp1;
  flow[5] = tmp12 - tmp1;
  flow[3] = tmp13 + tmp0;
  flow[4] = tmp13 - tmp0;
}

/**
 * One block: dequantise and inverse-transform `coef` into 8×8 samples of `out`.
 * @param coef (8, 8) quantised coefficients F(v, u), natural order
 * @param quant (8, 8) quantisation steps Q(v, u), natural order
 * @param out samples; row y of the block starts at `offset + y·stride`
 */
export function idctIslow(coef: Int16Array, quant: Int32Array, out: Uint8Array, offset: number, stride: number): void {
  const ws = workspace;
  // pass 1: column u, dequantised coefficients → workspace (scaled by 2^PASS1_BITS)
  for (let u = 0; u < 8; u++) {
    if (coef[8 + u] === 0 && coef[16 + u] === 0 && coef[24 + u] === 0 && coef[32 + u] === 0 &&
        coef[40 + u] === 0 && coef[48 + u] === 0 && coef[56 + u] === 0) {
      const dc = coef[u] * quant[u] * 2 ** PASS1_BITS;
      for (let y = 0; y < 8; y++) ws[8 * y + u] = dc;
      continue;
    }
    idct8(coef[u] * quant[u], coef[8 + u] * quant[8 + u], coef[16 + u] * quant[16 + u], coef[24 + u] * quant[24 + u],
      coef[32 + u] * quant[32 + u], coef[40 + u] * quant[40 + u], coef[48 + u] * quant[48 + u], coef[56 + u] * quant[56 + u]);
    for (let y = 0; y < 8; y++) ws[8 * y + u] = descale(flow[y], CONST_BITS - PASS1_BITS);
  }
  // pass 2: row y, workspace → samples, level-shifted and range-limited
  for (let y = 0; y < 8; y++) {
    const w = 8 * y;
    const o = offset + y * stride;
    if (ws[w + 1] === 0 && ws[w + 2] === 0 && ws[w + 3] === 0 && ws[w + 4] === 0 &&
        ws[w + 5] === 0 && ws[w + 6] === 0 && ws[w + 7] === 0) {
      const dc = RANGE_LIMIT[descale(ws[w], PASS1_BITS + 3) & 1023];
      for (let x = 0; x < 8; x++) out[o + x] = dc;
      continue;
    }
    idct8(ws[w], ws[w + 1], ws[w + 2], ws[w + 3], ws[w + 4], ws[w + 5], ws[w + 6], ws[w + 7]);
    for (let x = 0; x < 8; x++) out[o + x] = RANGE_LIMIT[descale(flow[x], CONST_BITS + PASS1_BITS + 3) & 1023];
  }
}

/**
 * One component's decoded samples: `height` rows of `width` real samples (the component's
 * downsampled size), stored `stride` apart; the stride and the rows past `height` hold the rest of
 * the last blocks, which libjpeg never shows (its upsamplers replicate the last real sample instead).
 * The decoder keeps only a band of rows at a time (jpeg.ts): row y is at `(y mod ring)·stride`, so
 * a whole plane has `ring` ≥ its rows.
 */
export interface SamplePlane {
  width: number;
  height: number;
  stride: number;
  ring: number;
  /** (ring, stride) uint8 samples. */
  data: Uint8Array;
}

/**
 * Block row `by` of a component through the ISLOW IDCT: `idctIslow`'s flow graph written out once
 * more, for speed, and tested against it (jpeg-stages.test.ts). It gives the same bits by
 * construction: the blocks are read in place (no view per block), the arithmetic stays in plain
 * numbers (exact below 2^53, so the 64-bit JLONG sums are exact too), pass 1 descales with a floor
 * of a power-of-two product, exact like `descale`, and pass 2 with `>>`, which keeps the low 32 bits
 * of the sum and therefore the bits 18..27 that `& RANGE_MASK` looks at. The flow graph is written
 * out in each pass, as jidctint.c writes it: calling the reference's shared `idct8`, which hands
 * its eight sums over through a Float64Array (pass 1's can pass 2^31), made the whole decode of t1
 * and t2 about 10 % slower (BENCHMARKS.md).
 * @param coefficients (block rows, blocksPerLine, 8, 8) quantised coefficients, natural order
 * @param quant (8, 8) quantisation steps of the component's table
 * @param blockColumns the blocks of the row that hold real samples, from the left
 * @param data the samples: row y of the block row goes to `offset + y·stride`
 * @param ws (64) scratch, libjpeg's `workspace`
 */
export function idctBlockRow(coefficients: Int16Array, blocksPerLine: number, quant: Int32Array, blockColumns: number, by: number, data: Uint8Array, offset0: number, stride: number, ws: Int32Array): void {
  const PASS1 = 2 ** -(CONST_BITS - PASS1_BITS);
  const PASS1_HALF = 2 ** (CONST_BITS - PASS1_BITS - 1);
  const PASS2_SHIFT = CONST_BITS + PASS1_BITS + 3;
  const PASS2_HALF = 2 ** (PASS2_SHIFT - 1);
  const ONE = 2 ** CONST_BITS;
  for (let bx = 0; bx < blockColumns; bx++) {
    // block (by, bx): coefficients from `at`, samples from `offset` (columns 8·bx .. 8·bx+7)
    const at = (by * blocksPerLine + bx) * 64;
    const offset = offset0 + 8 * bx;
    // pass 1: column u → ws (scaled by 2^PASS1_BITS); `flat` stays true while every column is constant
    let flat = true;
    for (let u = 0; u < 8; u++) {
      const c = at + u;
      if ((coefficients[c + 8] | coefficients[c + 16] | coefficients[c + 24] | coefficients[c + 32] |
           coefficients[c + 40] | coefficients[c + 48] | coefficients[c + 56]) === 0) {
        const dc = coefficients[c] * quant[u] * 2 ** PASS1_BITS;
        ws[u] = ws[u + 8] = ws[u + 16] = ws[u + 24] = ws[u + 32] = ws[u + 40] = ws[u + 48] = ws[u + 56] = dc;
        continue;
      }
      flat = false;
      const f2 = coefficients[c + 16] * quant[u + 16];
      const f6 = coefficients[c + 48] * quant[u + 48];
      const z1 = (f2 + f6) * FIX_0_541196100;
      const even2 = z1 - f6 * FIX_1_847759065;
      const even3 = z1 + f2 * FIX_0_765366865;
      const f0 = coefficients[c] * quant[u];
      const f4 = coefficients[c + 32] * quant[u + 32];
      const even0 = (f0 + f4) * ONE;
      const even1 = (f0 - f4) * ONE;
      const tmp10 = even0 + even3;
      const tmp13 = even0 - even3;
      const tmp11 = even1 + even2;
      const tmp12 = even1 - even2;
      const f1 = coefficients[c + 8] * quant[u + 8];
      const f3 = coefficients[c + 24] * quant[u + 24];
      const f5 = coefficients[c + 40] * quant[u + 40];
      const f7 = coefficients[c + 56] * quant[u + 56];
      const z5 = (f7 + f3 + f5 + f1) * FIX_1_175875602;
      const o1 = (f7 + f1) * -FIX_0_899976223;
      const o2 = (f5 + f3) * -FIX_2_562915447;
      const o3 = (f7 + f3) * -FIX_1_961570560 + z5;
      const o4 = (f5 + f1) * -FIX_0_390180644 + z5;
      const tmp0 = f7 * FIX_0_298631336 + o1 + o3;
      const tmp1 = f5 * FIX_2_053119869 + o2 + o4;
      const tmp2 = f3 * FIX_3_072711026 + o2 + o3;
      const tmp3 = f1 * FIX_1_501321110 + o1 + o4;
      ws[u] = Math.floor((tmp10 + tmp3 + PASS1_HALF) * PASS1);
      ws[u + 56] = Math.floor((tmp10 - tmp3 + PASS1_HALF) * PASS1);
      ws[u + 8] = Math.floor((tmp11 + tmp2 + PASS1_HALF) * PASS1);
      ws[u + 48] = Math.floor((tmp11 - tmp2 + PASS1_HALF) * PASS1);
      ws[u + 16] = Math.floor((tmp12 + tmp1 + PASS1_HALF) * PASS1);
      ws[u + 40] = Math.floor((tmp12 - tmp1 + PASS1_HALF) * PASS1);
      ws[u + 24] = Math.floor((tmp13 + tmp0 + PASS1_HALF) * PASS1);
      ws[u + 32] = Math.floor((tmp13 - tmp0 + PASS1_HALF) * PASS1);
    }
    // Constant columns make equal rows: the block is one value when row 0 is constant too (a lone
    // DC coefficient, half of t2's blocks), else row 0 is computed and copied (BENCHMARKS.md).
    if (flat && (ws[1] | ws[2] | ws[3] | ws[4] | ws[5] | ws[6] | ws[7]) === 0) {
      const dc = RANGE_LIMIT[((ws[0] + 16) >> (PASS1_BITS + 3)) & 1023];
      for (let y = 0; y < 8; y++) {
        const o = offset + y * stride;
        data[o] = data[o + 1] = data[o + 2] = data[o + 3] = data[o + 4] = data[o + 5] = data[o + 6] = data[o + 7] = dc;
      }
      continue;
    }
    // pass 2: row y of ws → samples, level-shifted and range-limited
    for (let y = 0; y < (flat ? 1 : 8); y++) {
      const w = 8 * y;
      const o = offset + y * stride;
      if ((ws[w + 1] | ws[w + 2] | ws[w + 3] | ws[w + 4] | ws[w + 5] | ws[w + 6] | ws[w + 7]) === 0) {
        const dc = RANGE_LIMIT[((ws[w] + 16) >> (PASS1_BITS + 3)) & 1023];
        data[o] = data[o + 1] = data[o + 2] = data[o + 3] = data[o + 4] = data[o + 5] = data[o + 6] = data[o + 7] = dc;
        continue;
      }
      const f0 = ws[w];
      const f1 = ws[w + 1];
      const f2 = ws[w + 2];
      const f3 = ws[w + 3];
      const f4 = ws[w + 4];
      const f5 = ws[w + 5];
      const f6 = ws[w + 6];
      const f7 = ws[w + 7];
      const z1 = (f2 + f6) * FIX_0_541196100;
      const even2 = z1 - f6 * FIX_1_847759065;
      const even3 = z1 + f2 * FIX_0_765366865;
      const even0 = (f0 + f4) * ONE;
      const even1 = (f0 - f4) * ONE;
      const tmp10 = even0 + even3;
      const tmp13 = even0 - even3;
      const tmp11 = even1 + even2;
      const tmp12 = even1 - even2;
      const z5 = (f7 + f3 + f5 + f1) * FIX_1_175875602;
      const o1 = (f7 + f1) * -FIX_0_899976223;
      const o2 = (f5 + f3) * -FIX_2_562915447;
      const o3 = (f7 + f3) * -FIX_1_961570560 + z5;
      const o4 = (f5 + f1) * -FIX_0_390180644 + z5;
      const tmp0 = f7 * FIX_0_298631336 + o1 + o3;
      const tmp1 = f5 * FIX_2_053119869 + o2 + o4;
      const tmp2 = f3 * FIX_3_072711026 + o2 + o3;
      const tmp3 = f1 * FIX_1_501321110 + o1 + o4;
      data[o] = RANGE_LIMIT[((tmp10 + tmp3 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 7] = RANGE_LIMIT[((tmp10 - tmp3 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 1] = RANGE_LIMIT[((tmp11 + tmp2 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 6] = RANGE_LIMIT[((tmp11 - tmp2 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 2] = RANGE_LIMIT[((tmp12 + tmp1 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 5] = RANGE_LIMIT[((tmp12 - tmp1 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 3] = RANGE_LIMIT[((tmp13 + tmp0 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
      data[o + 4] = RANGE_LIMIT[((tmp13 - tmp0 + PASS2_HALF) >> PASS2_SHIFT) & 1023];
    }
    if (flat) for (let y = 1; y < 8; y++) for (let x = 0; x < 8; x++) data[offset + y * stride + x] = data[offset + x];
  }
}
