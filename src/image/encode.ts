/**
 * RGB pixels → file bytes, PNG (pngjs) or JPEG (jpeg-js's encoder), with no metadata at all.
 *
 * What a file says besides its pixels can identify the person who took it or who is in it: EXIF
 * (GPS position, camera serial number, and an embedded thumbnail that still shows every face),
 * XMP, JPEG comments, PNG text chunks (tEXt, zTXt, iTXt). Both encoders write only what the
 * pixels need: pngjs IHDR, IDAT, IEND; jpeg-js the JFIF APP0 header, the tables and the scan (it
 * would add APP1 and COM only if asked). So an image decoded (EXIF orientation applied to the
 * pixels, decode.ts) and encoded here is upright and anonymous. An ICC profile is dropped too,
 * which leaves the colours of a wide-gamut photo to the viewer's sRGB assumption.
 */
import jpegJs from 'jpeg-js';
import pngjs from 'pngjs';
import type { RgbImage } from './rgb-image.js';

/** JPEG quality (1..100) when none is given. */
export const DEFAULT_JPEG_QUALITY = 90;

/** An 8-bit RGB PNG of the image (pngjs, colour type 2: no alpha channel is written). */
export function encodePng(img: RgbImage): Uint8Array {
  const png = new pngjs.PNG({ width: img.width, height: img.height, inputColorType: 2, colorType: 2, inputHasAlpha: false });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(pngjs.PNG.sync.write(png, { inputColorType: 2, colorType: 2, inputHasAlpha: false }));
}

/**
 * A baseline JPEG of the image (jpeg-js's encoder, 4:2:0): for a photo that came as a JPEG, whose
 * annotated or anonymized PNG would be many times its size (BENCHMARKS.md). jpeg-js takes RGBA;
 * the alpha written here is ignored.
 */
export function encodeJpeg(img: RgbImage, quality = DEFAULT_JPEG_QUALITY): Uint8Array {
  const rgba = new Uint8Array(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    rgba[p * 4] = img.data[p * 3];
    rgba[p * 4 + 1] = img.data[p * 3 + 1];
    rgba[p * 4 + 2] = img.data[p * 3 + 2];
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpegJs.encode({ data: rgba, width: img.width, height: img.height }, quality).data);
}

/** The image in `format` ('png' or 'jpeg'). */
export function encodeImage(img: RgbImage, format: 'png' | 'jpeg'): Uint8Array {
  return format === 'png' ? encodePng(img) : encodeJpeg(img);
}
