/**
 * RetinaFace.detect end to end against the original's detections (golden heads-*, pyramid-t3):
 *
 * - post-processing alone: the golden heads fed straight into detectFaces must give the golden
 *   faces and landmarks to float32 rounding (no network involved);
 * - from the JPEG through our own decoder (entropy decoding, libjpeg's IDCT, upsampling
 *   and colour conversion: cv2.imread's pixels), our resize and the default backend (wasm), then
 *   gpu.js on webasm: same faces within 0.05 px; with flip from pixels.npy;
 * - pyramid-t3: test_widerface.py's multi-scale rule with flip, NMS and bbox_vote;
 * - one photo through the reference path (the textbook kernels) as well.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseScales, detectFaces } from '../../src/detect/detect.js';
import { resolveOptions } from '../../src/detect/options.js';
import { RetinaFace } from '../../src/detect/retinaface.js';
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { loadModel } from '../../src/weights/load.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { imagesDir, readGolden, readGoldenF32, readManifest } from '../helpers/golden.js';
import { expectSameFaces, readGoldenFaces } from './golden-faces.js';

const PHOTOS = ['t1', 't3', 't4', 't6'];

function goldenPixels(caseName: string) {
  const p = readGolden(caseName, 'pixels.npy');
  const [height, width] = p.shape;
  return { data: p.data as Uint8Array, width, height, channels: 3 as const };
}

describe('post-processing of the golden heads (no network)', () => {
  for (const photo of PHOTOS) {
    it(`heads-${photo}: faces and landmarks to float32 rounding`, async () => {
      const caseName = `heads-${photo}`;
      const heads = new Map<string, Tensor>(HEAD_NAMES.map((n) => {
        const a = readGoldenF32(caseName, `${n}.npy`);
        return [n, tensor(a.shape, a.data)];
      }));
      const px = goldenPixels(caseName);
      let fedShape: readonly number[] = [];
      const faces = await detectFaces(async (x) => { fedShape = x.shape; return heads; }, px, resolveOptions());
      const resized = readGolden(caseName, 'resized.npy').shape;
      expect(fedShape).toEqual([1, 3, resized[0], resized[1]]);
      const r = expectSameFaces(caseName, faces, readGoldenFaces(caseName), { px: 1e-3, minIou: 0.9999, score: 0 });
      expect(r.worstPx).toBeLessThanOrEqual(1e-3);
    });
  }
});

const FAST: { backend?: 'gpujs-webasm'; name: string; kernel: RegExp }[] = [
  { name: 'the default backend (wasm)', kernel: /^wasm-simd128( ×\d threads)? \+ reference Reshape$/ },
  { backend: 'gpujs-webasm', name: 'gpu.js webasm', kernel: /^WebAssemblyKernel$/ },
];

for (const { backend, name, kernel } of FAST) {
  describe(`detect() on ${name}`, async () => {
    const detector = await RetinaFace.load(backend === undefined ? {} : { backend });
    afterAll(() => detector.dispose());

    for (const photo of PHOTOS) {
      const caseName = `heads-${photo}`;
      it(`${caseName}: flip, within 0.05 px`, async () => {
        const result = await detector.detect(goldenPixels(caseName), { flip: true });
        expectSameFaces(`${caseName} flip`, result.faces, readGoldenFaces(caseName, 'faces_flip.npy', 'landmarks_flip.npy'), { px: 0.05, minIou: 0.999, score: 1e-4 });
      });
      // The acceptance asks IoU > 0.98 from another decoder; ours gives cv2.imread's pixels bit for
      // bit (src/image/jpeg*.ts, checked against pixels.npy in test/image/decode.test.ts), so this is
      // also the pixels.npy case, held to its 0.05 px.
      it(`${caseName}: from ${photo}.jpg through our decoder and resize, within 0.05 px`, async () => {
        const result = await detector.detect(join(imagesDir, `${photo}.jpg`));
        expect(result.kernel).toMatch(kernel);
        expect([result.width, result.height]).toEqual([goldenPixels(caseName).width, goldenPixels(caseName).height]);
        expectSameFaces(`${photo}.jpg`, result.faces, readGoldenFaces(caseName), { px: 0.05, minIou: 0.999, score: 1e-4 });
      });
    }
  });
}

describe('multi-scale on the default backend (wasm)', () => {
  it('pyramid-t3: test_widerface.py scales with flip, NMS and vote', async () => {
    const m = readManifest('pyramid-t3');
    const options = resolveOptions({ targetSize: 800, maxSize: 1200, pyramid: [500, 800, 1100, 1400, 1700], flip: true });
    const px = goldenPixels('heads-t3');
    const scales = chooseScales(px.height, px.width, options);
    scales.forEach((s, i) => expect(s).toBeCloseTo(m.scales[i], 12));
    // The network runs once per scale and flip; the vote pass replays the same heads.
    const model = await loadModel();
    const backend = createWasmBackend();
    const heads: ReadonlyMap<string, Tensor>[] = [];
    const nms = await detectFaces(async (x) => {
      const h = (await forward(fuse(buildPlan(model, x.shape[2], x.shape[3])), x, { backend })).heads;
      heads.push(h);
      return h;
    }, px, options).finally(() => backend.destroy());
    expect(heads).toHaveLength(10);
    expectSameFaces('pyramid-t3', nms, readGoldenFaces('pyramid-t3'), { px: 0.05, minIou: 0.999, score: 1e-4 });
    let call = 0;
    const vote = await detectFaces(async () => heads[call++], px, { ...options, vote: true });
    expectSameFaces('pyramid-t3 vote', vote, readGoldenFaces('pyramid-t3', 'faces_vote.npy', null), { px: 0.05, minIou: 0.999, score: 1e-4 });
  }, 400_000);
});

describe('detect() on the reference path (cpu)', async () => {
  const detector = await RetinaFace.load({ backend: 'cpu' });

  it('heads-t4: from pixels.npy, within 0.05 px', async () => {
    const result = await detector.detect(goldenPixels('heads-t4'));
    expect([result.backend, result.kernel]).toEqual(['cpu', 'reference']);
    expectSameFaces('heads-t4 cpu', result.faces, readGoldenFaces('heads-t4'), { px: 0.05, minIou: 0.999, score: 1e-4 });
  });
});
