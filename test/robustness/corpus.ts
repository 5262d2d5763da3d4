/**
 * Small valid files of every format the engine reads, made in code (a crop of a shared photo
 * re-encoded with jpeg-js, PNGs from pngjs and from make-image.ts, NDArray lists, .npy,
 * safetensors), and walks that list each format's length and size fields for `editLength`. The
 * walks follow the format descriptions, not our parsers, so a parser bug cannot hide in both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpegJs from 'jpeg-js';
import pngjs from 'pngjs';
import { crc32 } from 'node:zlib';
import { decodeImage } from '../../src/image/decode.js';
import { writeNpy } from '../../src/tensor/npy.js';
import { tensor } from '../../src/tensor/tensor.js';
import { encodeSafetensors } from '../../src/weights/safetensors.js';
import { imagesDir } from '../helpers/golden.js';
import { randomArray } from '../helpers/random.js';
import { flatJpeg, flatProgressiveJpeg, jpegHeaderOnly, makePng, pngHeaderOnly, withExifOrientation } from '../image/make-image.js';
import { f32, ndarrayList, V1, V2, V3 } from '../weights/ndarray-list.js';
import type { LengthField } from './fuzz.js';

/** A `width`×`height` crop of a shared photo at (left, top), as RGBA for the encoders. */
export function photoCrop(name: string, left: number, top: number, width: number, height: number): { width: number; height: number; data: Buffer } {
  const img = decodeImage(new Uint8Array(readFileSync(join(imagesDir, name))), { where: name });
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // crop pixel (y, x) from photo pixel (top + y, left + x); alpha opaque
      const from = ((top + y) * img.width + left + x) * 3;
      const to = (y * width + x) * 4;
      data[to] = img.data[from];
      data[to + 1] = img.data[from + 1];
      data[to + 2] = img.data[from + 2];
      data[to + 3] = 255;
    }
  }
  return { width, height, data };
}

/** JPEGs: a photo crop (baseline, with an EXIF orientation), gray with restart markers, Adobe CMYK, progressive. */
export function jpegBases(): Uint8Array[] {
  const crop = photoCrop('t4.jpg', 280, 40, 48, 40);
  const photo = new Uint8Array(jpegJs.encode(crop, 80).data);
  return [
    withExifOrientation(photo, 6, 'II'),
    flatJpeg([[30], [200], [90], [20]], undefined, true),
    flatJpeg([[40, 128, 250, 200], [10, 20, 30, 40]], 0),
    flatProgressiveJpeg([[100, 128, 200], [77, 128, 128], [1, 2, 3]]),
  ];
}

/** PNGs: pngjs RGB and RGBA 8-bit, gray 16-bit; make-image palette (interlaced) and 1-bit gray. */
export function pngBases(): Uint8Array[] {
  const crop = photoCrop('t4.jpg', 300, 60, 20, 14);
  const encode = (colorType: 0 | 2 | 4 | 6, bitDepth: 8 | 16) =>
    new Uint8Array(pngjs.PNG.sync.write(Object.assign(new pngjs.PNG({ width: crop.width, height: crop.height }), { data: crop.data }), { colorType, bitDepth, inputHasAlpha: true }));
  return [
    encode(2, 8),
    encode(6, 8),
    encode(0, 16),
    makePng({ width: 9, height: 7, bitDepth: 4, colorType: 3, samples: Array.from({ length: 63 }, (_, p) => p % 3), palette: [[255, 0, 0], [0, 255, 0], [10, 20, 30]], trns: [0, 128], interlace: true }),
    makePng({ width: 11, height: 5, bitDepth: 1, colorType: 0, samples: Array.from({ length: 55 }, (_, p) => p % 2) }),
  ];
}

const be = (at: number, size: 1 | 2 | 4, name: string): LengthField => ({ name, at, size, littleEndian: false });
const le = (at: number, size: 1 | 2 | 4 | 8, name: string): LengthField => ({ name, at, size, littleEndian: true });

