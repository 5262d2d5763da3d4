import jpegJs from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { exifOrientation } from '../../src/image/exif.js';
import { withExifOrientation } from './make-image.js';

// A 32×16 JPEG: gray, with a red 8×8 block in the stored top-left corner and a green one in the
// stored top-right corner.
const W = 32;
const H = 16;
const stored = (() => {
  const rgba = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 4;
      const red = y < 8 && x < 8;
      const green = y < 8 && x >= W - 8;
      rgba.set(red ? [255, 0, 0, 255] : green ? [0, 255, 0, 255] : [128, 128, 128, 255], i);
    }
  }
  return new Uint8Array(jpegJs.encode({ width: W, height: H, data: rgba }, 95).data);
})();

type Corner = 'TL' | 'TR' | 'BL' | 'BR';
// Where the stored top-left (red) and top-right (green) corners are displayed, read off the EXIF
// definition "row 0 is visually <a>, column 0 is visually <b>" for each value.
const DISPLAYED: Record<number, { size: [number, number]; red: Corner; green: Corner; meaning: string }> = {
  1: { size: [W, H], red: 'TL', green: 'TR', meaning: 'row 0 top, column 0 left' },
  2: { size: [W, H], red: 'TR', green: 'TL', meaning: 'row 0 top, column 0 right' },
  3: { size: [W, H], red: 'BR', green: 'BL', meaning: 'row 0 bottom, column 0 right' },
  4: { size: [W, H], red: 'BL', green: 'BR', meaning: 'row 0 bottom, column 0 left' },
  5: { size: [H, W], red: 'TL', green: 'BL', meaning: 'row 0 left, column 0 top' },
  6: { size: [H, W], red: 'TR', green: 'BR', meaning: 'row 0 right, column 0 top' },
  7: { size: [H, W], red: 'BR', green: 'TR', meaning: 'row 0 right, column 0 bottom' },
  8: { size: [H, W], red: 'BL', green: 'TL', meaning: 'row 0 left, column 0 bottom' },
};

/** The colour at the centre of the 8×8 block in a corner: 'red', 'green' or 'gray'. */
function cornerColour(img: { width: number; height: number; data: Uint8Array }, corner: Corner): string {
  const y = corner[0] === 'T' ? 4 : img.height - 4;
  const x = corner[1] === 'L' ? 4 : img.width - 4;
  const i = (y * img.width + x) * 3;
  const [r, g] = [img.data[i], img.data[i + 1]];
  return r > 180 && g < 80 ? 'red' : g > 180 && r < 80 ? 'green' : 'gray';
}

describe('EXIF orientation applied by decodeImage (as cv2.imread does)', () => {
  for (const byteOrder of ['II', 'MM'] as const) {
    for (let o = 1; o <= 8; o++) {
      const { size, red, green, meaning } = DISPLAYED[o];
      it(`orientation ${o} (${meaning}), ${byteOrder}: red block at ${red}, green at ${green}`, () => {
        const img = decodeImage(withExifOrientation(stored, o, byteOrder));
        expect([img.width, img.height]).toEqual(size);
        expect(cornerColour(img, red)).toBe('red');
        expect(cornerColour(img, green)).toBe('green');
        const others = (['TL', 'TR', 'BL', 'BR'] as Corner[]).filter((c) => c !== red && c !== green);
        for (const c of others) expect(cornerColour(img, c)).toBe('gray');
      });
    }
  }

  it('exif: false keeps the stored pixels', () => {
    const img = decodeImage(withExifOrientation(stored, 6, 'II'), { exif: false });
    expect([img.width, img.height]).toEqual([W, H]);
    expect(cornerColour(img, 'TL')).toBe('red');
  });

  it('a malformed or absent Orientation reads as 1 and never stops decoding', () => {
    expect(exifOrientation(new Uint8Array(0))).toBe(1);
    expect(exifOrientation(Uint8Array.from([0x49, 0x49, 0x2a, 0, 0xff, 0xff, 0, 0]))).toBe(1);  // IFD0 past the end
    expect(exifOrientation(new TextEncoder().encode('XX*\0\x08\0\0\0'))).toBe(1);                 // no byte order
    const bad = withExifOrientation(stored, 9, 'MM');  // 9 is not an orientation
    expect(decodeImage(bad).width).toBe(W);
  });
});
