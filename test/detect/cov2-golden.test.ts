/**
 * The mask-aware RetinaFace (mnet_cov2, `net3l`) against the original RetinaFaceCoV.detect on the
 * five golden cov2-heads-* cases (threshold 0.8, NMS 0.4, target 640 / max 1080: the model's
 * own test script, taken from its descriptor):
 *
 * - post-processing alone, from the twelve golden heads: pre_nms (the exact cpu_nms input), nms_keep,
 *   the faces (N × 6: box, face score, mask score) and landmarks bit for bit;
 * - the network from resized.npy on the default backend (wasm): the twelve heads;
 * - detect() end to end from pixels.npy with flip, and from the image file (PNG RGB, RGBA, 16-bit
 *   RGBA; t1.jpg) through our decoder, whose pixels must be pixels.npy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cpuNms } from '../../src/anchors/nms.js';
import { BUILTIN_DESCRIPTORS } from '../../src/detect/descriptor.js';
import { candidates, detectFaces, detectProposals, type Face } from '../../src/detect/detect.js';
import { resolveOptions } from '../../src/detect/options.js';
import { RetinaFace } from '../../src/detect/retinaface.js';
import { decodeImage } from '../../src/image/decode.js';
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { inputTensor } from '../../src/net/input.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import type { PictureInput } from '../../src/ops/backend.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGolden, readGoldenF32, readGoldenIndices, readManifest, sharedDir } from '../helpers/golden.js';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';

const CASES = ['maksssksksss0', 'maksssksksss4', 'maksssksksss5', 'maksssksksss83', 't1'].map((c) => `cov2-heads-${c}`);
const MODEL = join(sharedDir, 'models/mnet_cov2');
const cov2 = BUILTIN_DESCRIPTORS.find((d) => d.name === 'mnet_cov2')!;
const HEADS = ['32', '16', '8'].flatMap((s) => ['cls_prob_reshape', 'bbox_pred', 'landmark_pred', 'type_prob_reshape'].map((k) => `face_rpn_${k}_stride${s}`));

function goldenPixels(caseName: string) {
  const p = readGolden(caseName, 'pixels.npy');
  const [height, width] = p.shape;
  return { data: p.data as Uint8Array, width, height, channels: 3 as const };
}

/** faces.npy (N, 6) and landmarks.npy (N, 5, 2) as Faces. */
function goldenFaces(caseName: string, suffix = ''): Face[] {
  const f = readGoldenF32(caseName, `faces${suffix}.npy`).data;
  const l = readGoldenF32(caseName, `landmarks${suffix}.npy`).data;
  return Array.from({ length: f.length / 6 }, (_, i) => ({
    box: [f[i * 6], f[i * 6 + 1], f[i * 6 + 2], f[i * 6 + 3]],
    score: f[i * 6 + 4],
    mask: f[i * 6 + 5],
    landmarks: Array.from({ length: 5 }, (_, p) => [l[i * 10 + 2 * p], l[i * 10 + 2 * p + 1]] as [number, number]),
  }));
}

/** IoU in the +1 convention (bbox_overlaps). */
const iou = (a: readonly number[], b: readonly number[]) => bboxOverlaps(a, b)[0];

/** Same count; each golden face matched by IoU, then box and landmarks within `px`, scores within `score`. */
function expectSameFaces(label: string, ours: readonly Face[], golden: readonly Face[], px: number, score: number): void {
  expect(ours.length, `${label}: number of faces`).toBe(golden.length);
  for (const [g, ref] of golden.entries()) {
    const face = ours.reduce((best, f) => (iou(f.box, ref.box) > iou(best.box, ref.box) ? f : best));
    const at = `${label}: golden face ${g}`;
    expect(iou(face.box, ref.box), `${at} IoU`).toBeGreaterThan(0.999);
    expect(Math.abs(face.score - ref.score), `${at} score`).toBeLessThanOrEqual(score);
    expect(Math.abs(face.mask! - ref.mask!), `${at} mask ${face.mask} vs ${ref.mask}`).toBeLessThanOrEqual(score);
    const worst = Math.max(...face.box.map((v, c) => Math.abs(v - ref.box[c])), ...face.landmarks.flatMap((pt, p) => pt.map((v, c) => Math.abs(v - ref.landmarks[p][c]))));
    expect(worst, `${at} px`).toBeLessThanOrEqual(px);
  }
}