/**
 * JPEG: every segment's length; in SOFn the height, width, component count and sampling factors;
 * in SOS the component count and spectral selection; in DHT the code counts; in DRI the interval;
 * in an EXIF APP1 the IFD0 offset, its entry count and the Orientation entry.
 */
export function jpegFields(bytes: Uint8Array): LengthField[] {
  const fields: LengthField[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    if (marker === 0xd9) break;
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    const name = `FF${marker.toString(16).toUpperCase()}`;
    fields.push(be(at + 2, 2, `${name} length`));
    const body = at + 4;
    if (marker >= 0xc0 && marker <= 0xc2) {
      fields.push(be(body + 1, 2, `${name} height`), be(body + 3, 2, `${name} width`), be(body + 5, 1, `${name} components`));
      for (let k = 0; k < bytes[body + 5]; k++) fields.push(be(body + 7 + 3 * k, 1, `${name} sampling of component ${k}`));
    }
    if (marker === 0xc4) for (let i = 1; i <= 16; i++) fields.push(be(body + i, 1, `DHT count of ${i}-bit codes`));
    if (marker === 0xdd) fields.push(be(body, 2, 'DRI interval'));
    if (marker === 0xe1 && String.fromCharCode(...bytes.subarray(body, body + 4)) === 'Exif') {
      // the TIFF block: byte order, 42, IFD0 offset; IFD0: entry count, entries (tag, type, count, value)
      const tiff = body + 6;
      const little = bytes[tiff] === 0x49;
      const field = (at: number, size: 2 | 4, name: string): LengthField => ({ name, at, size, littleEndian: little });
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const ifd0 = view.getUint32(tiff + 4, little);
      fields.push(field(tiff + 4, 4, 'EXIF IFD0 offset'), field(tiff + ifd0, 2, 'EXIF IFD0 entry count'));
      fields.push(field(tiff + ifd0 + 4, 2, 'EXIF Orientation type'), field(tiff + ifd0 + 6, 4, 'EXIF Orientation count'), field(tiff + ifd0 + 10, 2, 'EXIF Orientation value'));
    }
    at += 2 + length;
    if (marker === 0xda) {
      const ns = bytes[body];
      fields.push(be(body, 1, 'SOS components'), be(body + 1 + 2 * ns, 1, 'SOS spectral start'), be(body + 2 + 2 * ns, 1, 'SOS spectral end'));
      // the entropy-coded data runs to the next marker that is not a stuffed 00 or an RSTn
      while (at + 1 < bytes.length && !(bytes[at] === 0xff && bytes[at + 1] !== 0 && (bytes[at + 1] < 0xd0 || bytes[at + 1] > 0xd7))) at++;
    }
  }
  return fields;
}

/** PNG: every chunk's length, IHDR's width, height, bit depth, colour type and interlace method. */
export function pngFields(bytes: Uint8Array): LengthField[] {
  const fields: LengthField[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    fields.push(be(at, 4, `${type} length`));
    if (type === 'IHDR') {
      fields.push(be(at + 8, 4, 'IHDR width'), be(at + 12, 4, 'IHDR height'), be(at + 16, 1, 'IHDR bit depth'), be(at + 17, 1, 'IHDR colour type'), be(at + 20, 1, 'IHDR interlace'));
    }
    at += 12 + length;
  }
  return fields;
}

/** `bytes` with the CRC of every complete chunk recomputed, so that damage inside a chunk reaches the decoder. */
export function fixPngCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length;) {
    const length = view.getUint32(at);
    if (at + 12 + length > out.length) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)) >>> 0);
    at += 12 + length;
  }
  return out;
}

