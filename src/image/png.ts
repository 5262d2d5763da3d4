/**
 * PNG → RGB with pngjs, behind a chunk walk of our own.
 *
 * A PNG file is an 8-byte signature and a chain of chunks: u32 length (big-endian), 4-letter type,
 * data, CRC-32 of type + data. IHDR comes first (width u32, height u32, bit depth, colour type 0
 * gray / 2 RGB / 3 palette / 4 gray+alpha / 6 RGBA, compression, filter, interlace), IEND last.
 *
 * The walk refuses a decompression bomb from IHDR before pngjs allocates anything, names the chunk
 * of a CRC mismatch or a truncation, checks that the zlib data inflates to exactly the scanline
 * bytes IHDR implies (pngjs would hand back black pixels for a damaged stream), and rebuilds the stream pngjs sees: ending at IEND (libpng
 * ignores what follows; pngjs would fail on it) and without the tRNS chunk of gray and RGB images
 * (pngjs blanks the pixels of the transparent colour to 0; see below).
 *
 * What we make of the pixels is what cv2.imread(path, IMREAD_COLOR) makes of them, so a PNG feeds
 * the detector the same picture the original saw:
 * - alpha is dropped, not composited (libpng `png_set_strip_alpha`): a transparent pixel keeps its
 *   stored colour; the tRNS colour key likewise only marks alpha, so it changes nothing;
 * - 16-bit samples keep their high byte, v >> 8 (`png_set_strip_16`), not the rounded v·255/65535;
 * - gray of 1, 2, 4 bits is stretched by bit replication to 0..255 (×255, ×85, ×17), gray is
 *   copied into R, G and B, palette indices become their palette colours;
 * - interlaced (Adam7) images are decoded by pngjs like any other.
 */
import { inflateSync } from 'node:zlib';
import pngjs from 'pngjs';
import { formatPixels, imageError } from './image-error.js';
import { pixelBuffer, rgbImage, type PixelBuffer, type RgbImage } from './rgb-image.js';

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** The file from the signature to IEND with the chunks pngjs must not see left out. */
  stream: Uint8Array;
}

const COLOR_TYPES: Record<number, string> = { 0: 'gray', 2: 'RGB', 3: 'palette', 4: 'gray+alpha', 6: 'RGBA' };
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const BIT_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: first row, first column, row step, column step
const ADAM7 = [[0, 0, 8, 8], [0, 4, 8, 8], [4, 0, 8, 4], [0, 2, 4, 4], [2, 0, 4, 2], [0, 1, 2, 2], [1, 0, 2, 1]];

/** Bytes of filtered scanlines (one filter byte per row) the IDAT stream must inflate to. */
function rawDataSize(width: number, height: number, bitsPerPixel: number, interlaced: boolean): number {
  const rows = (h: number, w: number) => (w > 0 && h > 0 ? h * (1 + Math.ceil((w * bitsPerPixel) / 8)) : 0);
  if (!interlaced) return rows(height, width);
  let total = 0;
  for (const [y0, x0, dy, dx] of ADAM7) total += rows(Math.ceil((height - y0) / dy), Math.ceil((width - x0) / dx));
  return total;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, the one PNG uses) of `bytes`. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Walks the chunks from the signature to IEND; checks IHDR, every CRC, and the size limit. */
