/**
 * Small image files built byte by byte, so each decoder path has a test input whose expected pixels
 * follow from how it was built: flat-colour JPEGs with any number of components (gray, YCbCr, RGB,
 * CMYK, YCCK) and an optional Adobe marker, an EXIF APP1 segment spliced into a JPEG, and PNGs of
 * every colour type and bit depth, plain or Adam7-interlaced.
 */
import { crc32, deflateSync } from 'node:zlib';

function u16(v: number): number[] { return [(v >> 8) & 0xff, v & 0xff]; }
function u32(v: number): number[] { return [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]; }
function segment(marker: number, body: number[]): number[] { return [0xff, marker, ...u16(body.length + 2), ...body]; }
function ascii(s: string): number[] { return Array.from(s, (c) => c.charCodeAt(0)); }

/**
 * A baseline JPEG of `blocks.length` 8×8 blocks side by side (width 8·blocks, height 8), block b
 * flat with sample value blocks[b][k] in component k. All quantisation steps are 1, so a flat block
 * of value v is the lone DC coefficient 8·(v − 128): the decoder's output is v up to IDCT rounding.
 * `adobeTransform` adds an APP14 "Adobe" segment with that transform (0 none, 1 YCbCr, 2 YCCK).
 * `restartEveryBlock` adds a DRI segment (interval 1 MCU) and an RSTn marker after every block but
 * the last, each restart byte-aligning the data and resetting the DC predictions.
 */
