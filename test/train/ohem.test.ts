import { describe, expect, it } from 'vitest';
import { TRAIN_CONFIG } from '../../src/train/config.js';
import { rpnFpnOhem3 } from '../../src/train/ohem.js';

/** Logits (2, N) whose face-minus-background difference is `fgScore`. */
function logits(fgScore: number[]): Float32Array {
  return Float32Array.from([...fgScore.map(() => 0), ...fgScore]);
}

describe('rpn_fpn_ohem3, mode 1 (hand-checked on a small batch)', () => {
  const config = { ...TRAIN_CONFIG, RPN_BATCH_SIZE: 8, RPN_FG_FRACTION: 0.25 }; // at most 2 faces, then background up to 8

  it('keeps the lowest-scoring faces and the highest-scoring background', () => {
    // A = 2, K = 6: anchor i = a·6 + k
    const labels = Float32Array.from([1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, -1]);
    const score = [0.5, -2, 3, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, -5, 9];
    const r = rpnFpnOhem3(logits(score), labels, 2, config);
    // faces: 0 (0.5), 1 (-2) kept, 2 (3) dropped; background: 6 of the 8, all but the two lowest (3: 0.1, 10: -5)
    expect(Array.from(r.labels)).toEqual([1, 1, -1, -1, 0, 0, 0, 0, 0, 0, -1, -1]);
    expect(r.validCount).toBe(2);
    // anchor weight in position-major order k·A + a: faces are a = 0, k = 0 and 1
    expect(Array.from(r.anchorWeight)).toEqual([1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('leaves the labels alone when they already fit the batch, and does not touch its input', () => {
    const labels = Float32Array.from([1, 0, 0, -1]);
    const r = rpnFpnOhem3(logits([1, 2, 3, 4]), labels, 1, config);
    expect(Array.from(r.labels)).toEqual([1, 0, 0, -1]);
    expect(Array.from(r.anchorWeight)).toEqual([1, 0, 0, 0]);
    expect(Array.from(labels)).toEqual([1, 0, 0, -1]);
  });

  it('drops every background anchor when the faces fill the batch', () => {
    const r = rpnFpnOhem3(logits([0, 0, 0, 0]), Float32Array.from([1, 1, 0, 0]), 1, { ...config, RPN_BATCH_SIZE: 2, RPN_FG_FRACTION: 1 });
    expect(Array.from(r.labels)).toEqual([1, 1, -1, -1]);
  });
});
