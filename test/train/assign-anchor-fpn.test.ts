import { describe, expect, it } from 'vitest';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import { assignAnchorFpn, positiveAnchors } from '../../src/train/assign-anchor-fpn.js';
import { cropGtLabel } from '../../src/train/crop.js';
import { TRAIN_CONFIG } from '../../src/train/config.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { expectTensorClose, readGoldenF32, readManifest } from '../helpers/golden.js';

const KINDS = ['label', 'bbox_target', 'bbox_weight', 'landmark_target', 'landmark_weight'];
const NAMES = KINDS.flatMap((k) => [`face_${k}`, ...[32, 16, 8].map((s) => `face_${k}_stride${s}`)]);
const CROP = { height: 640, width: 640 };

function* chunks(boxes: Float32Array): Generator<number[]> {
  for (let i = 0; i < boxes.length; i += 4) yield Array.from(boxes.subarray(i, i + 4));
}

/** Labels and weights must match exactly, targets to 1e-5 of the tensor's scale. */
function expectTargets(caseName: string, ours: Map<string, Tensor>): void {
  for (const name of NAMES) {
    const golden = readGoldenF32(caseName, `${name}.npy`);
    const tensor = ours.get(name);
    if (tensor === undefined) throw new Error(`${caseName}: no ${name} in our output`);
    const exact = !name.includes('target');
    expectTensorClose(`${caseName}/${name}`, tensor, golden, exact ? 0 : 1e-5);
  }
}

describe('assign_anchor_fpn', () => {
  it('train-targets: 7 hand-made faces (occluded, missing landmarks, class -1, fractional, unmatched sliver)', () => {
    const ours = assignAnchorFpn(
      { gtBoxes: readGoldenF32('train-targets', 'gt_boxes.npy').data, gtLandmarks: readGoldenF32('train-targets', 'gt_landmarks.npy').data },
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
      const crop = { boxes: readGoldenF32(caseName, 'boxes.npy').data, landmarks: readGoldenF32(caseName, 'landmarks.npy').data };
      expectTargets(caseName, assignAnchorFpn(cropGtLabel(crop), CROP));
    });
  }

  describe('RPN_FORCE_POSITIVE and RPN_CLOBBER_POSITIVES on the 10x70 sliver of train-targets', () => {
    const sliver = readManifest('train-targets').positives_per_kept_gt.find((g: { positives: number }) => g.positives === 0);
    const gt = { gtBoxes: Float32Array.from([...sliver.gt, 1]), gtLandmarks: new Float32Array(15).fill(-1) };
    const positives = (config: typeof TRAIN_CONFIG) => positiveAnchors(assignAnchorFpn(gt, CROP, config), CROP).flatMap((l) => [...chunks(l.boxes)]);

    it('off (mnet): no anchor reaches 0.5, so the sliver has no positive', () => {
      expect(positives(TRAIN_CONFIG)).toEqual([]);
    });

    it("FORCE_POSITIVE: exactly the anchors at the sliver's best IoU (golden best_iou) become positive", () => {
      const forced = positives({ ...TRAIN_CONFIG, RPN_FORCE_POSITIVE: true });
      expect(forced.length).toBeGreaterThan(0);
      for (const anchor of forced) expect(bboxOverlaps(anchor, sliver.gt)[0]).toBeCloseTo(sliver.best_iou, 12);
    });

    it('CLOBBER_POSITIVES: background (< 0.3) is written last and takes the forced positives back', () => {
      expect(positives({ ...TRAIN_CONFIG, RPN_FORCE_POSITIVE: true, RPN_CLOBBER_POSITIVES: true })).toEqual([]);
    });

    it('CLOBBER_POSITIVES alone changes nothing on train-targets (the 0.3 and 0.5 bands do not meet)', () => {
      const gtAll = { gtBoxes: readGoldenF32('train-targets', 'gt_boxes.npy').data, gtLandmarks: readGoldenF32('train-targets', 'gt_landmarks.npy').data };
      const golden = readGoldenF32('train-targets', 'face_label.npy');
      expectTensorClose('face_label (clobber)', assignAnchorFpn(gtAll, CROP, { ...TRAIN_CONFIG, RPN_CLOBBER_POSITIVES: true }).get('face_label')!, golden, 0);
    });
  });
});
