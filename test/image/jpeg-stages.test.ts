/**
 * The libjpeg stages behind decodeJpeg, one by one, on hand-checked cases: ISLOW IDCT against the
 * float formula, the upsamplers on tiny planes, the colour conversions on single pixels, and the
 * entropy decoder's pieces (Huffman tables, the bit reader, the MCU geometry). Bit-exactness
 * against libjpeg itself is the golden test in decode.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { h2v2YcbcrRow, ROW_CONVERTERS, type JpegColorSpace } from '../../src/image/jpeg-color.js';
import { idctBlockRow, idctIslow, type SamplePlane } from '../../src/image/jpeg-idct.js';
import { h2v2ColumnSums, upsampleRow } from '../../src/image/jpeg-upsample.js';
import { BitReader, buildHuffmanTable } from '../../src/image/jpeg-huffman.js';
import { decodeCoefficients } from '../../src/image/jpeg-scan.js';
import { readJpegHeader } from '../../src/image/jpeg.js';
import { decodeImage } from '../../src/image/decode.js';
import { imagesDir } from '../helpers/golden.js';
import { mulberry32 } from '../helpers/random.js';
import { flatJpeg, sampledJpeg } from './make-image.js';

/** f(y, x) = clamp(round(128 + 1/4 Σ C(u)C(v) F(v,u)Q(v,u) cos((2x+1)uπ/16) cos((2y+1)vπ/16))), in float64. */
function idctFloat(coef: Int16Array, quant: Int32Array): number[] {
  const C = (k: number) => (k === 0 ? Math.SQRT1_2 : 1);
  const out: number[] = [];
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          sum += C(u) * C(v) * coef[8 * v + u] * quant[8 * v + u] * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
        }
      }
      out.push(Math.min(255, Math.max(0, Math.round(128 + sum / 4))));
    }
  }
  return out;
}

const ones = new Int32Array(64).fill(1);
const idct = (coef: Int16Array, quant = ones) => {
  const out = new Uint8Array(64);
  idctIslow(coef, quant, out, 0, 8);
  return Array.from(out);
};
const block = (entries: Record<number, number>) => {
  const b = new Int16Array(64);
  for (const [k, value] of Object.entries(entries)) b[Number(k)] = value;
  return b;
};

describe('idctIslow (jidctint.c jpeg_idct_islow)', () => {
  it('a lone DC coefficient is a flat block: 128 + F(0,0)·Q(0,0)/8, via both zero-AC shortcuts', () => {
    expect(idct(block({ 0: 8 * (77 - 128) }))).toEqual(new Array(64).fill(77));
    expect(idct(block({ 0: -3 }), new Int32Array(64).fill(4))).toEqual(new Array(64).fill(127));  // 128 + (−12·4 + 16) >> 5 = 128 − 1
    expect(idct(block({ 0: 2000 }))).toEqual(new Array(64).fill(255));
    expect(idct(block({ 0: -2000 }))).toEqual(new Array(64).fill(0));
  });

  it('a lone horizontal frequency varies along x only, within 1 of the float formula', () => {
    const b = block({ 0: 80, 1: -120 });
    const out = idct(b);
    for (let y = 1; y < 8; y++) expect(out.slice(8 * y, 8 * y + 8)).toEqual(out.slice(0, 8));
    idctFloat(b, ones).forEach((want, i) => expect(Math.abs(out[i] - want), `sample ${i}`).toBeLessThanOrEqual(1));
  });

  it('random blocks (seed 7767517, typical photo quantisation): within 1 of the float formula, mostly equal', () => {
    const rand = mulberry32(7767517);
    const quant = Int32Array.from({ length: 64 }, (_, k) => 2 + ((k * 7) % 23));
    let differ = 0;
    for (let trial = 0; trial < 300; trial++) {
      // coefficients shrinking with frequency, as in photos; a third of them zero
      const coef = Int16Array.from({ length: 64 }, (_, k) => (rand() < 0.33 ? 0 : Math.round((rand() - 0.5) * (k === 0 ? 200 : 60 / (1 + (k >> 3) + (k & 7))))));
      const ours = idct(coef, quant);
      const want = idctFloat(coef, quant);
      for (let i = 0; i < 64; i++) {
        expect(Math.abs(ours[i] - want[i]), `trial ${trial} sample ${i}: coef ${Array.from(coef)}`).toBeLessThanOrEqual(1);
        if (ours[i] !== want[i]) differ++;
      }
    }
    expect(differ / (300 * 64)).toBeLessThan(0.05);
  });

  it('writes at offset with a stride (one block of a wider plane)', () => {
    const out = new Uint8Array(16 * 9).fill(9);
    idctIslow(block({ 0: 8 * (200 - 128) }), ones, out, 16 + 8, 16);
    expect(Array.from(out.subarray(0, 16))).toEqual(new Array(16).fill(9));
    expect(Array.from(out.subarray(16, 32))).toEqual([...new Array(8).fill(9), ...new Array(8).fill(200)]);
  });
});

