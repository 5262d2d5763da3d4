import { describe, expect, it } from 'vitest';
import { BOX_COLOUR } from '../../src/image/draw.js';
import { decodeImage } from '../../src/image/decode.js';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { positiveAnchors } from '../../src/train/assign-anchor-fpn.js';
import { ANCHOR_COLOURS, NO_LANDMARKS_COLOUR, drawTrainingCrop } from '../../src/train/draw-crop.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { readGoldenF32 } from '../helpers/golden.js';

const CASE = 'train-crop-t1-s1.0';
const STRIDES = [32, 16, 8];
const CROP = { height: 640, width: 640 };

/** The golden positive anchors of one stride: rows of anchors/plane_640x640 whose golden label is 1. */
function goldenPositives(stride: number): number[][] {
  const plane = readGoldenF32('anchors', `plane_640x640_stride${stride}.npy`).data;
  const labels = readGoldenF32(CASE, `face_label_stride${stride}.npy`).data;
  const K = (640 / stride) ** 2;
  const A = plane.length / 4 / K;
  const rows: number[][] = [];
  // plane row (y·W + x)·A + a = k·A + a; label a·K + k
  for (let k = 0; k < K; k++) for (let a = 0; a < A; a++) if (labels[a * K + k] === 1) rows.push(Array.from(plane.subarray((k * A + a) * 4, (k * A + a) * 4 + 4)));
  return rows.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
}

function goldenTargets(): Map<string, Tensor> {
  return new Map(STRIDES.map((s) => {
    const t = readGoldenF32(CASE, `face_label_stride${s}.npy`);
    return [`face_label_stride${s}`, tensor(t.shape, t.data)];
  }));
}

/** The golden crop (float32 NCHW 0..255) as an RGB image. */
function goldenCrop(): RgbImage {
  const crop = readGoldenF32(CASE, 'crop.npy').data;
  const img = rgbImage(640, 640);
  for (let c = 0; c < 3; c++) for (let i = 0; i < 640 * 640; i++) img.data[i * 3 + c] = crop[c * 640 * 640 + i];
  return img;
}

function pixel(img: RgbImage, x: number, y: number): number[] {
  return Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
}

describe('positiveAnchors', () => {
  it(`${CASE}: the anchors labelled 1, per stride, are the golden plane rows with golden label 1`, () => {
    const ours = positiveAnchors(goldenTargets(), CROP);
    expect(ours.map((l) => l.stride)).toEqual(STRIDES);
    for (const { stride, boxes } of ours) {
      const rows = Array.from({ length: boxes.length / 4 }, (_, i) => Array.from(boxes.subarray(i * 4, i * 4 + 4)));
      expect(rows.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2])).toEqual(goldenPositives(stride));
    }
    expect(ours.reduce((n, l) => n + l.boxes.length / 4, 0)).toBeGreaterThan(0);
  });
});

describe('drawTrainingCrop (crop.png)', () => {
  const boxes = readGoldenF32(CASE, 'boxes.npy').data;
  const landmarks = readGoldenF32(CASE, 'landmarks.npy').data;
  const crop = { image: goldenCrop(), imScale: readGoldenF32(CASE, 'im_scale.npy').data[0], boxes, landmarks, brightness: 1 };
  const png = decodeImage(drawTrainingCrop(crop, positiveAnchors(goldenTargets(), CROP)), { where: 'crop.png' });

  it('is the 640x640 crop', () => {
    expect([png.width, png.height]).toEqual([640, 640]);
    // a pixel far from every face and from the legend keeps the crop's colour
    expect(pixel(png, 320, 560)).toEqual(pixel(crop.image, 320, 560));
  });

  it('draws each kept face box green, white when its landmarks are missing (golden flags)', () => {
    const faces = boxes.length / 4;
    expect(faces).toBeGreaterThan(1);
    let sawMissing = false;
    for (let i = 0; i < faces; i++) {
      const [x1, y1, x2, y2] = Array.from(boxes.subarray(i * 4, i * 4 + 4), Math.round);
      const missing = landmarks[i * 15 + 2] < 0;
      sawMissing ||= missing;
      // the middle of the box's top and left edges (inside the crop)
      const colour = missing ? NO_LANDMARKS_COLOUR : BOX_COLOUR;
      expect(pixel(png, Math.round((x1 + x2) / 2), Math.max(0, y1)), `face ${i} top edge`).toEqual(Array.from(colour));
      expect(pixel(png, Math.max(0, x1), Math.round((y1 + y2) / 2)), `face ${i} left edge`).toEqual(Array.from(colour));
    }
    expect(sawMissing).toBe(true);
  });

  it('outlines every golden positive anchor in its stride colour and shows the legend', () => {
    for (const stride of STRIDES) {
      const colour = Array.from(ANCHOR_COLOURS.get(stride)!);
      for (const [x1, y1, x2, y2] of goldenPositives(stride).map((r) => r.map(Math.round))) {
        const outline: number[][] = [];
        for (let x = Math.max(0, x1); x <= Math.min(639, x2); x++) outline.push(pixel(png, x, Math.max(0, y1)), pixel(png, x, Math.min(639, y2)));
        for (let y = Math.max(0, y1); y <= Math.min(639, y2); y++) outline.push(pixel(png, Math.max(0, x1), y), pixel(png, Math.min(639, x2), y));
        expect(outline.some((p) => p.every((v, c) => v === colour[c])), `stride ${stride} anchor ${[x1, y1, x2, y2]}`).toBe(true);
      }
      // the legend: a swatch of every stride's colour in the bottom-left corner
      let swatch = 0;
      for (let y = 600; y < 640; y++) for (let x = 0; x < 120; x++) if (pixel(png, x, y).every((v, c) => v === colour[c])) swatch++;
      expect(swatch, `legend swatch of stride ${stride}`).toBeGreaterThan(50);
    }
  });
});
