/**
 * The WebAssembly SIMD 4:2:0 row (jpeg-color-wasm.ts) against its reference, h2v2ColumnSums of
 * both chroma planes then h2v2YcbcrRow, bit for bit, on every output row of awkward pictures: widths
 * 1 to 40 and odd ones past a step, heights that end mid-block, bands that wrap (ring < height),
 * and samples at the extremes. The kernel writes only the row's 3W bytes of the picture.
 * Node has WebAssembly SIMD, so the kernel must be there; the JavaScript pair is what an engine
 * without it runs (h2v2YcbcrSimd returns undefined), and the golden decodes check the whole decoder.
 */
import { describe, expect, it } from 'vitest';
import { h2v2YcbcrRow } from '../../src/image/jpeg-color.js';
import { h2v2YcbcrSimd } from '../../src/image/jpeg-color-wasm.js';
import type { SamplePlane } from '../../src/image/jpeg-idct.js';
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
