/**
 * The acceptance test of anonymization: our own detector, run again on the anonymized picture at
 * threshold 0.5, finds no face overlapping any anonymized face (IoU > 0.3 with its detected box or
 * its enlarged box), in every mode, on the shared photos: the group photos t1, t3, t4, t6 and the
 * four mask photos, and one mask photo enlarged 4× so that its face is some 400 pixels across (the
 * strength must grow with the face, not merely soften a large one). Faces elsewhere (say one the first pass missed) may still be found: only the
 * anonymized regions are judged. Each photo must have faces to remove, so no case passes empty.
 *
 * Also: `detector.anonymize` equals detect followed by `anonymize`, and the output is the same
 * whichever backend found the faces (cpu and wasm here).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymize, RetinaFace, type AnonymizeMode } from '../../src/index.js';
import { bboxOverlaps } from '../../src/anchors/bbox-overlaps.js';
import { decodeImage } from '../../src/image/decode.js';
import { resizeLinear } from '../../src/image/resize.js';
import { readFileChecked } from '../../src/read-file.js';
import { imagesDir } from '../helpers/golden.js';

const PHOTOS = ['t1.jpg', 't3.jpg', 't4.jpg', 't6.jpg', ...['0', '4', '5', '83'].map((n) => `mask/maksssksksss${n}.png`)];
/** A photo enlarged 4× (its face some 400 pixels across): a fixed-strength filter would only soften it. */
const LARGE = 'mask/maksssksksss4.png';
const MODES: AnonymizeMode[] = ['blur', 'pixelate', 'solid'];
const BOX_SCALE = 1.3;

const detector = await RetinaFace.load();
afterAll(() => detector.dispose());

/** IoU in the project's +1 convention (`bbox_overlaps`). */
const iou = (a: readonly number[], b: readonly number[]) => bboxOverlaps(a, b)[0];

function enlarged([x1, y1, x2, y2]: readonly number[], s: number): number[] {
  const [cx, cy, hw, hh] = [(x1 + x2) / 2, (y1 + y2) / 2, ((x2 - x1) / 2) * s, ((y2 - y1) / 2) * s];
  return [cx - hw, cy - hh, cx + hw, cy + hh];
}

/** Two detections at the default scale (t1: 1479×1024) per case, on a machine that may be shared. */
const TIMEOUT = 600_000;

const CASES: [name: string, zoom: number][] = [...PHOTOS.map((name): [string, number] => [name, 1]), [LARGE, 4]];

describe.each(CASES)('%s ×%d', (name, zoom) => {
  const decoded = decodeImage(readFileChecked(join(imagesDir, name)), { where: name });
  const image = zoom === 1 ? decoded : resizeLinear(decoded, { fx: zoom, fy: zoom });
  let boxes: number[][];
  beforeAll(async () => {
    boxes = (await detector.detect({ ...image, channels: 3 }, { threshold: 0.5 })).faces.map((f) => f.box);
  }, TIMEOUT);

  it('has faces to remove', () => {
    expect(boxes.length).toBeGreaterThan(0);
    if (zoom > 1) expect(Math.max(...boxes.map(([x1, , x2]) => x2 - x1))).toBeGreaterThan(300);
  });

  for (const mode of MODES) {
    it(`${mode}: no face found again where one was anonymized`, async () => {
      const out = anonymize(image, boxes.map((box) => ({ box })), { mode, boxScale: BOX_SCALE });
      const again = (await detector.detect({ ...out, channels: 3 }, { threshold: 0.5 })).faces;
      const found = again.flatMap((f) => boxes.map((b) => ({ score: f.score, box: f.box, iou: Math.max(iou(f.box, b), iou(f.box, enlarged(b, BOX_SCALE))) })));
      expect(found.filter((f) => f.iou > 0.3), `${boxes.length} faces anonymized, ${again.length} found again`).toEqual([]);
    }, TIMEOUT);
  }
});

describe('detector.anonymize', () => {
  it('is detect, then anonymize on the decoded picture (t4)', async () => {
    const options = { targetSize: 256, maxSize: 512, mode: 'blur' as const, shape: 'box' as const };
    const t4 = join(imagesDir, 't4.jpg');
    const out = await detector.anonymize(t4, options);
    expect(out.faces).toEqual((await detector.detect(t4, options)).faces);
    expect(out.image.data).toEqual(anonymize(decodeImage(readFileChecked(t4)), out.faces, options).data);
  });

  it('cpu and wasm: boxes within float rounding, and the same anonymized bytes in every mode (t4, small scale)', async () => {
    const cpu = await RetinaFace.load({ backend: 'cpu' });
    try {
      for (const mode of MODES) {
        const options = { targetSize: 256, maxSize: 512, mode };
        const [a, b] = [await cpu.anonymize(join(imagesDir, 't4.jpg'), options), await detector.anonymize(join(imagesDir, 't4.jpg'), options)];
        expect(a.faces.length).toBeGreaterThan(3);
        expect(b.faces.length).toBe(a.faces.length);
        b.faces.forEach((f, i) => f.box.forEach((v, k) => expect(v).toBeCloseTo(a.faces[i].box[k], 2)));
        // for these faces the float noise crosses none of the integers where a region bound or a strength changes
        expect(b.image.data).toEqual(a.image.data);
      }
    } finally {
      cpu.dispose();
    }
  }, TIMEOUT);
});
