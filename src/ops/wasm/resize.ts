/**
 * The wasm backend's `uploadPicture`: cv2 INTER_LINEAR steps 5–6 (image/resize.ts, on the same
 * taps) as a SIMD kernel that writes the network input straight into the stored planes of
 * memory.ts, with no resized image, no float tensor and no copy of it in between. The result equals
 * `upload(pictureTensor(p))` bit for bit (test/ops/wasm-resize.test.ts): integer arithmetic
 * throughout, then one exact int → float conversion.
 *
 * Legend: W source width, DW/DH destination width/height, DWP = DW rounded up to 4, (dy, dx) a
 * destination pixel, c the channel; WP, PS the stored row and plane strides (memory.ts).
 *
 * resizeBands(src, xtab, ytab, scratch, out, DW, DWP, WP, PS, DH, R, from, n): destination rows
 * from·R up to (from+n)·R (at most DH), a band of R rows at a time being what the threads take.
 * - xtab, per dx, three i32: the two source byte offsets s0·3, s1·3 within a row and the weights
 *   w0 | w1 << 16, which i32x4.splat turns into the i16 lanes (w0, w1, w0, w1, ...).
 * - ytab, per dy, four i32: the two source row byte offsets s0·W·3, s1·W·3 and the weights w0, w1.
 * - scratch: two horizontal rows of the step-5 results (3 planes of DWP i32 each), t0 and t1, tagged
 *   with the source row they hold, kept while consecutive destination rows read the same rows.
 * Step 5, per dx: the pixel at s0 and the one at s1 (4 bytes each, R G B and a byte past) in one
 * vector, bytes interleaved into i16 lanes (Ra, Rb, Ga, Gb, Ba, Bb, -, -), then i32x4.dot_i16x8_s
 * with (w0, w1) gives w0·a + w1·b per channel exactly; >> 4, and its R, G, B lanes go to the three
 * planes of the row. Step 6, four dx at a time per plane: ((t0·w0) >> 16) + ((t1·w1) >> 16), + 2,
 * >> 2, at most 255, to float32. The last vector of a row may run up to 3 floats past DW; they land
 * among the WP − W zeros after the row (never fewer), which are written next, so a band writes only
 * its own rows and the threads never touch each other's floats.
 */
import type { PictureInput } from '../backend.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { KernelThreads } from './threads.js';
import { FunctionBody, I32, V128, countedLoop } from './wasm-module.js';

/** Bands the destination rows are cut into for the threads (each holds its own two scratch rows). */
const BANDS = 32;

export function resizeBandsFunction(): FunctionBody {
  const f = new FunctionBody(13);
  const [SRC, XTAB, YTAB, SCRATCH, OUT, DW, DWP, WP, PS, DH, R, FROM, N] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  const [dy, end, a, b, ra, rb, t0, t1, swap, dx, c, x, o, stop, pb] = Array.from({ length: 15 }, () => f.local(I32));
  const [b0, b1, v] = [f.local(V128), f.local(V128), f.local(V128)];

  // step 5 of source row byte offset `row` into the scratch row at `t`
  const horizontal = (row: number, t: number) => {
    countedLoop(f, dx, () => f.i32(0), () => f.get(DW), 1, () => {
      // xtab entry dx at XTAB + 12·dx, kept in `x`
      f.get(XTAB).get(dx).i32(12).i32Mul().i32Add().set(x);
      f.get(SRC).get(row).i32Add().get(x).i32Load(0).i32Add().v128Load32Zero();
      f.set(v);
      f.get(SRC).get(row).i32Add().get(x).i32Load(4).i32Add().get(v).v128Load32Lane(1);
      f.v128Zero().shuffle8([0, 16, 4, 16, 1, 16, 5, 16, 2, 16, 6, 16, 3, 16, 7, 16]);
      f.get(x).i32Load(8).i32x4Splat().i32x4DotI16x8S().i32(4).i32x4ShrS().set(v);
      for (let lane = 0; lane < 3; lane++) {
        f.get(t).get(dx).i32(4).i32Mul().i32Add();
        if (lane > 0) f.get(pb).i32(lane).i32Mul().i32Add();
        f.get(v).v128Store32Lane(lane);
      }
    });
  };

  f.get(DWP).i32(4).i32Mul().set(pb);
  f.get(SCRATCH).set(t0);
  f.get(SCRATCH).get(pb).i32(3).i32Mul().i32Add().set(t1);
  f.i32(-1).set(ra);
  f.i32(-1).set(rb);
  // rows from·R to min((from + n)·R, DH)
  f.get(FROM).get(N).i32Add().get(R).i32Mul().tee(end).get(DH).get(end).get(DH).i32LtS().select().set(end);
  countedLoop(f, dy, () => f.get(FROM).get(R).i32Mul(), () => f.get(end), 1, () => {
    // ytab entry dy at YTAB + 16·dy: source rows a, b
    f.get(YTAB).get(dy).i32(16).i32Mul().i32Add().set(x);
    f.get(x).i32Load(0).set(a);
    f.get(x).i32Load(4).set(b);
    f.get(x).i32Load(8).i32x4Splat().set(b0);
    f.get(x).i32Load(12).i32x4Splat().set(b1);
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
    // step 6 per plane c into stored row dy + 1
    countedLoop(f, c, () => f.i32(0), () => f.i32(3), 1, () => {
      f.get(OUT).get(c).get(PS).i32Mul().get(dy).i32(1).i32Add().get(WP).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(o);
      countedLoop(f, x, () => f.i32(0), () => f.get(pb), 16, () => {
        f.get(o).get(x).i32Add();
        f.get(t0).get(c).get(pb).i32Mul().i32Add().get(x).i32Add().v128Load().get(b0).i32x4Mul().i32(16).i32x4ShrS();
        f.get(t1).get(c).get(pb).i32Mul().i32Add().get(x).i32Add().v128Load().get(b1).i32x4Mul().i32(16).i32x4ShrS();
        f.i32x4Add().i32(2).i32x4Splat().i32x4Add().i32(2).i32x4ShrS().i32(255).i32x4Splat().i32x4MinS().f32x4ConvertI32x4S();
        f.v128Store();
      });
      // the zeros after the row: up to the next stored row's first map column
      f.get(OUT).get(c).get(PS).i32Mul().get(dy).i32(2).i32Add().get(WP).i32Mul().i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(stop);
      countedLoop(f, x, () => f.get(o).get(DW).i32(4).i32Mul().i32Add(), () => f.get(stop), 4, () => f.get(x).i32(0).i32Store());
    });
  });
  return f;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** `p` resized into a new stored tensor of p.shape (see the file comment), over the threads. */
export function uploadPicture(memory: WasmMemory, threads: KernelThreads, p: PictureInput): WasmTensor {
  const { image, taps: { columns, rows } } = p;
  const out = memory.outputTensor(p.shape);
  const { H: DH, W: DW, WP, PS } = planarDims(p.shape);
  const DWP = Math.ceil(DW / 4) * 4;
  const R = Math.ceil(DH / BANDS);
  const bands = Math.ceil(DH / R);
  const bandScratch = 2 * 3 * DWP * 4;
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
  threads.split(bands, [['resizeBands', (from, n) => [src, xtab, ytab, scratch + from * bandScratch, out.offset, DW, DWP, WP, PS, DH, R, from, n]]]);
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
