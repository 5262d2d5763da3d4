/**
 * The wasm backend's `uploadPicture`: cv2 INTER_LINEAR steps 5–6 (image/resize.ts, on the same
 * taps) as a SIMD kernel that writes the network input straight into the stored planes of
 * memory.ts, with no resized image, no float tensor and no copy of it in between. The result equals
 * `upload(pictureTensor(p))` bit for bit (test/ops/wasm-resize.test.ts): integer arithmetic
 * throughout, then one exact int → float conversion.
 *
 * Legend: W source width, DW/DH destination width/height, G = ⌈DW/4⌉ groups of four destination
 * pixels, (dy, dx) a destination pixel, c the channel; WP, PS the stored row and plane strides
 * (memory.ts).
 *
 * resizeBands(src, xtab, ytab, scratch, out, DW, G, WP, PS, DH, R, from, n): destination rows
 * from·R up to (from+n)·R (at most DH), a band of R rows at a time being what the threads take.
 * - xtab, per dx, three i32: the two source byte offsets s0·3, s1·3 within a row and the weights
 *   w0 | w1 << 16, which i32x4.splat turns into the i16 lanes (w0, w1, w0, w1, ...).
 * - ytab, per dy, four i32: the two source row byte offsets s0·W·3, s1·W·3 and the weights w0, w1.
 * - scratch: two horizontal rows of the step-5 results, R G B interleaved (48·G + 16 bytes each),
 *   t0 and t1, tagged with the source row they hold, kept while consecutive destination rows read
 *   the same rows.
 * Step 5, per dx: the pixel at s0 and the one at s1 (4 bytes each, R G B and a byte past) in one
 * vector, bytes interleaved into i16 lanes (Ra, Rb, Ga, Gb, Ba, Bb, -, -), then i32x4.dot_i16x8_s
 * with (w0, w1) gives w0·a + w1·b per channel exactly; >> 4, and the vector (R, G, B, -) is stored
 * at 12·dx, its last lane overwritten by the next pixel. Step 6, four pixels a turn (three vectors
 * of each row): ((t0·w0) >> 16) + ((t1·w1) >> 16), + 2, >> 2, at most 255; then two shuffles per
 * channel gather its four values, to float32 in its plane. A row's last group may run up to 3
 * floats past DW; they land among the WP − W zeros after the row (never fewer), which are written
 * next, so a band writes only its own rows and the threads never touch each other's floats.
 */
import type { PictureInput } from '../backend.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { KernelThreads } from './threads.js';
import { FunctionBody, I32, V128, countedLoop } from './wasm-module.js';

/** Bands the destination rows are cut into for the threads (each holds its own two scratch rows). */
const BANDS = 32;

