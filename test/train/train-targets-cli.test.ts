import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/train-targets.js';
import { RetinaFaceError } from '../../src/errors.js';
import { decodeImage } from '../../src/image/decode.js';
import { readNpyFloat32 } from '../../src/tensor/npy.js';
import { expectTensorClose, goldenDir, imagesDir, readGoldenF32, readManifest } from '../helpers/golden.js';

const CASE = 'train-crop-t1-s0.6';
const image = join(imagesDir, 't1.jpg');
let dir: string;
let gtJson: string;

/** Runs the command and returns what it printed. */
async function trainTargets(...argv: string[]): Promise<string> {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  const code = await run(argv);
  vi.restoreAllMocks();
  expect(code).toBe(0);
  return lines.join('');
}

function readOut(out: string, file: string): { shape: number[]; data: Float32Array } {
  return readNpyFloat32(readFileSync(join(out, file)), file);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-targets-'));
  const boxes = readGoldenF32(CASE, 'gt_boxes_in.npy').data;
  const landmarks = readGoldenF32(CASE, 'gt_landmarks_in.npy').data;
  const faces = Array.from({ length: boxes.length / 4 }, (_, i) => ({
    box: Array.from(boxes.subarray(i * 4, i * 4 + 4)),
    landmarks: Array.from({ length: 5 }, (_, p) => Array.from(landmarks.subarray((i * 5 + p) * 3, (i * 5 + p) * 3 + 3))),
  }));
  gtJson = join(dir, 'gt.json');
  writeFileSync(gtJson, JSON.stringify(faces));
});