describe('idctBlockRow (the fast kernel) against idctIslow (the reference)', () => {
  /** idctIslow block by block: the plane idctPlane must give, bit for bit. */
  function referencePlane(coefficients: Int16Array, blocksPerLine: number, quant: Int32Array, width: number, height: number): SamplePlane {
    const stride = 8 * Math.ceil(width / 8);
    const data = new Uint8Array(stride * 8 * Math.ceil(height / 8));
    for (let by = 0; by < Math.ceil(height / 8); by++) {
      for (let bx = 0; bx < stride / 8; bx++) {
        const at = (by * blocksPerLine + bx) * 64;
        idctIslow(coefficients.subarray(at, at + 64), quant, data, 8 * by * stride + 8 * bx, stride);
      }
    }
    return { width, height, stride, ring: Infinity, data };
  }

  /** The same plane, block row by block row through idctBlockRow. */
  function idctPlane(coefficients: Int16Array, blocksPerLine: number, quant: Int32Array, width: number, height: number): SamplePlane {
    const stride = 8 * Math.ceil(width / 8);
    const data = new Uint8Array(stride * 8 * Math.ceil(height / 8));
    const ws = new Int32Array(64);
    for (let by = 0; by < Math.ceil(height / 8); by++) idctBlockRow(coefficients, blocksPerLine, quant, stride / 8, by, data, 8 * by * stride, stride, ws);
    return { width, height, stride, ring: Infinity, data };
  }

  // photo-like blocks, blocks with all-zero columns and rows (both shortcuts), flat ones, and corrupt-data
  // extremes (±32767 with 16-bit quantisation steps up to 65535: pass-1 sums past 2^31, which the
  // reference's doubles keep and the Int32Array workspace wraps)
  const kinds: Array<[string, (rand: () => number, k: number) => number, number]> = [
    ['photo', (rand, k) => (rand() < 0.4 ? 0 : Math.round((rand() - 0.5) * (k === 0 ? 2000 : 300 / (1 + (k >> 3) + (k & 7))))), 40],
    ['sparse', (rand, k) => (k === 0 || rand() < 0.05 ? Math.round((rand() - 0.5) * 400) : 0), 40],
    // constant columns (coefficients in the top row only) and lone DC coefficients: the kernel's flat paths
    ['top row', (rand, k) => (k < 8 && rand() < 0.6 ? Math.round((rand() - 0.5) * 600) : 0), 40],
    ['DC only', (rand, k) => (k === 0 ? Math.round((rand() - 0.5) * 4000) : 0), 255],
    ['extreme', (rand) => (rand() < 0.5 ? 0 : rand() < 0.5 ? 32767 : -32768) + Math.round(rand() * 3), 65535],
  ];
  for (const [kind, coefficient, maxStep] of kinds) {
    it(`${kind} coefficients, planes of odd sizes (1×1 to 17×23 samples, blocks per line past the real ones): identical`, () => {
      const rand = mulberry32(kind.length * 7919);
      for (const [width, height] of [[1, 1], [8, 8], [9, 1], [17, 23], [3, 16]]) {
        const blocksPerLine = Math.ceil(width / 8) + 1;  // one padding block per row, as in a store padded to whole MCUs
        const coefficients = Int16Array.from({ length: blocksPerLine * Math.ceil(height / 8) * 64 }, (_, i) => coefficient(rand, i % 64));
        const quant = Int32Array.from({ length: 64 }, () => 1 + Math.floor(rand() * maxStep));
        const got = idctPlane(coefficients, blocksPerLine, quant, width, height);
        const want = referencePlane(coefficients, blocksPerLine, quant, width, height);
        expect([got.width, got.height, got.stride]).toEqual([want.width, want.height, want.stride]);
        expect(got.data, `${kind} ${width}x${height}`).toEqual(want.data);
      }
    });
  }
});

