/**
 * The 4:2:0 YCbCr row of jpeg-color.ts (`h2v2ColumnSums` of both chroma planes, then
 * `h2v2YcbcrRow`) as WebAssembly SIMD, 8 output pixels a step: the same integer operations in the
 * same order, so the same bits (tested against the JavaScript pair in jpeg-color-wasm.test.ts, and
 * the golden decodes run through it). The JavaScript pair stays the reference, and runs where
 * WebAssembly SIMD is missing (`h2v2YcbcrSimd` returns undefined: an engine without SIMD, such as
 * Safari before 16.4); nothing else differs.
 *
 * Legend as in jpeg-color.ts; w = ceil(W / 2) chroma columns, c(x) the column sums (c(−1) = c(0),
 * c(w) = c(w − 1), stored at sums[x + 1]).
 *
 * libjpeg's tables become arithmetic: Cr_r(cr) = (FIX(1.402)·(cr − 128) + ONE_HALF) >> 16 is
 * (FIX(1.402)·cr + (ONE_HALF − 128·FIX(1.402))) >> 16, exact in i32 (|products| < 2^24), and the
 * green pair's unrounded sum likewise; the clamp to 0..255 is the unsigned saturating narrow
 * i16 → u8 (Y + term lies in −227..481, which the signed narrow i32 → i16 keeps). A step takes
 * chroma columns x..x+3: c(x−1..x+4) give cb and cr of the even pixels 2x.. ((3c(x) + c(x−1) + 8)
 * >> 4) and the odd ones ((3c(x) + c(x+1) + 7) >> 4), interleaved into pixel order, and luma
 * 2x..2x+7; the 24 RGB bytes are shuffled out of the R, G and B vectors.
 *
 * The kernel reads and writes in a memory of its own, one per decoded picture, which also holds
 * the picture's three sample bands, written there by the SIMD IDCT (jpeg-idct-wasm.ts, whose
 * block row of coefficients and table are copied in), so a row costs no copy in, and one copy of
 * its 3W bytes out to the picture. Steps run past the row's end (up to 7 pixels;
 * an odd W's last pixel is the even pixel of chroma column w − 1, as in the reference's tail): the
 * bands' rows are whole blocks wide (8·ceil(w / 8) ≥ what a step reads), and the sums and the
 * output row have room for the overrun, which is never copied out.
 */
import { FIX, ONE_HALF, SCALEBITS } from './jpeg-color.js';
import { idctBlockRow, type SamplePlane } from './jpeg-idct.js';
import { idctBody } from './jpeg-idct-wasm.js';
import { h2v2Far, h2v2Near } from './jpeg-upsample.js';
import { encodeModule, FunctionBody, V128 } from '../wasm/module.js';

/** `sums(near, far, out, n)`: out[i] = 3·near[i] + far[i] as i32 for 8n bytes (i16 lanes: ≤ 1020). */
function columnSumsBody(): FunctionBody {
  const f = new FunctionBody(4);
  const [near, far, out, n] = [0, 1, 2, 3];
  const s = f.local(V128);
  f.block().loop();
  f.get(n).i32Eqz().brIf(1);
  f.get(near).v128Load8x8U().set(s);
  f.get(s).get(s).i16x8Add().get(s).i16x8Add().get(far).v128Load8x8U().i16x8Add().set(s);
  f.get(out).get(s).i32x4ExtendLowI16x8U().v128Store(0);
  f.get(out).get(s).i32x4ExtendHighI16x8U().v128Store(16);
  f.get(near).i32(8).i32Add().set(near);
  f.get(far).i32(8).i32Add().set(far);
  f.get(out).i32(32).i32Add().set(out);
  f.get(n).i32(1).i32Sub().set(n);
  f.br(0).end().end();
  return f;
}

const CR_R = FIX(1.402);
const CB_B = FIX(1.772);
const CB_G = -FIX(0.34414);
const CR_G = -FIX(0.71414);

