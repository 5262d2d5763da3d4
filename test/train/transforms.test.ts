import { describe, it } from 'vitest';
import { landmarkTransform, nonlinearTransform } from '../../src/train/transforms.js';
import { expectTensorClose } from '../helpers/golden.js';
import { goldenF32 } from './golden-arrays.js';

const CASE = 'train-transforms';

describe('train-transforms (50 random anchor / ground-truth pairs)', () => {
  const exRois = goldenF32(CASE, 'ex_rois.npy');
  const gtRois = goldenF32(CASE, 'gt_rois.npy');

  it('nonlinear_transform', () => {
    const golden = goldenF32(CASE, 'nonlinear_transform.npy');
    const ours = nonlinearTransform(exRois.data, gtRois.data, gtRois.shape[1]);
    expectTensorClose('nonlinear_transform', { shape: golden.shape, data: ours }, golden, 1e-5);
  });

  it('landmark_transform', () => {
    const gtLandmarks = goldenF32(CASE, 'gt_landmarks.npy');
    const golden = goldenF32(CASE, 'landmark_transform.npy');
    const ours = landmarkTransform(exRois.data, gtLandmarks.data);
    expectTensorClose('landmark_transform', { shape: golden.shape, data: ours }, golden, 1e-5);
  });
});
