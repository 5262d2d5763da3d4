/**
 * The whole post-processing chain of this folder on the stored network heads of the four photos, with
 * the original detect()'s glue written out plainly here: per stride anchors_plane, threshold, bbox_pred,
 * clip_boxes, landmark_pred, scale back; then argsort()[::-1] over all strides and cpu_nms. The golden
 * pre_nms (the exact cpu_nms input, in numpy's sort order), nms_keep and landmarks must come out bit for
 * bit: this is where numpy's exp kernel, the float32 casts and the introsort's tie order all show.
 */
import { describe, expect, it } from 'vitest';
import { ANCHOR_CONFIG } from '../../src/anchors/config.js';
import { generateAnchorsFpn } from '../../src/anchors/generate-anchors.js';
import { anchorsPlane } from '../../src/anchors/plane.js';
import { bboxPred, clipBoxes } from '../../src/anchors/bbox-pred.js';
import { landmarkPred } from '../../src/anchors/landmark-pred.js';
import { argsortDescending, cpuNms } from '../../src/anchors/nms.js';
import { readGolden, readGoldenF32, readGoldenIndices, readManifest } from '../helpers/golden.js';

function decodePhoto(photo: string) {
  const caseName = `heads-${photo}`;
  const imScale: number = readManifest(caseName).input.im_scale;
  const [imHeight, imWidth] = readGolden(caseName, 'resized.npy').shape;
  const threshold = Math.fround(0.5);
  const fpn = generateAnchorsFpn(ANCHOR_CONFIG);
  const boxes: number[] = [];
  const scores: number[] = [];
  const landmarks: number[] = [];
  for (const { stride } of ANCHOR_CONFIG) {
    const cls = readGoldenF32(caseName, `face_rpn_cls_prob_reshape_stride${stride}.npy`);
    const bbox = readGoldenF32(caseName, `face_rpn_bbox_pred_stride${stride}.npy`).data;
    const lmk = readGoldenF32(caseName, `face_rpn_landmark_pred_stride${stride}.npy`).data;
    const [, twoA, H, W] = cls.shape;
    const A = twoA / 2;
    const HW = H * W;
    const anchors = anchorsPlane(H, W, stride, fpn.get(stride)!);
    // rows (y·W + x)·A + a over threshold, as detect() selects them
    const kept: number[] = [];
    for (let k = 0; k < HW; k++) for (let a = 0; a < A; a++) if (cls.data[(A + a) * HW + k] >= threshold) kept.push(k * A + a);
    const keptAnchors = new Float32Array(kept.length * 4);
    const deltas = new Float32Array(kept.length * 4);
    const landmarkDeltas = new Float32Array(kept.length * 10);
    kept.forEach((row, i) => {
      const k = Math.floor(row / A);
      const a = row % A;
      scores.push(cls.data[(A + a) * HW + k]);
      for (let j = 0; j < 4; j++) keptAnchors[i * 4 + j] = anchors[row * 4 + j];
      for (let j = 0; j < 4; j++) deltas[i * 4 + j] = bbox[(4 * a + j) * HW + k];
      for (let j = 0; j < 10; j++) landmarkDeltas[i * 10 + j] = lmk[(10 * a + j) * HW + k];
    });
    for (const v of clipBoxes(bboxPred(keptAnchors, deltas), imHeight, imWidth)) boxes.push(v / imScale);
    const scale32 = Math.fround(imScale);
    for (const v of landmarkPred(keptAnchors, landmarkDeltas)) landmarks.push(Math.fround(v / scale32));
  }
  const order = argsortDescending(Float32Array.from(scores));
  const preNms = new Float32Array(order.length * 5);
  order.forEach((j, i) => preNms.set([boxes[j * 4], boxes[j * 4 + 1], boxes[j * 4 + 2], boxes[j * 4 + 3], scores[j]], i * 5));
  return { preNms, order, landmarks };
}

describe('post-processing of the stored heads', () => {
  for (const photo of ['t1', 't3', 't4', 't6']) {
    it(`heads-${photo}: pre_nms, nms_keep and landmarks bit for bit`, () => {
      const { preNms, order, landmarks } = decodePhoto(photo);
      const golden = readGoldenF32(`heads-${photo}`, 'pre_nms.npy');
      expect(preNms.length).toBe(golden.data.length);
      const diff = Array.from(preNms).flatMap((v, i) => (v === golden.data[i] ? [] : [`[${Math.floor(i / 5)},${i % 5}] ${v} vs ${golden.data[i]}`]));
      expect(diff.slice(0, 5)).toEqual([]);

      const keep = cpuNms(preNms, 0.4);
      expect(keep).toEqual(readGoldenIndices(`heads-${photo}`, 'nms_keep.npy'));
      const ours = keep.flatMap((i) => landmarks.slice(order[i] * 10, order[i] * 10 + 10));
      expect(ours).toEqual(Array.from(readGoldenF32(`heads-${photo}`, 'landmarks.npy').data));
    });
  }
});