export function flatJpeg(blocks: number[][], adobeTransform?: number, restartEveryBlock = false): Uint8Array {
  const nc = blocks[0].length;
  const out: number[] = [0xff, 0xd8];
  if (adobeTransform !== undefined) out.push(...segment(0xee, [...ascii('Adobe'), 0, 100, 0, 0, 0, 0, adobeTransform]));
  out.push(...segment(0xdb, [0x00, ...new Array(64).fill(1)]));
  out.push(...segment(0xc0, [8, ...u16(8), ...u16(8 * blocks.length), nc, ...Array.from({ length: nc }, (_, k) => [k + 1, 0x11, 0]).flat()]));
  // DC table: categories 0..11, all 4-bit codes (code = category); AC table: EOB = '00', ZRL = '01'
  out.push(...segment(0xc4, [0x00, 0, 0, 0, 12, ...new Array(12).fill(0), ...Array.from({ length: 12 }, (_, i) => i)]));
  out.push(...segment(0xc4, [0x10, 0, 2, ...new Array(14).fill(0), 0x00, 0xf0]));
  if (restartEveryBlock) out.push(...segment(0xdd, u16(1)));
  out.push(...segment(0xda, [nc, ...Array.from({ length: nc }, (_, k) => [k + 1, 0x00]).flat(), 0, 63, 0]));

  const writer = bitWriter(out);
  let prev = new Array(nc).fill(0);
  for (const [b, block] of blocks.entries()) {
    if (restartEveryBlock && b > 0) {
      writer.flush();
      out.push(0xff, 0xd0 + ((b - 1) % 8));
      prev = new Array(nc).fill(0);
    }
    for (let k = 0; k < nc; k++) {
      const dc = 8 * (block[k] - 128);
      writer.flatBlock(dc - prev[k]);
      prev[k] = dc;
    }
  }
  writer.flush();
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

/**
 * Entropy-coded data into `out`, with the tables flatJpeg and sampledJpeg write: `put` appends bits,
 * `flatBlock` a block that is its DC difference alone (the category as a 4-bit code, its bits, then
 * end-of-block '00'), `flush` pads to a byte with 1 bits and stuffs a 00 after every FF byte.
 */
function bitWriter(out: number[]) {
  let bits: number[] = [];
  const put = (value: number, length: number) => { for (let i = length - 1; i >= 0; i--) bits.push((value >> i) & 1); };
  return {
    flatBlock(diff: number): void {
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      put(category, 4);
      put(diff >= 0 ? diff : diff + (1 << category) - 1, category);
      put(0b00, 2);  // EOB
    },
    flush(): void {
      while (bits.length % 8 !== 0) bits.push(1);
      for (let i = 0; i < bits.length; i += 8) {
        const byte = parseInt(bits.slice(i, i + 8).join(''), 2);
        out.push(byte);
        if (byte === 0xff) out.push(0x00);  // byte stuffing
      }
      bits = [];
    },
  };
}

/**
 * A baseline JPEG of width × height whose components have the sampling factors `sampling[k]` =
 * [h, v], every 8×8 block flat (a lone DC coefficient, quantisation 1) with the sample value
 * `value(k, by, bx)` of component k's block (by, bx): coded in one interleaved scan, as a camera
 * writes it (MCUs of h × v blocks of each component, padding blocks included), or with
 * `interleaved` false in one scan per component (its real blocks, row by row). The upsampling
 * across block edges makes every output row depend on its neighbours, so the two codings and a
 * plane-by-plane reference must agree row for row.
 */
export function sampledJpeg(width: number, height: number, sampling: Array<[number, number]>, value: (k: number, by: number, bx: number) => number, interleaved = true): Uint8Array {
  const nc = sampling.length;
  const hMax = Math.max(...sampling.map(([h]) => h));
  const vMax = Math.max(...sampling.map(([, v]) => v));
  const out: number[] = [0xff, 0xd8];
  out.push(...segment(0xdb, [0x00, ...new Array(64).fill(1)]));
  out.push(...segment(0xc0, [8, ...u16(height), ...u16(width), nc, ...sampling.map(([h, v], k) => [k + 1, (h << 4) | v, 0]).flat()]));
  out.push(...segment(0xc4, [0x00, 0, 0, 0, 12, ...new Array(12).fill(0), ...Array.from({ length: 12 }, (_, i) => i)]));
  out.push(...segment(0xc4, [0x10, 0, 2, ...new Array(14).fill(0), 0x00, 0xf0]));
  const scan = (components: number[], blocks: Array<[number, number, number]>) => {
    out.push(...segment(0xda, [components.length, ...components.map((k) => [k + 1, 0x00]).flat(), 0, 63, 0]));
    const writer = bitWriter(out);
    const prev = new Array(nc).fill(0);
    for (const [k, by, bx] of blocks) {
      const dc = 8 * (value(k, by, bx) - 128);
      writer.flatBlock(dc - prev[k]);
      prev[k] = dc;
    }
    writer.flush();
  };
  const mcusPerLine = Math.ceil(width / (8 * hMax));
  const mcusPerColumn = Math.ceil(height / (8 * vMax));
  if (interleaved) {
    const blocks: Array<[number, number, number]> = [];
    for (let row = 0; row < mcusPerColumn; row++) {
      for (let col = 0; col < mcusPerLine; col++) {
        sampling.forEach(([h, v], k) => {
          for (let y = 0; y < v; y++) for (let x = 0; x < h; x++) blocks.push([k, row * v + y, col * h + x]);
        });
      }
    }
    scan(sampling.map((_, k) => k), blocks);
  } else {
    sampling.forEach(([h, v], k) => {
      const blocks: Array<[number, number, number]> = [];
      const wide = Math.ceil(Math.ceil((width * h) / hMax) / 8);
      const high = Math.ceil(Math.ceil((height * v) / vMax) / 8);
      for (let by = 0; by < high; by++) for (let bx = 0; bx < wide; bx++) blocks.push([k, by, bx]);
      scan([k], blocks);
    });
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

/** `jpeg` with an APP1 EXIF segment right after SOI holding IFD0 with one Orientation entry. */
export function withExifOrientation(jpeg: Uint8Array, orientation: number, byteOrder: 'II' | 'MM'): Uint8Array {
  const le = byteOrder === 'II';
  const w16 = (v: number) => (le ? [v & 0xff, v >> 8] : u16(v));
  const w32 = (v: number) => (le ? u32(v).reverse() : u32(v));
  const tiff = [
    ...ascii(byteOrder), ...w16(42), ...w32(8),                                // header, IFD0 at 8
    ...w16(1), ...w16(0x0112), ...w16(3), ...w32(1), ...w16(orientation), 0, 0,  // one SHORT entry
    ...w32(0),                                                                  // no next IFD
  ];
  const app1 = segment(0xe1, [...ascii('Exif'), 0, 0, ...tiff]);
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app1, ...jpeg.subarray(2)]);
}

export interface PngSpec {
  width: number;
  height: number;
  bitDepth: 1 | 2 | 4 | 8 | 16;
  colorType: 0 | 2 | 3 | 4 | 6;
  /** width·height·channels samples in row-major order (palette indices for colour type 3). */
  samples: number[];
  palette?: [number, number, number][];
  trns?: number[];
  interlace?: boolean;
}

const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
// Adam7 passes: start row, start column, row step, column step
const ADAM7 = [[0, 0, 8, 8], [0, 4, 8, 8], [4, 0, 8, 4], [0, 2, 4, 4], [2, 0, 4, 2], [0, 1, 2, 2], [1, 0, 2, 1]];

function chunk(type: string, data: number[]): number[] {
  const body = Uint8Array.from([...ascii(type), ...data]);
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

/** The scanlines (filter byte 0 + packed samples) of the pixels (y, x) in the given rows × columns. */
function scanlines(spec: PngSpec, rows: number[], cols: number[]): number[] {
  const ch = CHANNELS[spec.colorType];
  const out: number[] = [];
  for (const y of rows) {
    out.push(0);
    let acc = 0;
    let nbits = 0;
    for (const x of cols) {
      for (let c = 0; c < ch; c++) {
        const v = spec.samples[(y * spec.width + x) * ch + c];
        if (spec.bitDepth === 16) out.push(v >> 8, v & 0xff);
        else if (spec.bitDepth === 8) out.push(v);
        else {
          acc = (acc << spec.bitDepth) | v;
          nbits += spec.bitDepth;
          if (nbits === 8) { out.push(acc); acc = 0; nbits = 0; }
        }
      }
    }
    if (nbits > 0) out.push(acc << (8 - nbits));
  }
  return out;
}

const range = (start: number, end: number, step: number) => Array.from({ length: Math.max(0, Math.ceil((end - start) / step)) }, (_, i) => start + i * step);

export function makePng(spec: PngSpec): Uint8Array {
  const raw = spec.interlace
    ? ADAM7.flatMap(([y0, x0, dy, dx]) => {
      const rows = range(y0, spec.height, dy);
      const cols = range(x0, spec.width, dx);
      return rows.length > 0 && cols.length > 0 ? scanlines(spec, rows, cols) : [];
    })
    : scanlines(spec, range(0, spec.height, 1), range(0, spec.width, 1));
  return Uint8Array.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...chunk('IHDR', [...u32(spec.width), ...u32(spec.height), spec.bitDepth, spec.colorType, 0, 0, spec.interlace ? 1 : 0]),
    ...(spec.palette ? chunk('PLTE', spec.palette.flat()) : []),
    ...(spec.trns ? chunk('tRNS', spec.trns) : []),
    ...chunk('IDAT', Array.from(deflateSync(Uint8Array.from(raw)))),
    ...chunk('IEND', []),
  ]);
}