/** NDArray lists with arrays in every version (V1, V2, V3, pre-V1) and several dtypes. */
export function paramsBases(): Uint8Array[] {
  const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  return [
    ndarrayList([
      { version: V2, shape: [2, 3], typeFlag: 0, data: f32([1, 2, 3, 4, 5, 6]) },
      { version: V3, shape: [4], typeFlag: 2, data: bytesOf(new Uint16Array([0x3c00, 0x4000, 0xc000, 0])) },
      { version: V1, shape: [1, 2], typeFlag: 1, data: bytesOf(new Float64Array([0.5, -0.25])) },
      { version: 'legacy', shape: [3], typeFlag: 4, data: bytesOf(new Int32Array([7, -8, 9])) },
    ], ['arg:conv_weight', 'arg:conv_bias', 'aux:bn_moving_mean', 'aux:bn_moving_var']),
    ndarrayList([
      { version: V2, shape: [2, 1, 3, 3], typeFlag: 0, data: f32(Array.from(randomArray(18, 5))) },
      { version: V2, shape: [5], typeFlag: 3, data: Uint8Array.from([1, 2, 3, 4, 5]) },
      { version: V2, shape: [2], typeFlag: 6, data: bytesOf(new BigInt64Array([3n, -4n])) },
      { version: V3, shape: [], typeFlag: 5, data: Uint8Array.from([0xfd]) },
    ], ['arg:a', 'arg:b', 'aux:c', 'arg:d']),
  ];
}

/**
 * NDArray list: the list magic, reserved word and counts; each array's magic, storage type, ndim,
 * dims and type flag; each name's length (MXNet's ndarray.cc layout, walked here independently).
 */
export function paramsFields(bytes: Uint8Array): LengthField[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fields: LengthField[] = [le(0, 8, 'list magic'), le(8, 8, 'reserved'), le(16, 8, 'array count')];
  const count = Number(view.getBigUint64(16, true));
  const typeBytes = [4, 8, 2, 1, 4, 1, 8];
  let at = 24;
  for (let i = 0; i < count; i++) {
    const magic = view.getUint32(at, true);
    fields.push(le(at, 4, `array ${i} magic`));
    at += 4;
    let dims: number[] = [];
    if (magic === V2 || magic === V3 || magic === V1) {
      if (magic !== V1) { fields.push(le(at, 4, `array ${i} storage type`)); at += 4; }
      const ndim = view.getInt32(at, true);
      fields.push(le(at, 4, `array ${i} ndim`));
      at += 4;
      for (let d = 0; d < ndim; d++) { fields.push(le(at, 8, `array ${i} dim ${d}`)); dims.push(Number(view.getBigInt64(at, true))); at += 8; }
      if (ndim === 0 && magic !== V3) continue;
    } else {
      for (let d = 0; d < magic; d++) { fields.push(le(at, 4, `array ${i} dim ${d}`)); dims.push(view.getUint32(at, true)); at += 4; }
      if (magic === 0) continue;
    }
    at += 8;  // device type, device id
    const flag = view.getInt32(at, true);
    fields.push(le(at, 4, `array ${i} type flag`));
    at += 4 + dims.reduce((n, d) => n * d, 1) * typeBytes[flag];
  }
  fields.push(le(at, 8, 'name count'));
  at += 8;
  for (let i = 0; i < count && at + 8 <= bytes.length; i++) {
    fields.push(le(at, 8, `name ${i} length`));
    at += 8 + Number(view.getBigUint64(at, true));
  }
  return fields;
}

/** .npy files of every dtype we read, a scalar among them. */
export function npyBases(): Uint8Array[] {
  return [
    writeNpy({ dtype: '<f4', shape: [2, 3], data: randomArray(6, 1) }),
    writeNpy({ dtype: '|u1', shape: [4, 5, 3], data: Uint8Array.from({ length: 60 }, (_, i) => i * 4) }),
    writeNpy({ dtype: '<i8', shape: [3], data: new BigInt64Array([1n, -2n, 3n]) }),
    writeNpy({ dtype: '<f8', shape: [2, 2], data: new Float64Array([0.5, 1e300, -2, 0]) }),
    writeNpy({ dtype: '<f4', shape: [], data: new Float32Array([7]) }),
  ];
}

/** .npy: the header length (u16 in v1.0) and the version bytes. */
export function npyFields(): LengthField[] {
  return [le(8, 2, 'header length'), le(6, 1, 'major version'), le(7, 1, 'minor version')];
}

