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
 * resizeRows(src, xtab, ytab, scratch, out, DW, G, WP, PS, DH): destination rows 0 … DH−1 of the
 * ytab and stored rows given (uploadPicture passes one slab of the picture's rows at a time).
 * - xtab, per dx, three i32: the two source byte offsets s0·3, s1·3 within a row and the weights
 *   w0 | w1 << 16, which i32x4.splat turns into the i16 lanes (w0, w1, w0, w1, ...).
 * - ytab, per dy, four i32: the two source row byte offsets (s0 − lo)·W·3, (s1 − lo)·W·3 from the
 *   slab's first source row lo, and the weights w0, w1.
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
 * next.
 *
 * It runs on the calling thread. Split in bands of rows over the kernel threads (each band with its
 * own scratch rows), it was no faster on this 2-vCPU machine under load and often slower: a
 * picture's kernel takes a few ms and a sleeping worker's wake-up about 1 ms a split
 * (BENCHMARKS.md).
 */
import type { PictureInput } from '../backend.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { WasmKernels } from './kernels.js';
import { FunctionBody, I32, V128, countedLoop } from '../../wasm/module.js';

/**
 * The picture enters the wasm memory in slabs of at most this many bytes of source rows: a 50 MP
 * photo would otherwise need 150 MB there, kept by the memory for good, and a slab this size is
 * still in cache when the kernel reads it (t2: 10.5 → 8.7 ms against the whole picture at once).
 */
export const SLAB_BYTES = 4 * 2 ** 20;

export function resizeRowsFunction(): FunctionBody {
  const f = new FunctionBody(10);
  const [SRC, XTAB, YTAB, SCRATCH, OUT, DW, G, WP, PS, DH] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [dy, a, b, ra, rb, t0, t1, swap, xp, xend, tp, sr, k, o, og, at, pb] = Array.from({ length: 17 }, () => f.local(I32));
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
  countedLoop(f, dy, () => f.i32(0), () => f.get(DH), 1, () => {
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

/**
 * `p` resized into a new stored tensor of p.shape (see the file comment), slab by slab: the source
 * rows a slab's taps read (s0 and s1 never decrease with dy, so they are one run, lo … hi) copied
 * in, its rows' ytab made relative to them, then the kernel on its rows. `slabBytes`: tests cut
 * small pictures into many slabs.
 */
export function uploadPicture(memory: WasmMemory, kernels: WasmKernels, p: PictureInput, slabBytes = SLAB_BYTES): WasmTensor {
  const { image, taps: { columns, rows } } = p;
  const out = memory.outputTensor(p.shape);
  const { H: DH, W: DW, WP, PS } = planarDims(p.shape);
  const G = Math.ceil(DW / 4);
  const rowBytes = image.width * 3;
  // slabs [y0, y1): as many destination rows as keep their source rows within slabBytes (one at least)
  const slabs: [number, number][] = [];
  for (let y0 = 0, y1 = 1; y0 < DH; y0 = y1++) {
    while (y1 < DH && (rows.s1[y1] - rows.s0[y0] + 1) * rowBytes <= slabBytes) y1++;
    slabs.push([y0, y1]);
  }
  const mostRows = Math.max(...slabs.map(([y0, y1]) => rows.s1[y1 - 1] - rows.s0[y0] + 1));
  const mostDy = Math.max(...slabs.map(([y0, y1]) => y1 - y0));
  // one block: a slab's source rows (up to 7 bytes in, and 4 bytes after, which the last pixel's
  // 4-byte load reaches), xtab, a slab's ytab, two scratch rows
  const srcBytes = align16(mostRows * rowBytes + 7 + 4);
  const xBytes = align16(DW * 12);
  const yBytes = align16(mostDy * 16);
  const total = srcBytes + xBytes + yBytes + 2 * (G * 48 + 16);
  const src = memory.allocUninitialized(total / 4);
  const [xtab, ytab, scratch] = [src + srcBytes, src + srcBytes + xBytes, src + srcBytes + xBytes + yBytes];
  const x32 = new Int32Array(memory.memory.buffer, xtab, DW * 3);
  for (let dx = 0; dx < DW; dx++) {
    x32[3 * dx] = columns.s0[dx] * 3;
    x32[3 * dx + 1] = columns.s1[dx] * 3;
    x32[3 * dx + 2] = columns.w0[dx] | (columns.w1[dx] << 16);
  }
  for (const [y0, y1] of slabs) {
    const n = y1 - y0;
    const lo = rows.s0[y0];
    const hi = rows.s1[y1 - 1];
    // the copy lands at the source's offset mod 8: into a shared memory (a SharedArrayBuffer) V8
    // copies byte by byte when the two are not so aligned, 2–3× slower for t2's slabs
    const at = src + ((image.data.byteOffset + lo * rowBytes) % 8);
    new Uint8Array(memory.memory.buffer, at, (hi - lo + 1) * rowBytes).set(image.data.subarray(lo * rowBytes, (hi + 1) * rowBytes));
    const y32 = new Int32Array(memory.memory.buffer, ytab, n * 4);
    for (let i = 0; i < n; i++) {
      y32[4 * i] = (rows.s0[y0 + i] - lo) * rowBytes;
      y32[4 * i + 1] = (rows.s1[y0 + i] - lo) * rowBytes;
      y32[4 * i + 2] = rows.w0[y0 + i];
      y32[4 * i + 3] = rows.w1[y0 + i];
    }
    // the slab's rows as rows 0 … n−1 of a tensor starting y0 stored rows further on
    kernels.resizeRows(at, xtab, ytab, scratch, out.offset + y0 * WP * 4, DW, G, WP, PS, n);
  }
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
