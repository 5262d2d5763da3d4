import { describe, expect, it } from 'vitest';
import { mirrored, resizeGeometry, resizeLinear, resizeTaps, resizeWithTaps, roundHalfEven } from '../../src/image/resize.js';
import { rgbImage } from '../../src/image/rgb-image.js';
import { expectSameImage, goldenImage, goldenResizeCases } from './golden-image.js';
import { readManifest } from '../helpers/golden.js';


describe('resizeLinear vs golden resize/ (cv2.resize INTER_LINEAR, bit-exact)', () => {
  const src = goldenImage('resize', 'src.npy');
  for (const { file, what, target } of goldenResizeCases()) {
    it(`${file}: ${what}`, () => {
      expectSameImage(file, resizeLinear(src, target), goldenImage('resize', file));
    });
  }
});

describe('resizeLinear vs golden heads-*/resized.npy at the manifest im_scale (the detector input)', () => {
  for (const c of ['heads-t1', 'heads-t3', 'heads-t4', 'heads-t6']) {
    it(c, () => {
      const imScale = readManifest(c).input.im_scale;
      expectSameImage(`${c}/resized.npy`, resizeLinear(goldenImage(c, 'pixels.npy'), { fx: imScale, fy: imScale }), goldenImage(c, 'resized.npy'));
    });
  }
});

describe('resize geometry', () => {
  it('rounds the destination half to even like saturate_cast<int>', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 2, 3]);
    expect(resizeGeometry(161, 5, { fx: 0.5, fy: 0.5 })).toMatchObject({ DW: 80, DH: 2 });
    expect(resizeGeometry(163, 7, { fx: 0.5, fy: 0.5 })).toMatchObject({ DW: 82, DH: 4 });
  });

  it('maps coordinates with 1/fx when given factors, W/DW when given a size', () => {
    const g = resizeGeometry(160, 120, { fx: 0.37, fy: 0.37 });
    expect(g.DW).toBe(59);
    expect(g.scaleX).toBe(1 / 0.37);
    expect(resizeGeometry(160, 120, { width: 59, height: 44 }).scaleX).toBe(160 / 59);
  });

  it('a same-size resize is a copy', () => {
    const img = rgbImage(3, 2, Uint8Array.from({ length: 18 }, (_, i) => i * 13));
    const out = resizeLinear(img, { fx: 1.1, fy: 1.1 });
    expect(out.data).toEqual(img.data);
    expect(out.data).not.toBe(img.data);
  });

  it('taps of a same-size target give the copy; mirrored column taps give the resized image mirrored', () => {
    const img = rgbImage(5, 3, Uint8Array.from({ length: 45 }, (_, i) => (i * 37) % 256));
    expect(resizeWithTaps(img, resizeTaps(5, 3, { fx: 1.05, fy: 1.05 })).data).toEqual(img.data);
    const taps = resizeTaps(5, 3, { fx: 1.7, fy: 0.7 });
    const plain = resizeWithTaps(img, taps);
    const flipped = resizeWithTaps(img, { columns: mirrored(taps.columns), rows: taps.rows });
    for (let y = 0; y < plain.height; y++) {
      for (let x = 0; x < plain.width; x++) {
        for (let c = 0; c < 3; c++) expect(flipped.data[(y * plain.width + x) * 3 + c]).toBe(plain.data[(y * plain.width + plain.width - 1 - x) * 3 + c]);
      }
    }
  });

  it('a 1×1 source fills the destination with its colour', () => {
    const out = resizeLinear(rgbImage(1, 1, Uint8Array.of(10, 200, 255)), { width: 4, height: 3 });
    for (let i = 0; i < 12; i++) expect(out.data[i]).toBe([10, 200, 255][i % 3]);
  });

  it('refuses empty or non-finite targets with an OPTION error', () => {
    const img = rgbImage(4, 4);
    expect(() => resizeLinear(img, { fx: 0.01, fy: 0.01 })).toThrow(/empty 0x0 image/);
    expect(() => resizeLinear(img, { fx: NaN, fy: 1 })).toThrow(/positive and finite/);
    expect(() => resizeLinear(img, { width: 0, height: 3 })).toThrow(/positive integers/);
  });
});