/** A PNG signature and an IHDR chunk claiming width × height, and nothing else. */
export function pngHeaderOnly(width: number, height: number): Uint8Array {
  return Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...chunk('IHDR', [...u32(width), ...u32(height), 8, 2, 0, 0, 0]), ...chunk('IDAT', [0x78, 0x9c])]);
}

/** SOI, a frame header claiming width × height × 3 and the start of a scan, then a few bytes. */
export function jpegHeaderOnly(width: number, height: number): Uint8Array {
  return Uint8Array.from([
    0xff, 0xd8,
    ...segment(0xc0, [8, ...u16(height), ...u16(width), 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]),
    ...segment(0xda, [3, 1, 0, 2, 0, 3, 0, 0, 63, 0]),
    0x12, 0x34, 0xff, 0xd9,
  ]);
}

/**
 * `flatJpeg`'s picture as a progressive JPEG (SOF2), in the scans a progressive encoder writes: the
 * DC coefficients first at half precision (successive approximation Al = 1, all components
 * interleaved), then their last bit in a refinement scan (Ah = 1, Al = 0: one bit per block), then
 * one AC scan per component (Ss 1, Se 63) whose every block is EOB0, the end-of-band symbol for a
 * run of one block (code '0'), since flat blocks have no AC coefficients.
 */
export function flatProgressiveJpeg(blocks: number[][]): Uint8Array {
  const nc = blocks[0].length;
  const out: number[] = [0xff, 0xd8];
  out.push(...segment(0xdb, [0x00, ...new Array(64).fill(1)]));
  out.push(...segment(0xc2, [8, ...u16(8), ...u16(8 * blocks.length), nc, ...Array.from({ length: nc }, (_, k) => [k + 1, 0x11, 0]).flat()]));
  out.push(...segment(0xc4, [0x00, 0, 0, 0, 12, ...new Array(12).fill(0), ...Array.from({ length: 12 }, (_, i) => i)]));
  out.push(...segment(0xc4, [0x10, 1, ...new Array(15).fill(0), 0x00]));

  const scan = (header: number[], write: (put: (value: number, length: number) => void) => void) => {
    out.push(...segment(0xda, header));
    const bits: number[] = [];
    write((value, length) => { for (let i = length - 1; i >= 0; i--) bits.push((value >> i) & 1); });
    while (bits.length % 8 !== 0) bits.push(1);
    for (let i = 0; i < bits.length; i += 8) {
      const byte = parseInt(bits.slice(i, i + 8).join(''), 2);
      out.push(byte);
      if (byte === 0xff) out.push(0x00);
    }
  };
  const dc = (b: number, k: number) => 8 * (blocks[b][k] - 128);
  const all = Array.from({ length: nc }, (_, k) => [k + 1, 0x00]).flat();
  scan([nc, ...all, 0, 0, 0x01], (put) => {  // DC first, Al = 1: differences of dc >> 1
    const prev = new Array(nc).fill(0);
    for (let b = 0; b < blocks.length; b++) {
      for (let k = 0; k < nc; k++) {
        const v = dc(b, k) >> 1;
        const diff = v - prev[k];
        prev[k] = v;
        const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
        put(category, 4);
        put(diff >= 0 ? diff : diff + (1 << category) - 1, category);
      }
    }
  });
  scan([nc, ...all, 0, 0, 0x10], (put) => {  // DC refinement: bit 0 of each dc
    for (let b = 0; b < blocks.length; b++) for (let k = 0; k < nc; k++) put(dc(b, k) & 1, 1);
  });
  for (let k = 0; k < nc; k++) {
    scan([1, k + 1, 0x00, 1, 63, 0x00], (put) => { for (let b = 0; b < blocks.length; b++) put(0, 1); });
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
