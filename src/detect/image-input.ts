/**
 * What the API accepts as an image — a file path, the bytes of a JPEG or PNG, or raw RGB/RGBA
 * pixels — turned into the one RgbImage every image function takes. Shared by `detect` and
 * `alignFace`; a path is read through read-file.ts, so nothing here imports node:fs itself.
 */
import { RetinaFaceError } from '../errors.js';
import { decodeImage } from '../image/decode.js';
import type { PixelBuffer, RgbImage } from '../image/rgb-image.js';
import { readFileChecked } from '../read-file.js';

/** Raw pixels, row-major, interleaved RGB or RGBA (alpha ignored); a browser ImageData fits. */
export interface RawPixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 3 or 4; default: data.length / (width·height). */
  channels?: 3 | 4;
}

/** A file path, the bytes of a JPEG or PNG, or raw pixels. */
export type ImageInput = string | Uint8Array | RawPixels;

export interface ImageOptions {
  /** Apply the EXIF orientation of a JPEG (default true, as cv2.imread does). */
  exif?: boolean;
  /** Refuse images (decoded, or scaled for the network) over this many pixels; default 50e6. */
  maxPixels?: number;
}

/**
 * The RGB picture of `input`; `where` names the caller in the error for an input of the wrong kind.
 * A file or bytes are decoded into `output` when given (decode.ts DecodeOptions.output); raw RGB
 * pixels are used in place, RGBA ones copied into a new array.
 */
export function toImage(input: ImageInput, options: { exif?: boolean; maxPixels: number; output?: PixelBuffer }, where = 'detect'): RgbImage {
  if (typeof input === 'string') {
    return decodeImage(readFileChecked(input), { ...options, where: input });
  }
  if (input instanceof Uint8Array) return decodeImage(input, options);
  if (isRawPixels(input)) return fromPixels(input, options.maxPixels);
  throw new RetinaFaceError('OPTION', `${where}: input must be a file path, JPEG/PNG bytes, or { data, width, height, channels }`);
}

function isRawPixels(x: unknown): x is RawPixels {
  return typeof x === 'object' && x !== null && 'data' in x && 'width' in x && 'height' in x;
}

function fromPixels(p: RawPixels, maxPixels: number): RgbImage {
  const { width, height, data } = p;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RetinaFaceError('IMAGE', `pixels: width ${width} and height ${height} must be positive integers`);
  }
  if (width * height > maxPixels) {
    throw new RetinaFaceError('IMAGE', `pixels: ${width}x${height} is over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new RetinaFaceError('IMAGE', 'pixels: data must be a Uint8Array or Uint8ClampedArray');
  }
  const channels = p.channels ?? data.length / (width * height);
  if ((channels !== 3 && channels !== 4) || data.length !== width * height * channels) {
    throw new RetinaFaceError('IMAGE', `pixels: ${data.length} values do not make ${width}x${height} RGB or RGBA${p.channels ? ` with ${p.channels} channels` : ''}`);
  }
  // RGB is used in place (nothing downstream writes into the input picture); RGBA drops its alpha
  if (channels === 3) return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    rgb[i * 3] = data[i * channels];
    rgb[i * 3 + 1] = data[i * channels + 1];
    rgb[i * 3 + 2] = data[i * channels + 2];
  }
  return { width, height, data: rgb };
}
