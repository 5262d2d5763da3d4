/**
 * What kind of file a byte buffer holds, from its first bytes ("magic numbers"), never from the
 * file name: a photo saved as `.jpg` that is really a WebP must say so, not fail deep inside a
 * JPEG decoder. We decode JPEG and PNG; the other common formats are recognised only so that the
 * error can name them.
 *
 * Signatures (offset: bytes):
 *   JPEG  0: FF D8 FF                     PNG   0: 89 'PNG' 0D 0A 1A 0A
 *   GIF   0: 'GIF87a' | 'GIF89a'           WebP  0: 'RIFF', 8: 'WEBP'
 *   BMP   0: 'BM'                          TIFF  0: 'II' 2A 00 | 'MM' 00 2A
 *   HEIF/AVIF (ISO base media) 4: 'ftyp', 8: major brand (heic, heix, mif1, ... | avif, avis)
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'heic' | 'avif' | 'unknown';

/** The name each format goes by in messages. */
export const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', bmp: 'BMP', tiff: 'TIFF', heic: 'HEIC/HEIF', avif: 'AVIF', unknown: 'unknown',
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

function startsWith(bytes: Uint8Array, start: number, magic: readonly number[]): boolean {
  return bytes.length >= start + magic.length && magic.every((b, i) => bytes[start + i] === b);
}

export function sniffImageFormat(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  const head = ascii(bytes, 0, 12);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
  if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
  if (head.startsWith('BM') && bytes.length >= 26) return 'bmp';
  if (startsWith(bytes, 0, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, 0, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (head.slice(4, 8) === 'ftyp') {
    const brand = head.slice(8, 12);
    if (HEIF_BRANDS.has(brand)) return 'heic';
    if (AVIF_BRANDS.has(brand)) return 'avif';
  }
  return 'unknown';
}

/**
 * How the start of a file that is no image looks, for the error message: "empty", the first
 * characters if it reads as text, else the first bytes in hex.
 */
export function describeNonImage(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty (0 bytes)';
  const head = bytes.subarray(0, 16);
  const printable = head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  if (printable) return `${bytes.length} bytes starting with text ${JSON.stringify(ascii(head, 0, head.length))}`;
  const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes.length} bytes starting with ${hex}`;
}