export function readPngHeader(bytes: Uint8Array, maxPixels: number, where: string): PngHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, 8)];
  const idat: Uint8Array[] = [];
  let header: Omit<PngHeader, 'stream'> | undefined;
  let interlaced = false;
  let offset = 8;
  for (;;) {
    if (offset + 8 > bytes.length) throw imageError(where, `truncated PNG: the file ends at byte ${bytes.length} before IEND`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 12 + length;
    if (end > bytes.length) throw imageError(where, `truncated PNG: chunk ${JSON.stringify(type)} at byte ${offset} needs ${length + 12} bytes, ${bytes.length - offset} remain`);
    const stored = view.getUint32(offset + 8 + length);
    if (crc32(bytes.subarray(offset + 4, offset + 8 + length)) !== stored) {
      throw imageError(where, `corrupt PNG: CRC mismatch in chunk ${JSON.stringify(type)} at byte ${offset}`);
    }

    if (header === undefined) {
      if (type !== 'IHDR' || length !== 13) throw imageError(where, `corrupt PNG: the first chunk is ${JSON.stringify(type)} (${length} bytes), expected IHDR (13 bytes)`);
      const width = view.getUint32(offset + 8);
      const height = view.getUint32(offset + 12);
      const bitDepth = bytes[offset + 16];
      const colorType = bytes[offset + 17];
      if (width === 0 || height === 0) throw imageError(where, `corrupt PNG: IHDR gives an empty ${width}x${height} image`);
      if (width * height > maxPixels) throw imageError(where, `PNG of ${formatPixels(width, height)} is over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
      if (COLOR_TYPES[colorType] === undefined) throw imageError(where, `corrupt PNG: colour type ${colorType} does not exist (0, 2, 3, 4, 6)`);
      if (!BIT_DEPTHS[colorType].includes(bitDepth)) throw imageError(where, `corrupt PNG: bit depth ${bitDepth} is not allowed for ${COLOR_TYPES[colorType]} (${BIT_DEPTHS[colorType].join(', ')})`);
      header = { width, height, bitDepth, colorType };
      interlaced = bytes[offset + 20] === 1;
    }
    if (type === 'IDAT') idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    const keyedTransparency = type === 'tRNS' && (header.colorType === 0 || header.colorType === 2);
    if (!keyedTransparency) kept.push(bytes.subarray(offset, end));
    if (type === 'IEND') break;
    offset = end;
  }

  // pngjs (on Node 20) turns a damaged zlib stream into black pixels without a word, and inflates
  // interlaced data without a size bound: inflate once here, bounded by what IHDR says it needs.
  const { width, height, bitDepth, colorType } = header;
  const needed = rawDataSize(width, height, CHANNELS[colorType] * bitDepth, interlaced);
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(concat(idat), { maxOutputLength: needed });
  } catch (e) {
    const reason = e instanceof RangeError ? `it inflates to more than the ${needed} bytes ${width}x${height} needs` : e instanceof Error ? e.message : String(e);
    throw imageError(where, `corrupt PNG: the compressed image data (IDAT) is damaged: ${reason}`);
  }
  if (inflated.length !== needed) {
    throw imageError(where, `corrupt PNG: the image data inflates to ${inflated.length} bytes, ${width}x${height} ${bitDepth}-bit ${COLOR_TYPES[colorType]} needs ${needed}`);
  }
  return { ...header, stream: concat(kept) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

/** Decodes a PNG whose chunks `readPngHeader` accepted; alpha dropped, 16-bit to the high byte. */
export function decodePng(header: PngHeader, where: string, output?: PixelBuffer): RgbImage {
  const { width, height, bitDepth, colorType, stream } = header;
  let rgba: Uint8Array | Uint16Array;
  try {
    // skipRescale: we do the 16-bit and low-bit-gray scaling ourselves, the libpng way
    const png = pngjs.PNG.sync.read(Buffer.from(stream.buffer, stream.byteOffset, stream.byteLength), { skipRescale: true });
    rgba = png.data as unknown as Uint8Array | Uint16Array;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw imageError(where, `corrupt PNG ${formatPixels(width, height)} (${bitDepth}-bit ${COLOR_TYPES[colorType]}): ${reason}`);
  }
  if (rgba.length !== width * height * 4) {
    throw imageError(where, `corrupt PNG: decoded ${rgba.length} samples, expected ${width * height * 4} for ${width}x${height} RGBA`);
  }
  // a stored sample on the 0..255 scale; palette colours are 8-bit already
  const toByte = colorType === 3 || bitDepth === 8 ? (v: number) => v
    : bitDepth === 16 ? (v: number) => v >> 8
    : (v: number) => v * (255 / ((1 << bitDepth) - 1));
  const img = rgbImage(width, height, pixelBuffer(output, width * height * 3));
  for (let p = 0; p < width * height; p++) {
    // pixel p: R, G, B of the RGBA sample, alpha (4th) dropped
    img.data[p * 3] = toByte(rgba[p * 4]);
    img.data[p * 3 + 1] = toByte(rgba[p * 4 + 1]);
    img.data[p * 3 + 2] = toByte(rgba[p * 4 + 2]);
  }
  return img;
}