/** safetensors files: a few F32 tensors with metadata, and one without any. */
export function safetensorsBases(): Uint8Array[] {
  return [
    encodeSafetensors(new Map([
      ['conv_weight', tensor([2, 1, 3, 3], randomArray(18, 2))],
      ['conv_bias', tensor([2], Float32Array.from([0.5, -1]))],
      ['empty', tensor([0, 4])],
      ['scalar', tensor([], Float32Array.from([3]))],
    ]), { symbol: '{"nodes": [], "heads": []}', aux: '["conv_bias"]' }),
    encodeSafetensors(new Map([['x', tensor([3, 2], randomArray(6, 3))]]), {}),
  ];
}

/** safetensors: the header length word. */
export function safetensorsFields(): LengthField[] {
  return [le(0, 8, 'header length')];
}

/**
 * One number in a text header (the .npy dict, the safetensors JSON) replaced by another: a shape
 * dim or an offset made 0, 1, -1, off by one, huge or fractional. `headerEnd` bounds the text;
 * `refit` writes the header length back so the rest of the file still lines up.
 */
export function editHeaderNumber(bytes: Uint8Array, headerStart: number, headerEnd: number, refit: (out: Uint8Array, newEnd: number) => void, rand: () => number): { what: string; bytes: Uint8Array } {
  const text = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerEnd));
  const numbers = [...text.matchAll(/\d+/g)];
  if (numbers.length === 0) return { what: 'no number to edit', bytes };
  const m = numbers[Math.floor(rand() * numbers.length)];
  const old = Number(m[0]);
  const choices = ['0', '1', '-1', String(old + 1), String(Math.max(0, old - 1)), String(old * 1000), '4294967296', '9007199254740993', '1e308', '2.5'];
  const value = choices[Math.floor(rand() * choices.length)];
  const edited = new TextEncoder().encode(text.slice(0, m.index) + value + text.slice(m.index! + m[0].length));
  const out = new Uint8Array(bytes.length - (headerEnd - headerStart) + edited.length);
  out.set(bytes.subarray(0, headerStart), 0);
  out.set(edited, headerStart);
  out.set(bytes.subarray(headerEnd), headerStart + edited.length);
  refit(out, headerStart + edited.length);
  return { what: `header number ${m[0]} at ${headerStart + m.index!} -> ${value}`, bytes: out };
}

