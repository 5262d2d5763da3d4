/**
 * The WebAssembly SIMD kernels of the JPEG decoder against their JavaScript twins, bit for bit. The
 * IDCT (jpeg-idct-wasm.ts) against idctBlockRow on blocks typical, flat and extreme: coefficients
 * up to ±32767 and −32768 and 16-bit quantisation steps (corrupt data), on both sides of the bound
 * |F| < 2^12 past which a block is left to the JavaScript kernel.
 * The 4:2:0 row (jpeg-color-wasm.ts) against its reference, h2v2ColumnSums of
 * both chroma planes then h2v2YcbcrRow, bit for bit, on every output row of awkward pictures: widths
 * 1 to 40 and odd ones past a step, heights that end mid-block, bands that wrap (ring < height),
 * and samples at the extremes. The kernel writes only the row's 3W bytes of the picture.
 * Node has WebAssembly SIMD, so the kernel must be there; the JavaScript pair is what an engine
 * without it runs (h2v2YcbcrSimd returns undefined), and the golden decodes check the whole decoder.
 */
import { describe, expect, it } from 'vitest';
import { h2v2YcbcrRow } from '../../src/image/jpeg-color.js';
import { h2v2YcbcrSimd } from '../../src/image/jpeg-color-wasm.js';
import { idctBlockRow, type SamplePlane } from '../../src/image/jpeg-idct.js';
import { h2v2ColumnSums } from '../../src/image/jpeg-upsample.js';
import { mulberry32 } from '../helpers/random.js';

const band = (width: number, height: number, ring: number): SamplePlane => ({ width, height, stride: 8 * Math.ceil(width / 8), ring, data: new Uint8Array(0) });

/** Every output row of a W×H picture, samples from `sample`, wasm against the reference. */
function compare(W: number, H: number, sample: () => number, lumaRing = 32, chromaRing = 24): void {
  const w = Math.ceil(W / 2);
  const luma = band(W, H, lumaRing);
  const cb = band(w, Math.ceil(H / 2), chromaRing);
  const cr = band(w, Math.ceil(H / 2), chromaRing);
  const simd = h2v2YcbcrSimd(W, luma, cb, cr);
  expect(simd).toBeDefined();
  for (const p of [luma, cb, cr]) for (let i = 0; i < p.data.length; i++) p.data[i] = sample();
  const cbSum = new Int32Array(w + 2);
  const crSum = new Int32Array(w + 2);
  for (let oy = 0; oy < H; oy++) {
    const want = new Uint8Array(3 * W + 30).fill(7);
    h2v2ColumnSums(cb, oy, cbSum);
    h2v2ColumnSums(cr, oy, crSum);
    h2v2YcbcrRow(W, want, 3, luma.data, (oy % luma.ring) * luma.stride, cbSum, crSum, w);
    const got = new Uint8Array(3 * W + 30).fill(7);
    simd!.row(got, 3, oy);
    expect(Array.from(got), `${W}x${H} row ${oy}`).toEqual(Array.from(want));
  }
}

describe('h2v2YcbcrSimd (WebAssembly SIMD) against h2v2ColumnSums + h2v2YcbcrRow', () => {
  it('random samples, widths 1 to 40, 63, 101, heights 1 to 6', () => {
    const rand = mulberry32(4200);
    for (const W of [...Array.from({ length: 40 }, (_, i) => i + 1), 63, 101]) {
      for (const H of [1, 2, 5, 6]) compare(W, H, () => Math.floor(rand() * 256));
    }
  });

  it('extremes: samples 0 and 255 only, all 0, all 255, and the wrap of bands shorter than the picture', () => {
    const rand = mulberry32(255);
    for (const W of [1, 2, 3, 7, 8, 9, 17, 34]) {
      compare(W, 7, () => (rand() < 0.5 ? 0 : 255));
      compare(W, 3, () => 0);
      compare(W, 3, () => 255);
    }
    compare(37, 70, () => Math.floor(rand() * 256), 32, 24);
  });

  it('a picture as wide as t2.jpg (5334), a few rows', () => {
    const rand = mulberry32(5334);
    compare(5334, 4, () => Math.floor(rand() * 256));
  });
});

