import { describe, expect, it } from 'vitest';
import { BOX_COLOUR, drawDetections, drawText, LANDMARK_COLOURS, textSize } from '../../src/image/draw.js';
import { heatmapOverlay, jet } from '../../src/image/heatmap.js';
import { rgbImage } from '../../src/image/rgb-image.js';

const gray = (w: number, h: number) => rgbImage(w, h, new Uint8Array(w * h * 3).fill(100));
const at = (img: { width: number; data: Uint8Array }, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

const face = {
  box: [20.4, 30.2, 79.6, 99.5],
  score: 0.98765,
  landmarks: [[35, 55], [65, 55], [50, 70], [38, 85], [62, 85]],
};

describe('drawDetections', () => {
  it('draws a 2-pixel box and leaves the input untouched', () => {
    const img = gray(120, 120);
    const out = drawDetections(img, [face]);
    expect(img.data.every((v) => v === 100)).toBe(true);
    // box corners rounded to (20, 30) - (80, 100)
    for (const [x, y] of [[50, 30], [50, 31], [50, 100], [50, 99], [20, 60], [21, 60], [80, 60], [79, 60]]) {
      expect(at(out, x, y), `(${x}, ${y})`).toEqual([...BOX_COLOUR]);
    }
    for (const [x, y] of [[50, 32], [50, 98], [22, 60], [78, 60], [50, 45]]) expect(at(out, x, y), `(${x}, ${y})`).toEqual([100, 100, 100]);
  });

  it('draws the five landmarks in five distinct colours, in order', () => {
    const out = drawDetections(gray(120, 120), [face]);
    expect(new Set(LANDMARK_COLOURS.map((c) => c.join())).size).toBe(5);
    face.landmarks.forEach(([x, y], p) => {
      expect(at(out, x, y)).toEqual([...LANDMARK_COLOURS[p]]);
      expect(at(out, x + 2, y)).toEqual([...LANDMARK_COLOURS[p]]);
      expect(at(out, x + 4, y)).toEqual([100, 100, 100]);
    });
  });

  it('writes the score as digits on a label above the box', () => {
    const out = drawDetections(gray(120, 120), [face]);
    const { width, height } = textSize('0.988', 2);
    // label: rows 30 - height - 2 .. 29, from x = 20; text pixels are black
    let black = 0;
    for (let y = 30 - height - 2; y < 30; y++) for (let x = 20; x < 20 + width + 2; x++) if (at(out, x, y).every((v) => v === 0)) black++;
    expect(black).toBeGreaterThan(40);
    // the glyph '0' (first char) has its top row lit: cells (0..2, 0) at scale 2 from (21, 30 - height - 1)
    expect(at(out, 21, 30 - height - 1)).toEqual([0, 0, 0]);
  });

  it('a box partly outside the image is clipped, and the label moves inside at the top edge', () => {
    const out = drawDetections(gray(50, 40), [{ box: [-10, 0, 60, 30], score: 0.5, landmarks: [[-3, -3], [49, 39], [100, 5], [10, 10], [20, 20]] }]);
    expect(at(out, 0, 30)).toEqual([...BOX_COLOUR]);
    expect(at(out, 49, 40 - 15)).toEqual([100, 100, 100]);
  });

  it('grows strokes with big images', () => {
    const out = drawDetections(gray(2000, 100), [{ box: [100, 50, 300, 90], score: 0.9, landmarks: [] }]);
    expect(at(out, 200, 53)).toEqual([...BOX_COLOUR]);  // 4 px thick at unit 2
    expect(at(out, 200, 54)).toEqual([100, 100, 100]);
  });

  it('drawText refuses characters the font lacks', () => {
    expect(() => drawText(gray(10, 10), 0, 0, 'a1', [0, 0, 0], 1)).toThrow(/no glyph for "a"/);
  });
});

describe('heatmapOverlay', () => {
  it('jet at 0, 0.5 and 1 (clamp(1.5 - |4t - c|) for c = 3, 2, 1)', () => {
    expect(jet(0)).toEqual([0, 0, 128]);
    expect(jet(0.5)).toEqual([128, 255, 128]);
    expect(jet(1)).toEqual([128, 0, 0]);
    expect(jet(2)).toEqual([128, 0, 0]);
  });

  it('stretches a 2×2 map over a 4×4 image block by block, blended by alpha', () => {
    const map = { width: 2, height: 2, data: Float32Array.of(0, 1, 1, 0) };
    const out = heatmapOverlay(gray(4, 4), map, { alpha: 1 });
    expect(at(out, 0, 0)).toEqual([0, 0, 128]);
    expect(at(out, 1, 1)).toEqual([0, 0, 128]);
    expect(at(out, 2, 0)).toEqual([128, 0, 0]);
    expect(at(out, 0, 3)).toEqual([128, 0, 0]);
    const half = heatmapOverlay(gray(4, 4), map, { alpha: 0.5, range: [0, 2] });
    expect(at(half, 2, 0)).toEqual([114, 178, 114]);  // jet(0.5) = (128, 255, 128) half over 100
  });
});
