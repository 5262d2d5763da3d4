import { describe, expect, it } from 'vitest';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import { bboxVote } from '../../src/anchors/bbox-vote.js';
import { expectTensorClose, readGoldenF64, readGoldenFloat, readManifest } from '../helpers/golden.js';

describe('bbox_vote', () => {
  it('postprocess-cases/vote_out_0.4: 5 clusters and an isolated box, float64 to 1e-12', () => {
    const input = readGoldenF64('postprocess-cases', 'vote_in.npy');
    const out = readGoldenF64('postprocess-cases', 'vote_out_0.4.npy');
    const ours = bboxVote(input.data, 0.4);
    expectTensorClose('vote_out_0.4', { shape: [ours.length / 5, 5], data: ours }, out, 1e-12);
  });

  it('postprocess-cases/vote_isolated_out_0.4: only the last of three isolated boxes survives', () => {
    const ours = bboxVote(readGoldenF64('postprocess-cases', 'vote_isolated_in.npy').data, 0.4);
    expect(Array.from(ours)).toEqual(Array.from(readGoldenF64('postprocess-cases', 'vote_isolated_out_0.4.npy').data));
  });

  it('postprocess-cases/vote_empty_out_0.4: no boxes in, none out', () => {
    expect(readGoldenF64('postprocess-cases', 'vote_empty_out_0.4.npy').shape).toEqual([0, 5]);
    expect(bboxVote(new Float64Array(0), 0.4).length).toBe(0);
  });

  it('postprocess/vote_0.4 (the original run on float32 input) to float32 rounding', () => {
    const input = readGoldenFloat('postprocess', 'vote_in.npy');
    const out = readGoldenFloat('postprocess', 'vote_0.4.npy');
    const ours = bboxVote(input.data, 0.4);
    expectTensorClose('vote_0.4', { shape: [ours.length / 5, 5], data: ours }, out, 1e-6);
  });

  it('stops at 750 output rows', () => {
    // 1000 disjoint pairs of identical boxes: each pair votes into one row
    const det = new Float64Array(2000 * 5);
    for (let i = 0; i < 2000; i++) {
      const p = Math.floor(i / 2);
      det.set([p * 20, 0, p * 20 + 9, 9, 1 - i / 4000], i * 5);
    }
    expect(bboxVote(det, 0.4).length).toBe(750 * 5);
  });
});

describe('bbox_overlaps', () => {
  it('hand-checked pairs: identical, +1 widths, touching, disjoint', () => {
    const boxes = [0, 0, 9, 9, 5, 0, 14, 9];
    const query = [0, 0, 9, 9, 10, 0, 19, 9, 9, 9, 9, 9];
    // row 0 (0..9): identical 1; (10..19) starts one past its last pixel: 0; the one-pixel box (9, 9)
    // inside it: 1/100. Row 1 (5..14): 5 columns x 10 rows shared with each of the first two,
    // 50 / (100 + 100 - 50); contains (9, 9): 1/100.
    expect(Array.from(bboxOverlaps(boxes, query))).toEqual([1, 0, 1 / 100, 50 / 150, 50 / 150, 1 / 100]);
  });

  it('gives the best IoU per ground-truth box that train-targets records', () => {
    // The golden 640x640 training case: the golden anchors of all strides vs its kept ground truth.
    const m = readManifest('train-targets');
    const anchors = [32, 16, 8].flatMap((s) => Array.from(readGoldenFloat('anchors', `plane_640x640_stride${s}.npy`).data));
    const gts: { gt: number[]; positives: number; best_iou: number }[] = m.positives_per_kept_gt;
    const overlaps = bboxOverlaps(anchors, gts.flatMap((g) => g.gt));
    gts.forEach((g, k) => {
      let best = 0;
      for (let n = 0; n < anchors.length / 4; n++) best = Math.max(best, overlaps[n * gts.length + k]);
      expect(best, `gt ${g.gt}`).toBeCloseTo(g.best_iou, 14);
    });
  });
});