/** `ycc(y, cbSums, crSums, out, n)`: n steps of 4 chroma columns (8 pixels); sums point at c(−1). */
function yccBody(): FunctionBody {
  const f = new FunctionBody(5);
  const [yp, cbp, crp, op, n] = [0, 1, 2, 3, 4];
  const v = () => f.local(V128);
  const [mid, even, odd, cbLo, cbHi, crLo, crHi, y, rg, b] = [v(), v(), v(), v(), v(), v(), v(), v(), v(), v()];
  /** Chroma of pixels 2x..2x+7 from the sums at p, in pixel order into lo (2x..2x+3) and hi. */
  const chroma = (p: number, lo: number, hi: number) => {
    f.get(p).v128Load(4).i32x4Const(3).i32x4Mul().set(mid);
    f.get(mid).get(p).v128Load(0).i32x4Add().i32x4Const(8).i32x4Add().i32(4).i32x4ShrS().set(even);
    f.get(mid).get(p).v128Load(8).i32x4Add().i32x4Const(7).i32x4Add().i32(4).i32x4ShrS().set(odd);
    f.get(even).get(odd).shuffle32([0, 4, 1, 5]).set(lo);
    f.get(even).get(odd).shuffle32([2, 6, 3, 7]).set(hi);
  };
  /** Y + term of 8 pixels as i16 lanes; `term` pushes the i32 term of the pixels of one half. */
  const plus = (term: (cb: number, cr: number) => void) => {
    f.get(y);
    term(cbLo, crLo);
    term(cbHi, crHi);
    f.i16x8NarrowI32x4S().i16x8Add();
  };
  const shifted = (bias: number) => f.i32x4Const(bias).i32x4Add().i32(SCALEBITS).i32x4ShrS();
  f.block().loop();
  f.get(n).i32Eqz().brIf(1);
  chroma(cbp, cbLo, cbHi);
  chroma(crp, crLo, crHi);
  f.get(yp).v128Load8x8U().set(y);
  plus((_, cr) => { f.get(cr).i32x4Const(CR_R).i32x4Mul(); shifted(ONE_HALF - 128 * CR_R); });
  plus((cb, cr) => {
    f.get(cb).i32x4Const(CB_G).i32x4Mul().get(cr).i32x4Const(CR_G).i32x4Mul().i32x4Add();
    shifted(ONE_HALF - 128 * (CB_G + CR_G));
  });
  f.i8x16NarrowI16x8U().set(rg);
  plus((cb) => { f.get(cb).i32x4Const(CB_B).i32x4Mul(); shifted(ONE_HALF - 128 * CB_B); });
  f.tee(b).get(b).i8x16NarrowI16x8U().set(b);
  // rg holds R of pixels 0..7 in bytes 0..7 and G in 8..15; b holds B in bytes 0..7 (16..23 of the pair)
  f.get(op).get(rg).get(b).shuffle8([0, 8, 16, 1, 9, 17, 2, 10, 18, 3, 11, 19, 4, 12, 20, 5]).v128Store(0);
  f.get(op).get(rg).get(b).shuffle8([13, 21, 6, 14, 22, 7, 15, 23, 0, 0, 0, 0, 0, 0, 0, 0]).v128Store64Lane(0, 16);
  f.get(yp).i32(8).i32Add().set(yp);
  f.get(cbp).i32(16).i32Add().set(cbp);
  f.get(crp).i32(16).i32Add().set(crp);
  f.get(op).i32(24).i32Add().set(op);
  f.get(n).i32(1).i32Sub().set(n);
  f.br(0).end().end();
  return f;
}

interface Kernels {
  sums(near: number, far: number, out: number, n: number): void;
  ycc(y: number, cbSums: number, crSums: number, out: number, n: number): void;
  idct(coef: number, quant: number, out: number, stride: number, n: number, list: number): void;
}

/**
 * The compiled module, made on first use; null without SIMD. decodeImage is synchronous, so this is
 * `new WebAssembly.Module`: fine in Node and in workers, and on a page's main thread only for small
 * modules (this one is 6.4 kB; Chromium allows up to 8 MB). The web demo decodes on the main thread
 * with the gpu.js backend (test/browser/web-demo.test.ts runs it), and in its worker otherwise.
 */
let compiled: WebAssembly.Module | null | undefined;

function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    const bytes = encodeModule(new Map([['sums', columnSumsBody()], ['ycc', yccBody()], ['idct', idctBody()]]), false);
    compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  return compiled;
}

