import { beforeAll, describe, expect, it } from 'vitest';
import { assignAnchorFpn } from '../../src/train/assign-anchor-fpn.js';
import { cropGtLabel } from '../../src/train/crop.js';
import { cropLosses } from '../../src/train/crop-losses.js';
import { getOut, type StrideLosses } from '../../src/train/losses.js';
import { tensor } from '../../src/tensor/tensor.js';
import { RetinaFaceError } from '../../src/errors.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenF32, readManifest } from '../helpers/golden.js';

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
      const crop = { boxes: readGoldenF32(cropCase, 'boxes.npy').data, landmarks: readGoldenF32(cropCase, 'landmarks.npy').data };
      const targets = assignAnchorFpn(cropGtLabel(crop), { height: 640, width: 640 });
      for (const l of await cropLosses(await loadModel(), readGoldenF32(cropCase, 'crop.npy'), targets)) losses.set(l.stride, l);
    });

    for (const stride of STRIDES) {
      it(`stride ${stride}: OHEM labels and anchor weights exact`, () => {
        const l = losses.get(stride)!;
        const labels = readGoldenF32(lossCase, `ohem_label_stride${stride}.npy`);
        expectTensorClose(`ohem_label_stride${stride}`, { shape: [l.labels.length], data: l.labels }, labels, 0);
        const weights = readGoldenF32(lossCase, `anchor_weight_stride${stride}.npy`);
        expectTensorClose(`anchor_weight_stride${stride}`, { shape: [l.anchorWeight.length], data: l.anchorWeight }, weights, 0);
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

describe('get_out shape checks', () => {
  const outputs = {
    clsScore: tensor([1, 4, 2, 2], new Float32Array(16)),
    bboxPred: tensor([1, 8, 2, 2], new Float32Array(32)),
    landmarkPred: tensor([1, 20, 2, 2], new Float32Array(80)),
  };

  it('names the stride, the target and both shapes when the targets are for another input size', () => {
    const targets = assignAnchorFpn({ gtBoxes: new Float32Array(0), gtLandmarks: new Float32Array(0) }, { height: 640, width: 640 });
    expect(() => getOut(32, outputs, targets)).toThrow(/^\[get_out stride32\] face_label_stride32 \(1,800\) needs 8 values for face_rpn_cls_score_stride32 \(1,4,2,2\) \[N,2A,H,W\]$/);
    expect(() => getOut(32, outputs, new Map())).toThrow(RetinaFaceError);
  });

  it('accepts targets of the right size (64x64 input: 2x2 at stride 32)', () => {
    const targets = assignAnchorFpn({ gtBoxes: new Float32Array(0), gtLandmarks: new Float32Array(0) }, { height: 64, width: 64 });
    const l = getOut(32, outputs, targets);
    // all logits 0: p = 1/2 for each of the 8 background anchors, no faces
    expect([l.nFg, l.nValid, l.bboxLoss, l.landmarkLoss]).toEqual([0, 8, 0, 0]);
    expect(l.clsLoss).toBeCloseTo(Math.LN2, 12);
  });
});
