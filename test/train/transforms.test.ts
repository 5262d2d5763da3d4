import { describe, it } from 'vitest';
import { landmarkTransform, nonlinearTransform } from '../../src/train/transforms.js';
import { expectTensorClose, readGoldenF32 } from '../helpers/golden.js';

const CASE = 'train-transforms';

describe('train-transforms (50 random anchor / ground-truth pairs)', () => {
  const exRois = readGoldenF32(CASE, 'ex_rois.npy');
  const gtRois = readGoldenF32(CASE, 'gt_rois.npy');

  it('nonlinear_transform', () => {
    const golden = readGoldenF32(CASE, 'nonlinear_transform.npy');
    const ours = nonlinearTransform(exRois.data, gtRois.data, gtRois.shape[1]);
    expectTensorClose('nonlinear_transform', { shape: [ours.length / 4, 4], data: ours }, golden, 1e-5);
  });

  it('landmark_transform', () => {
    const gtLandmarks = readGoldenF32(CASE, 'gt_landmarks.npy');
    const golden = readGoldenF32(CASE, 'landmark_transform.npy');
    const ours = landmarkTransform(exRois.data, gtLandmarks.data);
    expectTensorClose('landmark_transform', { shape: [ours.length / 10, 10], data: ours }, golden, 1e-5);
  });
});