/** One input of the batch corpus: the file name it is saved under, its bytes, what must come of it. */
export interface BatchCase {
  readonly file: string;
  readonly bytes: Uint8Array;
  /** The one-line error it must give, or null for an image that decodes. */
  readonly error: RegExp | null;
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/**
 * Every bad image of the issue, under names that lie about the format where that matters, each with
 * the error it must give: empty, text, random bytes, the formats we do not decode, truncations, a
 * bad CRC, damaged zlib data, bombs, JPEG codings we do not decode, a JPEG too thin for its size.
 */
export function badImages(): BatchCase[] {
  const jpeg = jpegBases()[0];
  const png = pngBases()[0];
  const crcBroken = png.slice();
  crcBroken[crcBroken.length - 20] ^= 0xff;  // inside IDAT, before its CRC and IEND
  const idatAt = png.findIndex((_, i) => String.fromCharCode(...png.subarray(i, i + 4)) === 'IDAT');
  const zlibBroken = png.slice();
  zlibBroken.fill(0x55, idatAt + 4, idatAt + 4 + new DataView(png.buffer).getUint32(idatAt - 4));
  const sof = (marker: number, precision: number) => Uint8Array.from([0xff, 0xd8, 0xff, marker, 0, 11, precision, 0, 8, 0, 8, 1, 1, 0x11, 0]);
  const noise = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7919 + 13) % 251);
  return [
    { file: 'empty.jpg', bytes: new Uint8Array(0), error: /not an image: the file is empty/ },
    { file: 'notes.jpg', bytes: Uint8Array.from(ascii('these are my holiday notes, not a photo\n')), error: /not an image: \d+ bytes starting with text "these are my hol/ },
    { file: 'noise.png', bytes: noise, error: /not an image: 3000 bytes starting with 0d 97/ },
    { file: 'webp.jpg', bytes: Uint8Array.from(ascii('RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00')), error: /WebP images are not supported/ },
    { file: 'gif.png', bytes: Uint8Array.from(ascii('GIF89a\x01\x00\x01\x00\x00\x00\x00;')), error: /GIF images are not supported/ },
    { file: 'bmp.jpg', bytes: Uint8Array.from([0x42, 0x4d, ...new Array(60).fill(0)]), error: /BMP images are not supported/ },
    { file: 'tiff.jpeg', bytes: Uint8Array.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0, 0, 0]), error: /TIFF images are not supported/ },
    { file: 'heic.jpg', bytes: Uint8Array.from([0, 0, 0, 24, ...ascii('ftypheic\0\0\0\0mif1heic')]), error: /HEIC\/HEIF images are not supported/ },
    { file: 'avif.png', bytes: Uint8Array.from([0, 0, 0, 28, ...ascii('ftypavif\0\0\0\0avifmif1miaf')]), error: /AVIF images are not supported/ },
    { file: 'cut.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), error: /truncated JPEG/ },
    { file: 'cut-header.jpg', bytes: jpeg.subarray(0, 30), error: /truncated JPEG/ },
    { file: 'cut.png', bytes: png.subarray(0, png.length - 30), error: /truncated PNG/ },
    { file: 'crc.png', bytes: crcBroken, error: /corrupt PNG: CRC mismatch in chunk "IDAT"/ },
    { file: 'zlib.png', bytes: fixPngCrcs(zlibBroken), error: /corrupt PNG: the compressed image data \(IDAT\) is damaged/ },
    { file: 'bomb.png', bytes: pngHeaderOnly(100000, 100000), error: /PNG of 100000x100000 \(10000\.0 MP\) is over the limit of 50\.0 MP/ },
    { file: 'bomb.jpg', bytes: jpegHeaderOnly(65000, 65000), error: /JPEG of 65000x65000 \(4225\.0 MP\) is over the limit of 50\.0 MP/ },
    { file: 'thin.jpg', bytes: jpegHeaderOnly(7000, 7000), error: /corrupt JPEG: 2 bytes of image data cannot hold 7000x7000/ },
    { file: 'lossless.jpg', bytes: sof(0xc3, 8), error: /lossless JPEG \(FFC3\) is not supported/ },
    { file: 'deep.jpg', bytes: sof(0xc1, 12), error: /12-bit JPEG is not supported/ },
  ];
}

/**
 * Images that must decode, each small: 1x1 and 8x8, gray (1-bit and 16-bit), palette, RGBA,
 * 16-bit RGBA, CMYK, progressive, restart markers, EXIF-rotated.
 */
export function goodImages(): BatchCase[] {
  const ok = (file: string, bytes: Uint8Array): BatchCase => ({ file, bytes, error: null });
  const [exifPhoto, restart, cmyk, progressive] = jpegBases();
  const [rgb, rgba, gray16, palette, gray1] = pngBases();
  return [
    ok('one.png', makePng({ width: 1, height: 1, bitDepth: 8, colorType: 2, samples: [9, 8, 7] })),
    ok('eight.jpg', flatJpeg([[128, 128, 128]])),
    ok('exif-rotated.jpg', exifPhoto),
    ok('restart.jpg', restart),
    ok('cmyk.jpg', cmyk),
    ok('progressive.jpg', progressive),
    ok('rgb.png', rgb),
    ok('rgba.png', rgba),
    ok('gray16.png', gray16),
    ok('palette-interlaced.png', palette),
    ok('gray1.png', gray1),
    ok('rgba16.png', makePng({ width: 3, height: 2, bitDepth: 16, colorType: 6, samples: Array.from({ length: 24 }, (_, i) => i * 2000) })),
  ];
}
