import { describe, expect, it } from 'vitest';
import { ANCHOR_CONFIG } from '../../src/anchors/config.js';
import { generateAnchors, generateAnchorsFpn } from '../../src/anchors/generate-anchors.js';
import { anchorsPlane } from '../../src/anchors/plane.js';
import { readGoldenF32, readManifest } from '../helpers/golden.js';

/** Feature-map side for an input side: ceil(s / 2) per stride-2 convolution (golden anchors manifest). */
function featSize(inputSize: number, stride: number): number {
  let s = inputSize;
  for (let k = 1; k < stride; k *= 2) s = Math.ceil(s / 2);
  return s;
}

describe('generate_anchors_fpn', () => {
  const fpn = generateAnchorsFpn(ANCHOR_CONFIG);

  it('gives the strides largest first, as the heads are ordered', () => {
    expect([...fpn.keys()]).toEqual([32, 16, 8]);
  });

  for (const stride of [32, 16, 8]) {
    it(`base_stride${stride} equals the golden float32 bit for bit`, () => {
      const golden = readGoldenF32('anchors', `base_stride${stride}.npy`);
      expect(golden.shape).toEqual([2, 4]);
      expect(Array.from(fpn.get(stride)!)).toEqual(Array.from(golden.data));
    });
  }

  it('matches the Faster R-CNN table for base 16, ratios (0.5, 1, 2), scales (8, 16, 32)', () => {
    // The table in py-faster-rcnn's generate_anchors.py comment comes from the 1-based Matlab code
    // (reference box (1, 1, 16, 16)); the Python reference box is (0, 0, 15, 15): every coordinate - 1.
    const matlab = [
      [-83, -39, 100, 56], [-175, -87, 192, 104], [-359, -183, 376, 200],
      [-55, -55, 72, 72], [-119, -119, 136, 136], [-247, -247, 264, 264],
      [-35, -79, 52, 96], [-79, -167, 96, 184], [-167, -343, 184, 360],
    ].flat();
    expect(Array.from(generateAnchors(16, [0.5, 1, 2], [8, 16, 32]))).toEqual(matlab.map((v) => v - 1));
  });

  it('rounds half to even like np.round', () => {
    // base 9: area 81, ratio 0.5 -> width round(sqrt(162)) = 13, height round(6.5) = 6 (not 7),
    // centred on (4, 4): x from 4 - 6 to 4 + 6, y from 4 - 2.5 to 4 + 2.5.
    expect(Array.from(generateAnchors(9, [0.5], [1]))).toEqual([-2, 1.5, 10, 6.5]);
  });
});

describe('anchors_plane', () => {
  const fpn = generateAnchorsFpn(ANCHOR_CONFIG);
  const manifest = readManifest('anchors');

  for (const [H, W] of [[640, 640], [333, 517], [517, 333]]) {
    for (const stride of [32, 16, 8]) {
      const file = `plane_${H}x${W}_stride${stride}.npy`;
      it(`${file} equals the golden float32 bit for bit`, () => {
        const golden = readGoldenF32('anchors', file);
        expect(golden.shape).toEqual(manifest.files[file].shape);
        const ours = anchorsPlane(featSize(H, stride), featSize(W, stride), stride, fpn.get(stride)!);
        expect(ours.length).toBe(golden.data.length);
        let mismatches = 0;
        for (let i = 0; i < ours.length; i++) if (ours[i] !== golden.data[i]) mismatches++;
        expect(mismatches).toBe(0);
      });
    }
  }

  it('puts anchor a of position (y, x) at row (y·W + x)·A + a', () => {
    const base = new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]);
    const plane = anchorsPlane(2, 3, 8, base);
    const row = ((1 * 3 + 2) * 2 + 1) * 4; // y 1, x 2, a 1
    expect(Array.from(plane.subarray(row, row + 4))).toEqual([10 + 16, 11 + 8, 12 + 16, 13 + 8]);
    expect(plane.length).toBe(2 * 3 * 2 * 4);
  });
});
