import { describe, expect, it } from 'vitest';
import { argsort } from '../../src/anchors/argsort.js';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import { argsortDescending, cpuNms } from '../../src/anchors/nms.js';
import { mulberry32 } from '../helpers/random.js';
import { readGoldenF32, readGoldenIndices } from '../helpers/golden.js';

const EDGE_CASES = [
  'empty', 'single', 'identical_equal_scores', 'equal_scores_disjoint', 'iou_exactly_0.4', 'iou_exactly_0.5',
  'iou_just_below_0.4', 'zero_area_and_one_pixel', 'fractional_coords',
];

describe('cpu_nms against the golden kept indices', () => {
  for (const t of ['0.3', '0.4', '0.5']) {
    it(`postprocess-cases: 300 clustered boxes at ${t}`, () => {
      const dets = readGoldenF32('postprocess-cases', 'nms_dets.npy');
      expect(cpuNms(dets.data, Number(t))).toEqual(readGoldenIndices('postprocess-cases', `nms_keep_${t}.npy`));
    });
    it(`postprocess: 40 random boxes at ${t}`, () => {
      const dets = readGoldenF32('postprocess', 'nms_dets.npy');
      expect(cpuNms(dets.data, Number(t))).toEqual(readGoldenIndices('postprocess', `nms_keep_${t}.npy`));
    });
  }

  for (const name of EDGE_CASES) {
    for (const t of ['0.4', '0.5']) {
      it(`edge case ${name} at ${t}`, () => {
        const dets = readGoldenF32('postprocess-cases', `nms_edge_${name}_dets.npy`);
        expect(cpuNms(dets.data, Number(t))).toEqual(readGoldenIndices('postprocess-cases', `nms_edge_${name}_keep_${t}.npy`));
      });
    }
  }

  for (const photo of ['t1', 't3', 't4', 't6']) {
    it(`heads-${photo}: the detector's own pre_nms proposals give nms_keep and faces`, () => {
      const preNms = readGoldenF32(`heads-${photo}`, 'pre_nms.npy');
      const keep = cpuNms(preNms.data, 0.4);
      expect(keep).toEqual(readGoldenIndices(`heads-${photo}`, 'nms_keep.npy'));
      const faces = readGoldenF32(`heads-${photo}`, 'faces.npy');
      expect(Array.from(faces.data)).toEqual(keep.flatMap((i) => Array.from(preNms.data.subarray(i * 5, i * 5 + 5))));
    });
  }

  it('postprocess/nms_edge (identical, IoU exactly 0.4, one-pixel boxes) at 0.4', () => {
    const dets = readGoldenF32('postprocess', 'nms_edge_dets.npy');
    expect(cpuNms(dets.data, 0.4)).toEqual(readGoldenIndices('postprocess', 'nms_edge_keep_0.4.npy'));
  });

  it('differs from the pure-numpy nms exactly at IoU = threshold (>= vs >)', () => {
    const dets = readGoldenF32('postprocess-cases', 'nms_edge_iou_exactly_0.4_dets.npy');
    expect(cpuNms(dets.data, 0.4)).toEqual([0]);
    expect(readGoldenIndices('postprocess-cases', 'nms_edge_iou_exactly_0.4_pykeep_0.4.npy')).toEqual([0, 1]);
  });
});

describe('cpu_nms properties', () => {
  /** n random boxes in a few clusters, with float32 scores. */
  function randomDets(n: number, seed: number): Float32Array {
    const rand = mulberry32(seed);
    const dets = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      const cx = 50 + 100 * Math.floor(rand() * 4) + rand() * 20;
      const cy = 50 + 100 * Math.floor(rand() * 3) + rand() * 20;
      const w = 20 + rand() * 40;
      const h = 20 + rand() * 40;
      dets.set([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, rand()], i * 5);
    }
    return dets;
  }

  for (const seed of [1, 2, 3]) {
    for (const thresh of [0.3, 0.4, 0.5]) {
      it(`seed ${seed}, thresh ${thresh}: kept pairs overlap below thresh, in score order, others suppressed`, () => {
        const dets = randomDets(200, seed);
        const keep = cpuNms(dets, thresh);
        const boxes = (idx: number[]): number[] => idx.flatMap((i) => Array.from(dets.subarray(i * 5, i * 5 + 4)));
        const kept = boxes(keep);
        const iou = bboxOverlaps(kept, kept);
        for (let a = 0; a < keep.length; a++) {
          for (let b = a + 1; b < keep.length; b++) expect(iou[a * keep.length + b], `seed ${seed} pair ${a},${b}`).toBeLessThan(thresh);
          if (a > 0) expect(dets[keep[a - 1] * 5 + 4]).toBeGreaterThanOrEqual(dets[keep[a] * 5 + 4]);
        }
        // every dropped box overlaps some higher-scored kept box at >= thresh (float64 IoU here,
        // so allow the float32 rounding of the original's IoU)
        const dropped = Array.from({ length: 200 }, (_, i) => i).filter((i) => !keep.includes(i));
        const cross = bboxOverlaps(boxes(dropped), kept);
        dropped.forEach((d, r) => {
          const covered = keep.some((k, c) => dets[k * 5 + 4] >= dets[d * 5 + 4] && cross[r * keep.length + c] >= thresh - 1e-6);
          expect(covered, `seed ${seed} dropped ${d}`).toBe(true);
        });
      });
    }
  }
});

describe('argsort (numpy 1.24 quicksort)', () => {
  it('keeps ties in index order for n <= 16, so argsortDescending puts the last index first', () => {
    expect(Array.from(argsort([0.5, 0.5, 0.5]))).toEqual([0, 1, 2]);
    expect(Array.from(argsortDescending(new Float32Array([0.5, 0.5, 0.5, 0.9])))).toEqual([3, 2, 1, 0]);
    const sixteen = new Float32Array(16).fill(0.7);
    expect(Array.from(argsort(sixteen))).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('sorts NaN after every number, like numpy', () => {
    expect(Array.from(argsort([3, NaN, 1, -Infinity, 2]))).toEqual([3, 2, 4, 0, 1]);
  });

  for (const [n, seed, levels] of [[17, 1, 3], [300, 2, 0], [1000, 3, 5], [5000, 4, 0], [4096, 5, 2]]) {
    it(`n=${n} seed=${seed}${levels ? ` (${levels} distinct values)` : ''}: a permutation that sorts ascending`, () => {
      const rand = mulberry32(seed);
      const v = Float32Array.from({ length: n }, () => (levels ? Math.floor(rand() * levels) : rand()));
      const idx = argsort(v);
      expect(new Set(idx).size).toBe(n);
      for (let i = 1; i < n; i++) expect(v[idx[i - 1]] <= v[idx[i]], `n=${n} seed=${seed} at ${i}`).toBe(true);
    });
  }

  it('sorts already sorted, reversed and organ-pipe inputs', () => {
    const n = 2000;
    for (const v of [
      Float32Array.from({ length: n }, (_, i) => i),
      Float32Array.from({ length: n }, (_, i) => n - i),
      Float32Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
    ]) {
      const idx = argsort(v);
      for (let i = 1; i < n; i++) expect(v[idx[i - 1]] <= v[idx[i]]).toBe(true);
    }
  });
});
