import { describe, expect, it } from 'vitest';
import { bboxPred, clipBoxes } from '../../src/anchors/bbox-pred.js';
import { landmarkPred } from '../../src/anchors/landmark-pred.js';
import { expectTensorClose, readGoldenF32, readGoldenF64 } from '../helpers/golden.js';

/** Count of elements that differ from the golden (exact comparison, NaN equal to NaN). */
function mismatches(ours: ArrayLike<number>, golden: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < golden.length; i++) if (!Object.is(ours[i], golden[i]) && ours[i] !== golden[i]) n++;
  return n;
}

describe('bbox_pred', () => {
  it('postprocess-cases/bbox_pred_out (float64, random and extreme deltas) to 1e-12', () => {
    const boxes = readGoldenF32('postprocess-cases', 'bbox_pred_boxes.npy');
    const deltas = readGoldenF32('postprocess-cases', 'bbox_pred_deltas.npy');
    const golden = readGoldenF64('postprocess-cases', 'bbox_pred_out.npy');
    const ours = bboxPred(boxes.data, deltas.data);
    expectTensorClose('bbox_pred_out', { shape: [ours.length / 4, 4], data: ours }, golden, 1e-12);
  });

  it('postprocess/bbox_pred (stored as float32) to float32 rounding', () => {
    const boxes = readGoldenF32('postprocess', 'boxes.npy');
    const deltas = readGoldenF32('postprocess', 'deltas.npy');
    const golden = readGoldenF32('postprocess', 'bbox_pred.npy');
    const ours = Float32Array.from(bboxPred(boxes.data, deltas.data));
    expect(mismatches(ours, golden.data)).toBe(0);
  });

  it('decodes zero deltas to the anchor itself and an empty input to (0, 4)', () => {
    const anchor = new Float32Array([-248, -248, 263, 263, 0, 0, 0, 0]);
    expect(Array.from(bboxPred(anchor, new Float32Array(8)))).toEqual(Array.from(anchor));
    expect(bboxPred(new Float32Array(0), new Float32Array(0)).length).toBe(0);
    expect(readGoldenF64('postprocess-cases', 'bbox_pred_empty_out.npy').shape).toEqual([0, 4]);
  });
});

describe('clip_boxes', () => {
  it('postprocess-cases/clip_out_h200_w250: out of range, boundary, inverted boxes, exactly', () => {
    const input = readGoldenF64('postprocess-cases', 'clip_in.npy');
    const golden = readGoldenF64('postprocess-cases', 'clip_out_h200_w250.npy');
    const ours = clipBoxes(Float64Array.from(input.data), 200, 250);
    expect(Array.from(ours)).toEqual(Array.from(golden.data));
  });

  it('postprocess/clip_200x250 exactly', () => {
    const input = readGoldenF32('postprocess', 'clip_in.npy');
    const golden = readGoldenF32('postprocess', 'clip_200x250.npy');
    expect(mismatches(Float32Array.from(clipBoxes(Float64Array.from(input.data), 200, 250)), golden.data)).toBe(0);
  });

  it('clips in place and returns the same array; empty stays empty', () => {
    const boxes = new Float64Array([-5, -5, 300, 300]);
    expect(clipBoxes(boxes, 100, 200)).toBe(boxes);
    expect(Array.from(boxes)).toEqual([0, 0, 199, 99]);
    expect(clipBoxes(new Float64Array(0), 200, 250).length).toBe(0);
  });
});

describe('landmark_pred', () => {
  it('postprocess-cases/landmark_pred_out: float64 arithmetic stored in float32, bit for bit', () => {
    const boxes = readGoldenF32('postprocess-cases', 'bbox_pred_boxes.npy');
    const deltas = readGoldenF32('postprocess-cases', 'landmark_pred_deltas.npy');
    const golden = readGoldenF32('postprocess-cases', 'landmark_pred_out.npy');
    const ours = landmarkPred(boxes.data, deltas.data);
    expect(ours.length).toBe(golden.data.length);
    expect(mismatches(ours, golden.data)).toBe(0);
  });

  it('postprocess/landmark_pred bit for bit', () => {
    const boxes = readGoldenF32('postprocess', 'boxes.npy');
    const deltas = readGoldenF32('postprocess', 'landmark_deltas.npy');
    const golden = readGoldenF32('postprocess', 'landmark_pred.npy');
    expect(mismatches(landmarkPred(boxes.data, deltas.data), golden.data)).toBe(0);
  });

  it('puts zero deltas at the anchor centre', () => {
    const out = landmarkPred(new Float32Array([0, 0, 15, 9]), new Float32Array(10));
    expect(Array.from(out)).toEqual([7.5, 4.5, 7.5, 4.5, 7.5, 4.5, 7.5, 4.5, 7.5, 4.5]);
  });
});
