/**
 * Image bytes → upright RGB pixels: the first step of detection, the counterpart of the original's
 * `cv2.imread(path, cv2.IMREAD_COLOR)` followed by its BGR → RGB swap.
 *
 * 1. The format comes from the magic bytes (sniff.ts). JPEG and PNG are decoded; WebP, GIF, BMP,
 *    TIFF, HEIC and AVIF are named in the error; anything else is "not an image".
 * 2. The size is read from the header (JPEG SOFn, PNG IHDR) and refused above `maxPixels` before
 *    any pixel buffer exists, so a 200-byte file claiming 100000×100000 costs nothing; a JPEG
 *    whose data is too short for its size, or that is cut before its end marker, is refused too.
 * 3. The decoder runs (jpeg.ts, png.ts); whatever goes wrong inside it comes out as an IMAGE error.
 * 4. The EXIF orientation of a JPEG is applied, as cv2.imread does (exif.ts).
 *
 * Every failure is `RetinaFaceError('IMAGE', '<where>: <one line>')`.
 */
import { applyOrientation, exifOrientation } from './exif.js';
import { imageError } from './image-error.js';
import { decodeJpeg, readJpegHeader } from './jpeg.js';
import { decodePng, readPngHeader } from './png.js';
import type { PixelBuffer, RgbImage } from './rgb-image.js';
import { describeNonImage, FORMAT_NAMES, sniffImageFormat } from './sniff.js';

export interface DecodeOptions {
  /** Names the input in error messages (usually the file name); default "image". */
  where?: string;
  /** Apply the EXIF orientation (default true, like cv2.imread). */
  exif?: boolean;
  /** Largest accepted width × height (default 50e6). */
  maxPixels?: number;
  /**
   * Where the decoder writes the pixels: called once, with the picture's W×H×3 from its header, it
   * returns an array of at least that many bytes, and the picture's data is their start (every byte
   * overwritten). Default: a new array. A caller decoding photo after photo into one buffer of its
   * own spares the fresh pages a new one costs on first touch (44 MB for a 14.8 MP photo; see
   * BENCHMARKS.md, issue 11). An EXIF-rotated JPEG is decoded there, then rotated into a new array.
   */
  output?: PixelBuffer;
}

export const DEFAULT_MAX_PIXELS = 50e6;

export function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage {
  const where = options.where ?? 'image';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const format = sniffImageFormat(bytes);

  if (format === 'png') return decodePng(readPngHeader(bytes, maxPixels, where), where, options.output);
  if (format === 'jpeg') {
    const header = readJpegHeader(bytes, where, maxPixels);
    const img = decodeJpeg(bytes, header, where, options.output);
    const orientation = options.exif !== false && header.exif !== undefined ? exifOrientation(header.exif) : 1;
    return applyOrientation(img, orientation);
  }
  if (format === 'unknown') throw imageError(where, `not an image: ${describeNonImage(bytes)} (expected JPEG or PNG)`);
  throw imageError(where, `${FORMAT_NAMES[format]} images are not supported (only JPEG and PNG); convert it first`);
}