it('the descriptor carries retinaface_anticov/test.py: threshold 0.8, target 640, max 1080, mask from 0.2; landmark_std 0.2', () => {
  expect(cov2).toMatchObject({ network: 'net3l', landmarkStd: 0.2, defaults: { threshold: 0.8, nmsThreshold: 0.4, targetSize: 640, maxSize: 1080, maskThreshold: 0.2 } });
  for (const c of CASES) expect(readManifest(c)).toMatchObject({ network: 'net3l', threshold: 0.8, nms_threshold: 0.4 });
});

describe('post-processing of the golden heads (no network)', () => {
  for (const caseName of CASES) {
    it(`${caseName}: pre_nms, nms_keep, faces (N × 6) and landmarks bit for bit`, async () => {
      const heads = new Map<string, Tensor>(HEADS.map((n) => {
        const a = readGoldenF32(caseName, `${n}.npy`);
        return [n, tensor(a.shape, a.data)];
      }));
      const px = goldenPixels(caseName);
      const o = resolveOptions({}, cov2.defaults);
      const run = async (x: PictureInput) => {
        expect(x.shape).toEqual([1, 3, ...readGolden(caseName, 'resized.npy').shape.slice(0, 2)]);
        return heads;
      };
      const { preDet } = candidates(await detectProposals(run, px, o, cov2));
      const golden = readGoldenF32(caseName, 'pre_nms.npy').data;
      expect(preDet.length).toBe(golden.length);
      const diff = Array.from(preDet).flatMap((v, i) => (v === golden[i] ? [] : [`[${Math.floor(i / 5)},${i % 5}] ${v} vs ${golden[i]}`]));
      expect(diff.slice(0, 5)).toEqual([]);
      expect(cpuNms(preDet, 0.4)).toEqual(readGoldenIndices(caseName, 'nms_keep.npy'));

      const faces = await detectFaces(run, px, o, cov2);
      expect(faces).toEqual(goldenFaces(caseName));
    });
  }
});

describe('the twelve heads from resized.npy on the default backend (wasm)', () => {
  const backend = createWasmBackend();
  afterAll(() => backend.destroy());
  for (const caseName of CASES) {
    it(caseName, async () => {
      const model = await loadModel(MODEL);
      const resized = readGolden(caseName, 'resized.npy');
      const [H, W] = resized.shape;
      const { heads } = await forward(fuse(buildPlan(model, H, W)), inputTensor(resized.data as Uint8Array, W, H), { backend });
      expect([...heads.keys()]).toEqual(HEADS);
      for (const name of HEADS) {
        const g = readGoldenF32(caseName, `${name}.npy`);
        expectTensorClose(`${caseName} ${name}`, heads.get(name)!, tensor(g.shape, g.data));
      }
    });
  }
});

describe('detect() with mnet_cov2 on the default backend (wasm)', async () => {
  const detector = await RetinaFace.load({ model: MODEL });
  afterAll(() => detector.dispose());

  it('recognises the model by its symbol checksum', () => expect(detector.descriptor).toBe(cov2));

  for (const caseName of CASES) {
    it(`${caseName}: from pixels.npy with flip, within 0.05 px`, async () => {
      const r = await detector.detect(goldenPixels(caseName), { flip: true });
      expectSameFaces(`${caseName} flip`, r.faces, goldenFaces(caseName, '_flip'), 0.05, 1e-4);
    });
    const image = readManifest(caseName).image as string;
    it(`${caseName}: from ${image} through our decoder (cv2.imread's pixels), within 0.05 px`, async () => {
      const bytes = new Uint8Array(readFileSync(join(sharedDir, image)));
      const px = goldenPixels(caseName);
      expect(Buffer.from(decodeImage(bytes).data).equals(Buffer.from(px.data)), 'decoded pixels = pixels.npy').toBe(true);
      const r = await detector.detect(bytes);
      expect([r.width, r.height]).toEqual([px.width, px.height]);
      expectSameFaces(image, r.faces, goldenFaces(caseName), 0.05, 1e-4);
    });
  }
});
