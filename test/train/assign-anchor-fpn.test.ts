import { describe, expect, it } from 'vitest';
import { assignAnchorFpn } from '../../src/train/assign-anchor-fpn.js';
import { cropGtLabel } from '../../src/train/crop.js';
import { TRAIN_CONFIG } from '../../src/train/config.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectTensorClose, readManifest } from '../helpers/golden.js';
import { goldenF32 } from './golden-arrays.js';

const KINDS = ['label', 'bbox_target', 'bbox_weight', 'landmark_target', 'landmark_weight'];
const NAMES = KINDS.flatMap((k) => [`face_${k}`, ...[32, 16, 8].map((s) => `face_${k}_stride${s}`)]);
const CROP = { height: 640, width: 640 };

/** Labels and weights must match exactly, targets to 1e-5 of the tensor's scale. */
function expectTargets(caseName: string, ours: Map<string, Tensor>): void {
  for (const name of NAMES) {
    const golden = goldenF32(caseName, `${name}.npy`);
    const tensor = ours.get(name);
    if (tensor === undefined) throw new Error(`${caseName}: no ${name} in our output`);
    const exact = !name.includes('target');
    expectTensorClose(`${caseName}/${name}`, tensor, golden, exact ? 0 : 1e-5);
  }
}

describe('assign_anchor_fpn', () => {
  it('train-targets: 7 hand-made faces (occluded, missing landmarks, class -1, fractional, unmatched sliver)', () => {
    const ours = assignAnchorFpn(
      { gtBoxes: goldenF32('train-targets', 'gt_boxes.npy').data, gtLandmarks: goldenF32('train-targets', 'gt_landmarks.npy').data },
      CROP,
    );
    expectTargets('train-targets', ours);
    const counts = readManifest('train-targets').label_counts;
    const labels = ours.get('face_label')!.data;
    expect([1, 0, -1].map((v) => labels.filter((l) => l === v).length)).toEqual([counts.positive, counts.negative, counts.ignore]);
  });

  it('train-targets-no-gt: every label 0, all targets and weights 0', () => {
    const ours = assignAnchorFpn({ gtBoxes: new Float32Array(0), gtLandmarks: new Float32Array(0) }, CROP);
    expectTargets('train-targets-no-gt', ours);
  });

  for (const caseName of ['train-crop-t1-s1.0', 'train-crop-t1-s0.6']) {
    it(`${caseName}: targets of the kept boxes`, () => {
      const crop = { boxes: goldenF32(caseName, 'boxes.npy').data, landmarks: goldenF32(caseName, 'landmarks.npy').data };
      expectTargets(caseName, assignAnchorFpn(cropGtLabel(crop), CROP));
    });
  }

  it('RPN_FORCE_POSITIVE makes the 10x70 sliver (best IoU 0.228) own a positive anchor', () => {
    const gtBoxes = new Float32Array([100, 400, 109, 469, 1]);
    const gtLandmarks = new Float32Array(15).fill(-1);
    const plain = assignAnchorFpn({ gtBoxes, gtLandmarks }, CROP).get('face_label')!.data;
    const forced = assignAnchorFpn({ gtBoxes, gtLandmarks }, CROP, { ...TRAIN_CONFIG, RPN_FORCE_POSITIVE: true }).get('face_label')!.data;
    expect(plain.filter((l) => l === 1).length).toBe(0);
    expect(forced.filter((l) => l === 1).length).toBeGreaterThan(0);
  });
});