/** The fused 4:2:0 row in WebAssembly, with the picture's bands in its memory. */
export interface H2v2YcbcrSimd {
  /** Output row oy of the picture into rgb[o .. o + 3W), as h2v2ColumnSums ×2 then h2v2YcbcrRow. */
  row(rgb: Uint8Array, o: number, oy: number): void;
  /**
   * `idctBlockRow` into band k (0 luma, 1 Cb, 2 Cr), same arguments; the blocks the SIMD kernel
   * leaves (see jpeg-idct-wasm.ts) go through idctBlockRow itself.
   */
  idctBlockRow(k: number, coefficients: Int16Array, blocksPerLine: number, quant: Int32Array, blockColumns: number, by: number, offset0: number, ws: Int32Array): void;
}

const align16 = (n: number) => (n + 15) & ~15;

/**
 * Puts the three bands' samples (`plane.data`, replaced by views) into a new memory beside the
 * kernel's scratch and returns the row converter; undefined where WebAssembly SIMD is missing,
 * leaving the planes without data for the caller to allocate.
 */
export function h2v2YcbcrSimd(W: number, luma: SamplePlane, cb: SamplePlane, cr: SamplePlane): H2v2YcbcrSimd | undefined {
  const module = kernelModule();
  if (module === null) return undefined;
  const w = cb.width;
  const planes = [luma, cb, cr];
  const at = planes.map((_, k) => planes.slice(0, k).reduce((sum, p) => sum + align16(p.ring * p.stride), 0));
  // sums: c(−1..w) and a step's overrun (up to 8 more, from `sums` steps of 8)
  const sumBytes = align16(4 * (w + 2 + 8));
  const cbSums = at[2] + align16(cr.ring * cr.stride);
  const crSums = cbSums + sumBytes;
  const out = crSums + sumBytes;
  // the IDCT's block row of coefficients (the luma band's is the widest), its table, its list of left blocks
  const blocks = luma.stride / 8;
  const coef = align16(out + 3 * W + 48);
  const quantAt = coef + 128 * blocks;
  const list = quantAt + 256;
  const end = list + 4 * (blocks + 1);
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
  const { sums, ycc, idct } = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Kernels;
  planes.forEach((p, k) => { p.data = new Uint8Array(memory.buffer, at[k], p.ring * p.stride); });
  // the memory never grows, so these views stay valid
  const outRow = new Uint8Array(memory.buffer, out, 3 * W);
  const words = new Int32Array(memory.buffer);
  const coefWords = new Int16Array(memory.buffer);
  const sumSteps = Math.ceil(w / 8);
  /** h2v2ColumnSums of the plane at `base` into the sums at `s` (c(x) at s + 4·(x + 1)). */
  const columnSums = (plane: SamplePlane, base: number, s: number, oy: number) => {
    sums(base + h2v2Near(plane, oy), base + h2v2Far(plane, oy), s + 4, sumSteps);
    words[s >> 2] = words[(s >> 2) + 1];
    words[(s >> 2) + w + 1] = words[(s >> 2) + w];
  };
  const yccSteps = Math.ceil(w / 4);
  return {
    row(rgb, o, oy) {
      columnSums(cb, at[1], cbSums, oy);
      columnSums(cr, at[2], crSums, oy);
      ycc(at[0] + (oy % luma.ring) * luma.stride, cbSums, crSums, out, yccSteps);
      rgb.set(outRow, o);
    },
    idctBlockRow(k, coefficients, blocksPerLine, quant, blockColumns, by, offset0, ws) {
      const plane = planes[k];
      const from = by * blocksPerLine * 64;
      coefWords.set(coefficients.subarray(from, from + 64 * blockColumns), coef >> 1);
      words.set(quant, quantAt >> 2);
      idct(coef, quantAt, at[k] + offset0, plane.stride, blockColumns, list);
      for (let i = 1; i <= words[list >> 2]; i++) {
        const bx = words[(list >> 2) + i];
        idctBlockRow(coefficients.subarray(from + 64 * bx), 1, quant, 1, 0, plane.data, offset0 + 8 * bx, plane.stride, ws);
      }
    },
  };
}