afterEach(() => vi.restoreAllMocks());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retinaface train-targets', () => {
  it(`--pre-scale/--up/--left of ${CASE}: kept faces and every face_* target as the golden files`, async () => {
    const m = readManifest(CASE);
    const out = join(dir, 'fixed');
    const printed = await trainTargets('--image', image, '--gt', gtJson, '--pre-scale', String(m.pre_scale), '--up', String(m.up), '--left', String(m.left), '--out', out);
    expect(printed).toMatch(/pre-scale 0\.6, up 200, left 500; im_scale 1\.205273; 2 of 6 faces kept/);
    for (const file of ['boxes.npy', 'landmarks.npy', 'im_scale.npy', ...readdirSync(join(goldenDir, CASE)).filter((f) => f.startsWith('face_'))]) {
      expectTensorClose(file, readOut(out, file), readGoldenF32(CASE, file), file.includes('target') ? 1e-5 : 0);
    }
    // our JPEG decoder gives cv2.imread's pixels and the resize is cv2's, bit for bit: the crop is exact
    expectTensorClose('crop.npy', readOut(out, 'crop.npy'), readGoldenF32(CASE, 'crop.npy'), 0);
    const png = decodeImage(new Uint8Array(readFileSync(join(out, 'crop.png'))), { where: 'crop.png' });
    expect([png.width, png.height]).toEqual([640, 640]);
  });

  it('--seed: the same seed prints the same draws, another seed other ones', async () => {
    const a = await trainTargets('--image', image, '--gt', gtJson, '--seed', '11');
    const b = await trainTargets('--image', image, '--gt', gtJson, '--seed', '11');
    const c = await trainTargets('--image', image, '--gt', gtJson, '--seed', '12');
    expect(b).toBe(a);
    expect(c.split('\n')[0]).not.toBe(a.split('\n')[0]);
  });

  it('reads a RetinaFace label.txt (x y w h, v 0 visible) picking the entry named after the image', async () => {
    const label = join(dir, 'label.txt');
    writeFileSync(label, ['# other.jpg', '1 1 5 5', '# 0--Parade/t1.jpg', '600 300 100 120 620 340 0.0 660 340 0.0 640 370 1.0 625 390 0.0 655 390 0.0 0.9'].join('\n'));
    const out = join(dir, 'label');
    const printed = await trainTargets('--image', image, '--gt', label, '--pre-scale', '1', '--up', '0', '--left', '150', '--out', out);
    expect(printed).toMatch(/1 of 1 faces kept/);
    // box [x, y, x + w, y + h] times im_scale in float32, shifted by (-left, -up); v 0 -> flag 1, v 1 -> 0
    const s = Math.fround(readGoldenF32('train-crop-t1-s1.0', 'im_scale.npy').data[0]);
    const scaled = (v: number, shift: number) => Math.fround(Math.fround(v * s) - shift);
    expect(Array.from(readOut(out, 'boxes.npy').data)).toEqual([scaled(600, 150), scaled(300, 0), scaled(700, 150), scaled(420, 0)]);
    const points = [[620, 340, 1], [660, 340, 1], [640, 370, 0], [625, 390, 1], [655, 390, 1]];
    expect(Array.from(readOut(out, 'landmarks.npy').data)).toEqual(points.flatMap(([x, y, flag]) => [scaled(x, 150), scaled(y, 0), flag]));
  });

  it('--flip: the faces mirrored as append_flipped_images does, then scaled and shifted like the golden crop', async () => {
    const m = readManifest('train-crop-t1-s1.0');
    const boxes = readGoldenF32(CASE, 'gt_boxes_in.npy').data;
    const landmarks = readGoldenF32(CASE, 'gt_landmarks_in.npy').data;
    const W = 1280;
    const s = Math.fround(readGoldenF32('train-crop-t1-s1.0', 'im_scale.npy').data[0]);
    const left = 285 - m.left; // the mirror of the golden window in the 925-pixel-wide rescaled photo
    const f = Math.fround;
    // original: x1' = W - x2 - 1, x2' = W - x1 - 1; landmark x' = -x + (W - 1), points [1, 0, 2, 4, 3]; then * im_scale, - left
    const wantBoxes: number[] = [];
    const wantLandmarks: number[] = [];
    for (let i = 0; i < boxes.length / 4; i++) {
      const [x1, y1, x2, y2] = boxes.subarray(i * 4, i * 4 + 4);
      const box = [f(f(f(W - x2) - 1) * s) - left, f(y1 * s) - m.up, f(f(f(W - x1) - 1) * s) - left, f(y2 * s) - m.up].map(f);
      if ((box[0] + box[2]) / 2 < 0 || (box[0] + box[2]) / 2 >= 640 || (box[1] + box[3]) / 2 < 0 || (box[1] + box[3]) / 2 >= 640) continue;
      wantBoxes.push(...box);
      for (const p of [1, 0, 2, 4, 3]) {
        const [x, y, flag] = landmarks.subarray((i * 5 + p) * 3, (i * 5 + p) * 3 + 3);
        wantLandmarks.push(f(f(f(-x + (W - 1)) * s) - left), f(f(y * s) - m.up), flag);
      }
    }
    const out = join(dir, 'flip');
    const printed = await trainTargets('--image', image, '--gt', gtJson, '--pre-scale', '1', '--up', String(m.up), '--left', String(left), '--flip', '--out', out);
    expect(printed).toMatch(new RegExp(`left ${left}, flipped; im_scale 0\\.7223476; ${wantBoxes.length / 4} of 6 faces kept`));
    expect(Array.from(readOut(out, 'boxes.npy').data)).toEqual(wantBoxes);
    expect(Array.from(readOut(out, 'landmarks.npy').data)).toEqual(wantLandmarks);
    // the same faces as the unflipped golden crop, mirrored: 639 - x to within a pixel (the resize is not mirror-exact)
    const golden = readGoldenF32('train-crop-t1-s1.0', 'boxes.npy').data;
    expect(wantBoxes.length).toBe(golden.length);
    const mirrored = Array.from({ length: golden.length / 4 }, (_, i) => 639 - golden[i * 4 + 2]).sort((a, b) => a - b);
    const ours = Array.from({ length: wantBoxes.length / 4 }, (_, i) => wantBoxes[i * 4]).sort((a, b) => a - b);
    ours.forEach((x, i) => expect(Math.abs(x - mirrored[i])).toBeLessThan(1));
  });

  it('--loss prints OHEM counts and the three losses per stride', async () => {
    const m = readManifest(CASE);
    const printed = await trainTargets('--image', image, '--gt', gtJson, '--pre-scale', '0.6', '--up', String(m.up), '--left', String(m.left), '--loss');
    const golden = readManifest('train-loss-crop-t1-s0.6').values;
    for (const stride of [32, 16, 8]) {
      const g = golden[`stride${stride}`];
      const line = new RegExp(`loss stride ${String(stride).padStart(2)}: OHEM (\\d+) faces of (\\d+) anchors; cls (\\S+), bbox (\\S+), landmark (\\S+)\n`).exec(printed);
      expect(line, `stride ${stride}`).not.toBeNull();
      const [nFg, nValid, cls, bbox, landmark] = line!.slice(1).map(Number);
      expect([nFg, nValid]).toEqual([g.n_fg, g.n_valid]);
      // the crop is the golden one (above), so the losses.test.ts bound holds: 1e-4 relative, which also
      // covers the print's six significant digits (5e-6 relative at most)
      for (const [name, ours, want] of [['cls', cls, g.cls_loss], ['bbox', bbox, g.bbox_loss], ['landmark', landmark, g.landmark_loss]] as const) {
        expect(Math.abs(ours - want), `stride ${stride} ${name} loss ${ours} vs ${want}`).toBeLessThanOrEqual(1e-4 * Math.abs(want));
      }
    }
  });

  it('every error is a one-line RetinaFaceError naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['--image', image, '--gt', join(dir, 'nope.json')], /nope\.json: cannot read \(ENOENT\)/],
      [['--image', image, '--gt', gtJson, '--pre-scale', '0', '--up', '0', '--left', '0'], /pre-scale 0 of a 1280x886 image gives a window of 0 px/],
      [['--image', image, '--gt', gtJson, '--seed', '1.5'], /--seed must be an integer, got 1\.5/],
      [['--image', image, '--gt', image], /neither GT\.json .* nor a label\.txt/],
    ];
    for (const [argv, message] of cases) {
      const err = await run(argv).then(() => undefined, (e: unknown) => e);
      expect(err, argv.join(' ')).toBeInstanceOf(RetinaFaceError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).not.toContain('\n');
    }
  });

  it('usage errors name the options', async () => {
    await expect(run(['--image', image, '--gt', gtJson, '--up', '3'])).rejects.toThrow(/--pre-scale, --up and --left go together \(got only --up\)/);
    await expect(run(['--image', image, '--gt', gtJson, '--seed', '1', '--pre-scale', '1', '--up', '0', '--left', '0'])).rejects.toThrow(/either --seed or/);
    await expect(run(['--gt', gtJson])).rejects.toThrow(/--image is required/);
    await expect(run(['--image', image, '--gt', gtJson, '--model', 'x'])).rejects.toThrow(/--model is only used with --loss/);
    await expect(run(['--image', image, '--gt', gtJson, '--pre-scale', '1', '--up', '5', '--left', '0'])).rejects.toThrow(/up 0\.\.0, left 0\.\.285/);
  });
});
