import { beforeAll, describe, expect, it } from 'vitest';
import { assignAnchorFpn } from '../../src/train/assign-anchor-fpn.js';
import { cropGtLabel } from '../../src/train/crop.js';
import { cropLosses } from '../../src/train/crop-losses.js';
import type { StrideLosses } from '../../src/train/losses.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readManifest } from '../helpers/golden.js';
import { goldenF32 } from './golden-arrays.js';

const STRIDES = [32, 16, 8];

/** A scalar loss within 1e-4 of the golden value, relative (a golden 0 must come out 0). */
function expectLossClose(name: string, ours: number, golden: number): void {
  if (!(Math.abs(ours - golden) <= 1e-4 * Math.abs(golden))) {
    throw new Error(`${name}: ours ${ours}, golden ${golden}, rel diff ${(Math.abs(ours - golden) / Math.abs(golden)).toExponential(2)}`);
  }
}

for (const cropCase of ['train-crop-t1-s1.0', 'train-crop-t1-s0.6']) {
  const lossCase = cropCase.replace('train-crop', 'train-loss-crop');

  describe(`${lossCase}: OHEM and losses on the network's output for the crop`, () => {
    const losses = new Map<number, StrideLosses>();

    beforeAll(async () => {
      const crop = { boxes: goldenF32(cropCase, 'boxes.npy').data, landmarks: goldenF32(cropCase, 'landmarks.npy').data };
      const targets = assignAnchorFpn(cropGtLabel(crop), { height: 640, width: 640 });
      for (const l of await cropLosses(await loadModel(), goldenF32(cropCase, 'crop.npy'), targets)) losses.set(l.stride, l);
    });

    for (const stride of STRIDES) {
      it(`stride ${stride}: OHEM labels and anchor weights exact`, () => {
        const l = losses.get(stride)!;
        const labels = goldenF32(lossCase, `ohem_label_stride${stride}.npy`);
        expectTensorClose(`ohem_label_stride${stride}`, { shape: labels.shape, data: l.labels }, labels, 0);
        const weights = goldenF32(lossCase, `anchor_weight_stride${stride}.npy`);
        expectTensorClose(`anchor_weight_stride${stride}`, { shape: weights.shape, data: l.anchorWeight }, weights, 0);
      });

      it(`stride ${stride}: n_fg, n_valid and the three losses`, () => {
        const l = losses.get(stride)!;
        const golden = readManifest(lossCase).values[`stride${stride}`];
        expect([l.nFg, l.nValid]).toEqual([golden.n_fg, golden.n_valid]);
        expectLossClose('cls_loss', l.clsLoss, golden.cls_loss);
        expectLossClose('bbox_loss', l.bboxLoss, golden.bbox_loss);
        expectLossClose('landmark_loss', l.landmarkLoss, golden.landmark_loss);
      });
    }
  });
}