describe('the SIMD IDCT (jpeg-idct-wasm.ts) against idctBlockRow', () => {
  /** Block row `by` of `blocks` blocks from `coefficient()` and `step()`, into band k, both ways. */
  const compare = (blocks: number, coefficient: () => number, step: () => number, k = 0) => {
    const W = 16 * blocks;
    const luma = band(W, 32, 32);
    const cb = band(W / 2, 16, 24);
    const cr = band(W / 2, 16, 24);
    const simd = h2v2YcbcrSimd(W, luma, cb, cr)!;
    const plane = [luma, cb, cr][k];
    const columns = plane.stride / 8;
    const blocksPerLine = columns + 1;
    const coefficients = Int16Array.from({ length: 3 * blocksPerLine * 64 }, coefficient);
    const quant = Int32Array.from({ length: 64 }, step);
    plane.data.fill(99);
    const want = new Uint8Array(plane.data.length).fill(99);
    const ws = new Int32Array(64);
    for (const by of [0, 2]) {
      idctBlockRow(coefficients, blocksPerLine, quant, columns, by, want, 8 * by * plane.stride % (plane.ring * plane.stride), plane.stride, ws);
      simd.idctBlockRow(k, coefficients, blocksPerLine, quant, columns, by, 8 * by * plane.stride % (plane.ring * plane.stride), ws);
    }
    expect(Array.from(plane.data)).toEqual(Array.from(want));
  };

  it('photo-like blocks: small coefficients, most zero, typical steps; each band', () => {
    const rand = mulberry32(1);
    const coefficient = () => (rand() < 0.7 ? 0 : Math.round((rand() - 0.5) * 200));
    for (const k of [0, 1, 2]) for (const blocks of [1, 2, 3, 5]) compare(blocks, coefficient, () => 1 + Math.floor(rand() * 60), k);
  });

  it('flat blocks (DC only, up to the extremes) and all-zero blocks', () => {
    let i = 0;
    compare(4, () => (i++ % 64 === 0 ? 300 - (i % 700) : 0), () => 16);
    compare(4, () => 0, () => 255);
    // the shortcut wraps as the JavaScript one does (4·F(0,0) past 2^31)
    const dcs = [32767, -32768, -32767, 4096, -4097, 1];
    for (const step of [1, 255, 65535]) compare(6, () => (i++ % 64 === 0 ? dcs[(i >> 6) % 6] : 0), () => step);
  });

  it('at the bound: |F| = 4095 in the SIMD kernel, 4096 and −4096 in the JavaScript one, blocks mixed', () => {
    const rand = mulberry32(4095);
    for (const top of [4095, 4096]) {
      compare(6, () => (rand() < 0.5 ? top : -top) * (rand() < 0.3 ? 1 : 0), () => 1);
      compare(6, () => Math.round((rand() * 2 - 1) * top), () => 1);
    }
    compare(6, () => (rand() < 0.05 ? 5000 : Math.round((rand() - 0.5) * 100)), () => 1 + Math.floor(rand() * 30));
  });

  it('corrupt-data extremes: coefficients ±32767 and −32768, steps up to 65535', () => {
    const rand = mulberry32(32768);
    const extreme = () => [32767, -32768, -32767, 0, 1, -1][Math.floor(rand() * 6)];
    compare(3, extreme, () => 1);
    compare(3, extreme, () => 65535);
    compare(3, extreme, () => 1 + Math.floor(rand() * 65535));
    compare(3, () => Math.round((rand() * 2 - 1) * 32767), () => 1 + Math.floor(rand() * 255));
  });
});
