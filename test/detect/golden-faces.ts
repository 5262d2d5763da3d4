/**
 * Golden detections (faces.npy (N, 5), landmarks.npy (N, 5, 2)) and the comparison every detect
 * test uses: same count, each golden face matched to one of ours by IoU (score order can swap
 * where two scores differ in the last float32 bit), then the box, score and landmark distances.
 */
import { expect } from 'vitest';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import type { Face } from '../../src/detect/detect.js';
import { readGoldenF32 } from '../helpers/golden.js';

export interface GoldenFace {
  box: [number, number, number, number];
  score: number;
  landmarks: [number, number][];
}

export function readGoldenFaces(caseName: string, faces = 'faces.npy', landmarks: string | null = 'landmarks.npy'): GoldenFace[] {
  const f = readGoldenF32(caseName, faces);
  const l = landmarks === null ? null : readGoldenF32(caseName, landmarks);
  return Array.from({ length: f.shape[0] }, (_, i) => ({
    box: [f.data[i * 5], f.data[i * 5 + 1], f.data[i * 5 + 2], f.data[i * 5 + 3]],
    score: f.data[i * 5 + 4],
    landmarks: l === null ? [] : Array.from({ length: 5 }, (_, p) => [l.data[i * 10 + 2 * p], l.data[i * 10 + 2 * p + 1]] as [number, number]),
  }));
}

export interface FaceTolerance {
  /** Largest |box coordinate| and |landmark coordinate| difference, px; omit to check IoU only. */
  px?: number;
  /** Smallest IoU of a matched pair. */
  minIou: number;
  score: number;
}

/** Asserts `ours` are the golden faces within `tol`; returns the worst differences seen. */
export function expectSameFaces(label: string, ours: readonly Face[], golden: readonly GoldenFace[], tol: FaceTolerance) {
  expect(ours.length, `${label}: number of faces`).toBe(golden.length);
  const used = new Set<number>();
  let worstPx = 0;
  let worstIou = 1;
  let worstScore = 0;
  for (const [g, ref] of golden.entries()) {
    let best = -1;
    let bestIou = -1;
    for (const [i, face] of ours.entries()) {
      const v = bboxOverlaps(face.box, ref.box)[0]; // the +1 convention
      if (!used.has(i) && v > bestIou) { best = i; bestIou = v; }
    }
    used.add(best);
    const face = ours[best];
    const at = `${label}: golden face ${g} (box ${ref.box.map((v) => v.toFixed(1)).join(',')})`;
    expect(bestIou, `${at} IoU`).toBeGreaterThan(tol.minIou);
    worstIou = Math.min(worstIou, bestIou);
    worstScore = Math.max(worstScore, Math.abs(face.score - ref.score));
    expect(Math.abs(face.score - ref.score), `${at} score ${face.score} vs ${ref.score}`).toBeLessThanOrEqual(tol.score);
    if (tol.px !== undefined) {
      for (let c = 0; c < 4; c++) worstPx = Math.max(worstPx, Math.abs(face.box[c] - ref.box[c]));
      expect(face.landmarks.length, `${at} landmarks`).toBe(ref.landmarks.length);
      for (let p = 0; p < ref.landmarks.length; p++) {
        for (let c = 0; c < 2; c++) worstPx = Math.max(worstPx, Math.abs(face.landmarks[p][c] - ref.landmarks[p][c]));
      }
      expect(worstPx, `${at} px`).toBeLessThanOrEqual(tol.px);
    }
  }
  return { worstPx, worstIou, worstScore };
}