/** A plane of `rows` (real size = the rows given), padded with one junk column and row that must never be read. */
function plane(rows: number[][]): SamplePlane {
  const width = rows[0].length;
  const stride = width + 1;
  const data = new Uint8Array(stride * (rows.length + 1)).fill(250);
  rows.forEach((r, y) => data.set(r, y * stride));
  return { width, height: rows.length, stride, ring: rows.length + 1, data };
}
/** A plane brought to W×H by upsampleRow, row by row. */
function upsample(p: SamplePlane, h: number, v: number, hMax: number, vMax: number, W: number, H: number): SamplePlane {
  const data = new Uint8Array(W * H);
  const colsum = new Int32Array(p.width + 2);
  for (let oy = 0; oy < H; oy++) upsampleRow(p, h, v, hMax, vMax, W, oy, data.subarray(oy * W, (oy + 1) * W), colsum);
  return { width: W, height: H, stride: W, ring: H, data };
}
const rowsOf = (p: SamplePlane, W: number, H: number) => Array.from({ length: H }, (_, y) => Array.from(p.data.subarray(y * p.stride, y * p.stride + W)));

describe('upsample (jdsample.c, fancy upsampling on)', () => {
  it('full size: the rows as they are', () => {
    expect(rowsOf(upsample(plane([[1, 2], [3, 4]]), 2, 2, 2, 2, 2, 2), 2, 2)).toEqual([[1, 2], [3, 4]]);
  });

  it('a band of rows (ring): row y read at (y mod ring)·stride, as the decoder keeps its bands', () => {
    // rows 0..3 of [[0 16 32] [64 64 64] [8 8 8] [100 0 100]] held in a ring of 2: rows 2, 3 overwrite 0, 1
    const band = plane([[8, 8, 8], [100, 0, 100]]);
    const ring = { ...band, height: 4, ring: 2 };
    const whole = plane([[0, 16, 32], [64, 64, 64], [8, 8, 8], [100, 0, 100]]);
    // output rows 5 and 6 (of 8) read input rows 2, 3 only
    for (const oy of [5, 6]) {
      const got = new Uint8Array(6);
      const want = new Uint8Array(6);
      upsampleRow(ring, 1, 1, 2, 2, 6, oy, got, new Int32Array(5));
      upsampleRow(whole, 1, 1, 2, 2, 6, oy, want, new Int32Array(5));
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('h2v1: 3/4 nearer + 1/4 further input, biases +1 / +2, edge columns copied; odd W drops the last', () => {
    // input 10 20 40 (w = 3): columns 0..5 are 10, (30+20+2)>>2 = 13, (60+10+1)>>2 = 17, (60+40+2)>>2 = 25, (120+20+1)>>2 = 35, 40
    expect(rowsOf(upsample(plane([[10, 20, 40], [0, 0, 100]]), 1, 1, 2, 1, 6, 2), 6, 2)).toEqual([[10, 13, 17, 25, 35, 40], [0, 0, 0, 25, 75, 100]]);
    expect(rowsOf(upsample(plane([[10, 20, 40]]), 1, 1, 2, 1, 5, 1), 5, 1)).toEqual([[10, 13, 17, 25, 35]]);
  });

  it('h2v1 with w ≤ 2: plain replication (libjpeg asks for 3 samples to be fancy)', () => {
    expect(rowsOf(upsample(plane([[10, 40]]), 1, 1, 2, 1, 4, 1), 4, 1)).toEqual([[10, 10, 40, 40]]);
  });

  it('h1v2: 3/4 nearer + 1/4 further row, bias +1 above / +2 below, edge rows replicated', () => {
    // rows 10 / 50: row 0 = (30+10+1)>>2 = 10, row 1 = (30+50+2)>>2 = 20, row 2 = (150+10+1)>>2 = 40, row 3 = (150+50+2)>>2 = 50
    expect(rowsOf(upsample(plane([[10], [50]]), 1, 1, 1, 2, 1, 4), 1, 4)).toEqual([[10], [20], [40], [50]]);
  });

  it('h2v2: column sums 3·near + far, then 3·c + neighbour with +8 / +7, edges 4·c', () => {
    // input rows [0 16 32] and [64 64 64] (w = 3, h = 2); output row 1 (odd: far row = row 1):
    // c = 3·[0 16 32] + [64 64 64] = [64 112 160] → (256+8)>>4 = 16, (192+112+7)>>4 = 19, (336+64+8)>>4 = 25,
    // (336+160+7)>>4 = 31, (480+112+8)>>4 = 37, (640+7)>>4 = 40
    const out = rowsOf(upsample(plane([[0, 16, 32], [64, 64, 64]]), 1, 1, 2, 2, 6, 4), 6, 4);
    expect(out[1]).toEqual([16, 19, 25, 31, 37, 40]);
    // row 0: far row is row −1, replicated row 0: c = 4·[0 16 32] → 0, (0+64+7)>>4 = 4, (192+0+8)>>4 = 12, ...
    expect(out[0]).toEqual([0, 4, 12, 20, 28, 32]);
    // rows 2 and 3 look at row 1 of the input for both near and the replicated row below: flat 64
    expect(out[3]).toEqual([64, 64, 64, 64, 64, 64]);
    expect(out[2]).toEqual([48, 49, 51, 53, 55, 56]);
  });

  it('other ratios: box replication (3:1 horizontally, and 3:2 by the nearest sample)', () => {
    expect(rowsOf(upsample(plane([[1, 2]]), 1, 1, 3, 1, 6, 1), 6, 1)).toEqual([[1, 1, 1, 2, 2, 2]]);
    expect(rowsOf(upsample(plane([[1, 2]]), 2, 1, 3, 1, 3, 1), 3, 1)).toEqual([[1, 1, 2]]);
  });
});

describe('ROW_CONVERTERS (jdcolor.c, OpenCV CMYK)', () => {
  const pixel = (space: JpegColorSpace, samples: number[]) => {
    const rgb = new Uint8Array(3);
    const [p0, p1, p2, p3] = [0, 1, 2, 3].map((k) => Uint8Array.of(samples[k] ?? 0));
    ROW_CONVERTERS[space](1, rgb, 0, p0, 0, p1, 0, p2, 0, p3, 0);
    return Array.from(rgb);
  };
  it('gray, RGB, YCbCr, CMYK and YCCK on one pixel', () => {
    expect(pixel('gray', [77])).toEqual([77, 77, 77]);
    expect(pixel('rgb', [1, 2, 3])).toEqual([1, 2, 3]);
    // neutral chroma is exact: Cb = Cr = 128 adds nothing (the ONE_HALF bias alone shifts to 0)
    expect(pixel('ycbcr', [93, 128, 128])).toEqual([93, 93, 93]);
    // Y 100, Cb 0, Cr 255: R = 100 + ((91881·127 + 2^15) >> 16) = 278 → 255, G = 100 + ((22554·128 + 2^15 − 46802·127) >> 16) = 100 − 47 = 53, B = 100 − 227 → 0
    expect(pixel('ycbcr', [100, 0, 255])).toEqual([255, 53, 0]);
    // CMYK as stored by Adobe (inverted): R = K − ((255 − C)·K >> 8)
    expect(pixel('cmyk', [255, 0, 128, 200])).toEqual([200, 1, 101]);
    // YCCK with neutral chroma: C = M = Y' = 255 − Y
    expect(pixel('ycck', [60, 128, 128, 180])).toEqual(new Array(3).fill(180 - ((60 * 180) >> 8)));
  });
});

describe('h2v2YcbcrRow (h2v2 upsampling fused with YCbCr → RGB) against h2v2Fancy then ycbcrRow', () => {
  it('random 4:2:0 rows, odd and even widths from 5 to 34, every output row of a 3-row chroma plane', () => {
    const rand = mulberry32(420);
    for (const W of [5, 6, 7, 8, 33, 34]) {
      const w = Math.ceil(W / 2);
      const random = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 256));
      const luma = Uint8Array.from(random(W));
      const [cb, cr] = [0, 1].map(() => plane([random(w), random(w), random(w)]));
      for (let oy = 0; oy < 6; oy++) {
        const want = new Uint8Array(3 * W + 3).fill(7);
        const [cbRow, crRow] = [cb, cr].map((p) => {
          const row = new Uint8Array(W);
          upsampleRow(p, 1, 1, 2, 2, W, oy, row, new Int32Array(w + 2));
          return row;
        });
        ROW_CONVERTERS.ycbcr(W, want, 0, luma, 0, cbRow, 0, crRow, 0, new Uint8Array(0), 0);
        const got = new Uint8Array(3 * W + 3).fill(7);
        const [cbSum, crSum] = [cb, cr].map((p) => {
          const sums = new Int32Array(w + 2);
          h2v2ColumnSums(p, oy, sums);
          return sums;
        });
        h2v2YcbcrRow(W, got, 0, luma, 0, cbSum, crSum, w);
        expect(Array.from(got), `W ${W} row ${oy}`).toEqual(Array.from(want));
      }
    }
  });
});

describe('Huffman decoding (jdhuff.c)', () => {
  // lengths 2, 3, 3, then 12 (past the 9-bit lookahead): codes 00, 010, 011, 100000000000
  const counts = Uint8Array.from([0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  const table = buildHuffmanTable(counts, Uint8Array.from([5, 6, 7, 9]), false, 'h.jpg');

  it('canonical codes, short ones by lookahead, a 12-bit one by maxcode', () => {
    // 00 010 011 100000000000 then padding 1s: 0001 0011 1000 0000 0000 1111
    const r = new BitReader(Uint8Array.from([0x13, 0x80, 0x0f, 0xff, 0xd9]), 0);
    expect([r.decode(table, 'h.jpg'), r.decode(table, 'h.jpg'), r.decode(table, 'h.jpg'), r.decode(table, 'h.jpg')]).toEqual([5, 6, 7, 9]);
  });

  // The fast table against DECODE then RECEIVE/EXTEND, on one code of each length followed by its
  // value bits and 24 random bits: the same run and value, and the same bits left to read.
  const fastAgainstSlow = (symbols: number[], dc: boolean) => {
    const table = buildHuffmanTable(counts, Uint8Array.from(symbols), dc, 'h.jpg');
    const codes = ['00', '010', '011', '100000000000'];
    const rand = mulberry32(97);
    let fast = 0;
    for (let trial = 0; trial < 300; trial++) {
      const c = Math.floor(rand() * codes.length);
      const bits = codes[c] + Array.from({ length: (symbols[c] & 15) + 24 }, () => (rand() < 0.5 ? '0' : '1')).join('');
      const bytes: number[] = [];
      for (let i = 0; i + 8 <= bits.length; i += 8) {
        bytes.push(parseInt(bits.slice(i, i + 8), 2));
        if (bytes[bytes.length - 1] === 0xff) bytes.push(0);  // byte stuffing
      }
      const slow = new BitReader(Uint8Array.from([...bytes, 0xff, 0xd9]), 0);
      const quick = new BitReader(Uint8Array.from([...bytes, 0xff, 0xd9]), 0);
      const rs = slow.decode(table, 'h.jpg');
      const want = [rs >> 4, slow.receiveExtend(rs & 15)];
      const hit = quick.fast(table);
      if (hit !== 0) fast++;
      const rest = hit === 0 ? quick.decode(table, 'h.jpg') : 0;
      const got = hit !== 0 ? [(hit >> 4) & 15, hit >> 8] : [rest >> 4, quick.receiveExtend(rest & 15)];
      expect(got, `trial ${trial}`).toEqual(want);
      expect(quick.bits(16)).toBe(slow.bits(16));
    }
    return fast / 300;
  };

  it('fast table, AC: run and value in one look-up where code and value bits fit in 9, else nothing read', () => {
    // 0x05 run 0 size 5 (2 + 5 bits fit), 0x16 run 1 size 6 (3 + 6 fit), 0x07 (3 + 7 do not), 0x09 (a 12-bit code)
    expect(fastAgainstSlow([0x05, 0x16, 0x07, 0x09], false)).toBeCloseTo(0.5, 0);
  });

  it('fast table, DC: a zero difference (category 0) too, by its code length alone', () => {
    // categories 0 (2 bits), 6 (3 + 6 fit), 7 (3 + 7 do not), 9 (a 12-bit code)
    expect(fastAgainstSlow([0, 6, 7, 9], true)).toBeCloseTo(0.5, 0);
  });

  it('FF 00 is one FF data byte; at a marker only zero bits follow', () => {
    const r = new BitReader(Uint8Array.from([0xff, 0x00, 0xa5, 0xff, 0xd9]), 0);
    expect([r.bits(8), r.bits(8), r.bits(8), r.bits(16)]).toEqual([0xff, 0xa5, 0, 0]);
  });

  it('RECEIVE and EXTEND: s bits, the lower half standing for negatives', () => {
    // 3 bits 010 → 2 − 7 = −5; 3 bits 110 → 6; 1 bit 0 → −1; 1 bit 1 → 1
    const r = new BitReader(Uint8Array.from([0b01011001, 0xff, 0xd9]), 0);
    expect([r.receiveExtend(3), r.receiveExtend(3), r.receiveExtend(1), r.receiveExtend(1), r.receiveExtend(0)]).toEqual([-5, 6, -1, 1, 0]);
  });

  it("restart: the byte's padding dropped, the RSTn marker skipped", () => {
    const r = new BitReader(Uint8Array.from([0b10111111, 0xff, 0xd3, 0x42, 0xff, 0xd9]), 0);
    expect(r.bits(2)).toBe(2);
    r.restart();
    expect(r.bits(8)).toBe(0x42);
  });

  it('a code the table does not have, and tables that cannot be, are IMAGE errors', () => {
    const r = new BitReader(Uint8Array.from([0xff, 0x00, 0xff, 0x00, 0xff, 0xd9]), 0);
    expect(() => r.decode(table, 'h.jpg')).toThrow(/h\.jpg: corrupt JPEG: bad Huffman code in the image data/);
    expect(() => buildHuffmanTable(Uint8Array.from([3, ...new Array(15).fill(0)]), Uint8Array.from([1, 2, 3]), false, 'h.jpg')).toThrow(/more codes of 1 bits or fewer than fit/);
    expect(() => buildHuffmanTable(Uint8Array.from([0, 1, ...new Array(14).fill(0)]), Uint8Array.from([16]), true, 'h.jpg')).toThrow(/DC Huffman table \(DHT\) has a category over 15/);
  });
});

describe('decodeCoefficients (jpeg-scan.ts)', () => {
  it('t4.jpg (4:2:0): stores padded to whole MCUs, each component with its own table', () => {
    const t4 = new Uint8Array(readFileSync(join(imagesDir, 't4.jpg')));
    const header = readJpegHeader(t4, 't4.jpg');
    const components = decodeCoefficients(t4, header.frame, header.segments, 't4.jpg');
    expect(components.map((c) => [c.h, c.v])).toEqual([[2, 2], [1, 1], [1, 1]]);
    // 640x360 at 4:2:0 is 40x23 MCUs: 80x46 luma blocks (80x45 real), 40x23 per chroma
    expect(components.map((c) => [c.blocksPerLine, c.coefficients.length / 64 / c.blocksPerLine, c.blocksWide, c.blocksHigh])).toEqual([[80, 46, 80, 45], [40, 23, 40, 23], [40, 23, 40, 23]]);
    expect(components[0].quant).not.toEqual(components[1].quant);
  });

  it('hand-built: DC of each block in order, DC predictions reset at each restart', () => {
    const flat = flatJpeg([[30], [200], [90]], undefined, true);
    const header = readJpegHeader(flat, 'flat.jpg');
    const [gray] = decodeCoefficients(flat, header.frame, header.segments, 'flat.jpg');
    // quantisation 1: DC = 8·(value − 128)
    expect([0, 1, 2].map((b) => gray.coefficients[64 * b])).toEqual([8 * (30 - 128), 8 * (200 - 128), 8 * (90 - 128)]);
  });

  it('a scan with a Huffman table never defined, or naming a component the frame lacks: IMAGE errors', () => {
    const flat = flatJpeg([[30]]);
    const sos = flat.findIndex((b, i) => b === 0xff && flat[i + 1] === 0xda);
    const noAc = flat.slice();
    noAc[sos + 6] = 0x01;  // AC table 1
    expect(() => decodeImage(noAc, { where: 'n.jpg' })).toThrow(/n\.jpg: corrupt JPEG: scan 1 uses a Huffman table \(DHT\) that is not defined/);
    const stranger = flat.slice();
    stranger[sos + 5] = 9;
    expect(() => decodeImage(stranger, { where: 's.jpg' })).toThrow(/s\.jpg: corrupt JPEG: scan 1 names component id 9, which the frame does not have/);
  });
});

describe('decodeJpeg a band at a time (streamed coefficients, rings of sample rows) against whole planes', () => {
  /** A sample value per block, spread over 0..255. */
  const value = (k: number, by: number, bx: number) => (Math.imul(k * 7919 + by * 131 + bx * 31 + 1, 2654435761) >>> 24) & 255;

  /** The picture stage by stage: whole planes of flat blocks (what the IDCT makes of them), upsampled row by row, converted. */
  function reference(W: number, H: number, sampling: Array<[number, number]>): Uint8Array {
    const hMax = Math.max(...sampling.map(([h]) => h));
    const vMax = Math.max(...sampling.map(([, v]) => v));
    const rows = sampling.map(([h, v], k) => {
      const width = Math.ceil((W * h) / hMax);
      const height = Math.ceil((H * v) / vMax);
      const stride = 8 * Math.ceil(width / 8);
      const data = new Uint8Array(stride * 8 * Math.ceil(height / 8));
      for (let y = 0; y < data.length / stride; y++) for (let x = 0; x < stride; x++) data[y * stride + x] = value(k, y >> 3, x >> 3);
      return upsample({ width, height, stride, ring: Infinity, data }, h, v, hMax, vMax, W, H).data;
    });
    const rgb = new Uint8Array(W * H * 3);
    const convert = ROW_CONVERTERS[sampling.length === 3 ? 'ycbcr' : 'cmyk'];
    const empty = new Uint8Array(0);
    for (let y = 0; y < H; y++) convert(W, rgb, 3 * y * W, rows[0], y * W, rows[1], y * W, rows[2] ?? empty, y * W, rows[3] ?? empty, y * W);
    return rgb;
  }

  const cases: Array<[string, number, number, Array<[number, number]>]> = [
    ['4:2:0, odd size', 37, 29, [[2, 2], [1, 1], [1, 1]]],
    ['4:2:0, 1×1', 1, 1, [[2, 2], [1, 1], [1, 1]]],
    ['4:2:0, tall (the rings wrap many times)', 19, 150, [[2, 2], [1, 1], [1, 1]]],
    ['4:2:2', 35, 41, [[2, 1], [1, 1], [1, 1]]],
    ['4:4:0', 35, 41, [[1, 2], [1, 1], [1, 1]]],
    ['4:4:4', 17, 9, [[1, 1], [1, 1], [1, 1]]],
    ['4:1:1 (box upsampling)', 45, 20, [[4, 1], [1, 1], [1, 1]]],
    ['v ratio 4 (box upsampling)', 12, 77, [[1, 4], [1, 1], [1, 1]]],
    ['mixed 2×2, 2×1, 1×2', 33, 47, [[2, 2], [2, 1], [1, 2]]],
    ['chroma sampled finer than luma', 30, 50, [[1, 1], [2, 2], [1, 1]]],
    ['CMYK 2×2, 1×1, 1×1, 2×2', 27, 53, [[2, 2], [1, 1], [1, 1], [2, 2]]],
  ];
  for (const [name, W, H, sampling] of cases) {
    it(`${name}, ${W}x${H}: one interleaved scan (streamed) and one scan per component both give the planes' picture`, () => {
      const want = reference(W, H, sampling);
      for (const interleaved of [true, false]) {
        const img = decodeImage(sampledJpeg(W, H, sampling, value, interleaved));
        expect([img.width, img.height]).toEqual([W, H]);
        expect(img.data, `${interleaved ? 'interleaved' : 'one scan per component'}`).toEqual(want);
      }
    });
  }
});

