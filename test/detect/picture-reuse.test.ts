/**
 * A detector decodes every file or bytes into one buffer it keeps from call to call (retinaface.ts
 * `pixels`). Consecutive calls on photos of different sizes (larger, smaller, then larger again)
 * must give exactly what a fresh detector gives and the golden detections, and whatever a call
 * returned (aligned crops, anonymize's picture) must be unchanged by the calls after it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaFace, type Anonymized, type Detection } from '../../src/detect/retinaface.js';
import { imagesDir } from '../helpers/golden.js';
import { expectSameFaces, readGoldenFaces } from './golden-faces.js';

// 1280×886, 640×360, 900×600, 1280×886
const SEQUENCE = ['t1', 't4', 't3', 't1'];
const path = (photo: string) => join(imagesDir, `${photo}.jpg`);

/** Byte for byte (toEqual walks a typed array element by element: minutes for a few photos). */
function expectSameBytes(label: string, ours: Uint8Array, want: Uint8Array) {
  expect(Buffer.from(ours.buffer, ours.byteOffset, ours.length).equals(want), label).toBe(true);
}

/** What a detector that has decoded nothing before gives. */
async function fresh<T>(call: (d: RetinaFace) => Promise<T>): Promise<T> {
  const d = await RetinaFace.load();
  try {
    return await call(d);
  } finally {
    d.dispose();
  }
}

describe('one detector, photo after photo into its one picture buffer', async () => {
  const detector = await RetinaFace.load();
  afterAll(() => detector.dispose());

  it('detect with align: each result is a fresh detector\'s and the golden faces; the crops returned stay unchanged', async () => {
    const results: Detection[] = [];
    const crops: Uint8Array[][] = [];
    for (const photo of SEQUENCE) {
      const r = await detector.detect(path(photo), { align: 112 });
      results.push(r);
      crops.push(r.faces.map((f) => f.aligned!.pixels.slice()));
    }
    for (const [i, photo] of SEQUENCE.entries()) {
      const want = await fresh((d) => d.detect(path(photo), { align: 112 }));
      const strip = (r: Detection) => ({ ...r, faces: r.faces.map(({ aligned, ...face }) => ({ ...face, aligned: { ...aligned!, pixels: undefined } })) });
      expect(strip(results[i]), `${photo} (call ${i})`).toEqual(strip(want));
      for (const [k, face] of results[i].faces.entries()) {
        expectSameBytes(`${photo} (call ${i}) face ${k}: crop after the later calls`, face.aligned!.pixels, crops[i][k]);
        expectSameBytes(`${photo} (call ${i}) face ${k}: crop of a fresh detector`, face.aligned!.pixels, want.faces[k].aligned!.pixels);
      }
      expectSameFaces(`${photo} (call ${i})`, results[i].faces, readGoldenFaces(`heads-${photo}`), { px: 0.05, minIou: 0.999, score: 1e-4 });
    }
  });

  it('anonymize from bytes, called without waiting: each picture is a fresh detector\'s, unchanged by the calls after it', async () => {
    const bytes = SEQUENCE.map((photo) => new Uint8Array(readFileSync(path(photo))));
    // all queued at once: each call's anonymize must be done before the next decodes into the buffer
    const results: Anonymized[] = await Promise.all(bytes.map((b) => detector.anonymize(b, { mode: 'pixelate' })));
    const kept = results.map((r) => r.image.data.slice());
    await detector.detect(path('t3'));
    for (const [i, photo] of SEQUENCE.entries()) {
      const { image, ...detection } = results[i];
      const want = await fresh((d) => d.anonymize(bytes[i], { mode: 'pixelate' }));
      expect(detection, `${photo} (call ${i})`).toEqual({ ...want, image: undefined });
      expect([image.width, image.height]).toEqual([want.image.width, want.image.height]);
      expectSameBytes(`${photo} (call ${i}): picture after the later calls`, image.data, kept[i]);
      expectSameBytes(`${photo} (call ${i}): picture of a fresh detector`, image.data, want.image.data);
    }
  });
});
