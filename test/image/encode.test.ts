import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { encodeImage, encodeJpeg, encodePng } from '../../src/image/encode.js';
import { rgbImage } from '../../src/image/rgb-image.js';
import { jpegMarkers, pngChunkTypes } from './file-structure.js';
import { flatJpeg, withExifOrientation } from './make-image.js';

/** A smooth 40×24 picture (JPEG keeps it within a few levels at quality 90). */
const smooth = rgbImage(40, 24, Uint8Array.from({ length: 40 * 24 * 3 }, (_, i) => {
  const p = Math.floor(i / 3);
  const [x, y, c] = [p % 40, Math.floor(p / 40), i % 3];
  return 20 + 2 * x + 3 * y + 30 * c;  // at most 227: no wrap-around edge
}));

describe('encodePng', () => {
  it('round-trips through decodeImage as 8-bit RGB', () => {
    const img = rgbImage(7, 3, Uint8Array.from({ length: 63 }, (_, i) => (i * 37) % 256));
    const png = encodePng(img);
    expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
    expect(png[25]).toBe(2);  // IHDR colour type: RGB
    const back = decodeImage(png);
    expect([back.width, back.height]).toEqual([7, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('writes IHDR, IDAT and IEND only: no text chunks, no time, no profile', () => {
    expect(pngChunkTypes(encodePng(smooth))).toEqual(['IHDR', 'IDAT', 'IEND']);
  });
});

describe('encodeJpeg', () => {
  it('writes SOI, the JFIF APP0, tables, SOF0 and a scan: no APP1 (EXIF, XMP), no COM', () => {
    const markers = jpegMarkers(encodeJpeg(smooth));
    expect(markers[0]).toBe(0xd8);
    expect(markers[1]).toBe(0xe0);
    expect(markers).toContain(0xc0);
    expect(markers.at(-1)).toBe(0xd9);
    expect(markers.filter((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe)).toEqual([]);
  });

  it('decodes back to the picture within a few levels (quality 90)', () => {
    const back = decodeImage(encodeJpeg(smooth));
    expect([back.width, back.height]).toEqual([40, 24]);
    let worst = 0;
    for (let i = 0; i < back.data.length; i++) worst = Math.max(worst, Math.abs(back.data[i] - smooth.data[i]));
    expect(worst).toBeLessThanOrEqual(4);
  });

  it('an EXIF-rotated photo comes out upright, without its EXIF', () => {
    // two flat blocks side by side (16×8), orientation 6: displayed 8 wide, 16 high
    const sideways = withExifOrientation(flatJpeg([[200, 128, 128], [50, 128, 128]]), 6, 'MM');
    expect(jpegMarkers(sideways)).toContain(0xe1);
    const upright = decodeImage(sideways);
    const again = encodeImage(upright, 'jpeg');
    expect(jpegMarkers(again)).not.toContain(0xe1);
    const back = decodeImage(again);
    expect([back.width, back.height]).toEqual([8, 16]);
    expect(Array.from(back.data.subarray(0, 3))).toEqual(Array.from(upright.data.subarray(0, 3)));
  });
});