export function resizeBandsFunction(): FunctionBody {
  const f = new FunctionBody(13);
  const [SRC, XTAB, YTAB, SCRATCH, OUT, DW, G, WP, PS, DH, R, FROM, N] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [dy, end, a, b, ra, rb, t0, t1, swap, xp, xend, tp, sr, k, o, og, at, pb] = Array.from({ length: 18 }, () => f.local(I32));
  const [b0, b1, v, r0, r1, r2] = Array.from({ length: 6 }, () => f.local(V128));

  // step 5 of the source row at byte offset `row` into the scratch row at `t`, pixel dx's R, G, B, - at t + 12·dx
  const horizontal = (row: number, t: number) => {
    f.get(SRC).get(row).i32Add().set(sr);
    f.get(t).set(tp);
    countedLoop(f, xp, () => f.get(XTAB), () => f.get(xend), 12, () => {
      f.get(sr).get(xp).i32Load(0).i32Add().v128Load32Zero().set(v);
      f.get(tp);
      f.get(sr).get(xp).i32Load(4).i32Add().get(v).v128Load32Lane(1);
      f.v128Zero().shuffle8([0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3, 16, 7, 16]);
      f.get(xp).i32Load(8).i32x4Splat().i32x4DotI16x8S().i32(4).i32x4ShrS();
      f.v128Store();
      f.get(tp).i32(12).i32Add().set(tp);
    });
  };
  // step 6 of the vector at byte k + offset of both scratch rows, into `r`
  const vertical = (offset: number, r: number) => {
    f.get(t0).get(k).i32Add().v128Load(offset).get(b0).i32x4Mul().i32(16).i32x4ShrS();
    f.get(t1).get(k).i32Add().v128Load(offset).get(b1).i32x4Mul().i32(16).i32x4ShrS();
    f.i32x4Add().i32(2).i32x4Splat().i32x4Add().i32(2).i32x4ShrS().i32(255).i32x4Splat().i32x4MinS().set(r);
  };
  // four pixels' channel c from r0 = (R0 G0 B0 R1), r1 = (G1 B1 R2 G2), r2 = (B2 R3 G3 B3), as floats to plane c
  const DEINTERLEAVE: readonly (readonly [readonly [number, number, number, number], readonly [number, number, number, number]])[] = [
    [[0, 3, 6, 6], [0, 1, 2, 5]],
    [[1, 4, 7, 7], [0, 1, 2, 6]],
    [[2, 5, 5, 5], [0, 1, 4, 7]],
  ];

  f.get(G).i32(48).i32Mul().i32(16).i32Add().set(at);
  f.get(PS).i32(4).i32Mul().set(pb);
  f.get(XTAB).get(DW).i32(12).i32Mul().i32Add().set(xend);
  f.get(SCRATCH).set(t0);
  f.get(SCRATCH).get(at).i32Add().set(t1);
  f.i32(-1).set(ra);
  f.i32(-1).set(rb);
  // rows from·R to min((from + n)·R, DH)
  f.get(FROM).get(N).i32Add().get(R).i32Mul().tee(end).get(DH).get(end).get(DH).i32LtS().select().set(end);
  countedLoop(f, dy, () => f.get(FROM).get(R).i32Mul(), () => f.get(end), 1, () => {
    // ytab entry dy at YTAB + 16·dy: source rows a, b
    f.get(YTAB).get(dy).i32(16).i32Mul().i32Add().set(at);
    f.get(at).i32Load(0).set(a);
    f.get(at).i32Load(4).set(b);
    f.get(at).i32Load(8).i32x4Splat().set(b0);
    f.get(at).i32Load(12).i32x4Splat().set(b1);
    // t0 to hold row a: t1 already has it (swap), t0 has it, or compute it
    f.get(a).get(rb).i32Eq().if();
    f.get(t0).set(swap).get(t1).set(t0).get(swap).set(t1);
    f.get(ra).set(swap).get(rb).set(ra).get(swap).set(rb);
    f.else();
    f.get(a).get(ra).i32Ne().if();
    horizontal(a, t0);
    f.get(a).set(ra);
    f.end();
    f.end();
    // t1 to hold row b (at the bottom edge b = a, computed twice)
    f.get(b).get(rb).i32Ne().if();
    horizontal(b, t1);
    f.get(b).set(rb);
    f.end();
    // step 6, four pixels (twelve values) a turn, into stored row dy + 1 of each plane from o
    f.get(OUT).get(dy).i32(1).i32Add().get(WP).i32Mul().i32(1).i32Add().i32(4).i32Mul().i32Add().set(o);
    f.get(o).set(og);
    countedLoop(f, k, () => f.i32(0), () => f.get(G).i32(48).i32Mul(), 48, () => {
      vertical(0, r0);
      vertical(16, r1);
      vertical(32, r2);
      DEINTERLEAVE.forEach(([first, second], c) => {
        f.get(og);
        if (c > 0) f.get(pb).i32(c).i32Mul().i32Add();
        f.get(r0).get(r1).shuffle32(first).get(r2).shuffle32(second).f32x4ConvertI32x4S().v128Store();
      });
      f.get(og).i32(16).i32Add().set(og);
    });
    // the zeros after the row in each plane: up to the next stored row's first map column
    for (let c = 0; c < 3; c++) {
      f.get(o).get(pb).i32(c).i32Mul().i32Add().set(at);
      countedLoop(f, tp, () => f.get(at).get(DW).i32(4).i32Mul().i32Add(), () => f.get(at).get(WP).i32(4).i32Mul().i32Add(), 4, () => f.get(tp).i32(0).i32Store());
    }
  });
  return f;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** `p` resized into a new stored tensor of p.shape (see the file comment), over the threads. */
export function uploadPicture(memory: WasmMemory, threads: KernelThreads, p: PictureInput): WasmTensor {
  const { image, taps: { columns, rows } } = p;
  const out = memory.outputTensor(p.shape);
  const { H: DH, W: DW, WP, PS } = planarDims(p.shape);
  const G = Math.ceil(DW / 4);
  const R = Math.ceil(DH / BANDS);
  const bands = Math.ceil(DH / R);
  const bandScratch = 2 * (G * 48 + 16);
  // one block: the picture (and 4 bytes, which the last pixel's 4-byte load reaches), xtab, ytab, the bands' scratch
  const srcBytes = align16(image.data.length + 4);
  const xBytes = align16(DW * 12);
  const yBytes = align16(DH * 16);
  const total = srcBytes + xBytes + yBytes + bands * bandScratch;
  const src = memory.allocUninitialized(total / 4);
  const [xtab, ytab, scratch] = [src + srcBytes, src + srcBytes + xBytes, src + srcBytes + xBytes + yBytes];
  new Uint8Array(memory.memory.buffer, src, image.data.length).set(image.data);
  const i32 = new Int32Array(memory.memory.buffer);
  for (let dx = 0; dx < DW; dx++) {
    const at = xtab / 4 + 3 * dx;
    i32[at] = columns.s0[dx] * 3;
    i32[at + 1] = columns.s1[dx] * 3;
    i32[at + 2] = columns.w0[dx] | (columns.w1[dx] << 16);
  }
  const rowBytes = image.width * 3;
  for (let dy = 0; dy < DH; dy++) {
    const at = ytab / 4 + 4 * dy;
    i32[at] = rows.s0[dy] * rowBytes;
    i32[at + 1] = rows.s1[dy] * rowBytes;
    i32[at + 2] = rows.w0[dy];
    i32[at + 3] = rows.w1[dy];
  }
  threads.split(bands, [['resizeBands', (from, n) => [src, xtab, ytab, scratch + from * bandScratch, out.offset, DW, G, WP, PS, DH, R, from, n]]]);
  // the zeros the kernel leaves to us: row 0 (and column 0 of row 1), and past row DH the plane's tail
  const f32 = memory.f32;
  for (let c = 0; c < 3; c++) {
    const plane = out.offset / 4 + c * PS;
    f32.fill(0, plane, plane + WP + 1);
    f32.fill(0, plane + (DH + 1) * WP + 1, plane + PS);
  }
  memory.release(src, total / 4);
  return out;
}
