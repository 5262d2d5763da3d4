import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/train-targets.js';
import { readNpy } from '../../src/tensor/npy.js';
import { expectTensorClose, goldenDir, imagesDir, readManifest } from '../helpers/golden.js';
import { goldenF32 } from './golden-arrays.js';

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
  const a = readNpy(new Uint8Array(readFileSync(join(out, file))), file);
  if (a.dtype !== '<f4') throw new Error(`${file}: ${a.dtype}`);
  return a;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'train-targets-'));
  const boxes = goldenF32(CASE, 'gt_boxes_in.npy').data;
  const landmarks = goldenF32(CASE, 'gt_landmarks_in.npy').data;
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
      expectTensorClose(file, readOut(out, file), goldenF32(CASE, file), file.includes('target') ? 1e-5 : 0);
    }
    // our JPEG decoder differs from libjpeg by a level here and there, so the crop is close, not equal
    expectTensorClose('crop.npy', readOut(out, 'crop.npy'), goldenF32(CASE, 'crop.npy'), 0.5);
    expect(Array.from(readFileSync(join(out, 'crop.png')).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
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
    const printed = await trainTargets('--image', image, '--gt', label, '--pre-scale', '1', '--up', '0', '--left', '150');
    expect(printed).toMatch(/1 of 1 faces kept/);
  });

  it('--loss prints OHEM counts and the three losses per stride', async () => {
    const m = readManifest(CASE);
    const printed = await trainTargets('--image', image, '--gt', gtJson, '--pre-scale', '0.6', '--up', String(m.up), '--left', String(m.left), '--loss');
    const golden = readManifest('train-loss-crop-t1-s0.6').values.stride16;
    expect(printed).toMatch(new RegExp(`loss stride 16: OHEM ${golden.n_fg} faces of ${golden.n_valid} anchors; cls [0-9.e-]+, bbox [0-9.e-]+, landmark [0-9.e-]+`));
  });

  it('usage errors name the options', async () => {
    await expect(run(['--image', image, '--gt', gtJson, '--up', '3'])).rejects.toThrow(/--pre-scale, --up and --left go together \(got only --up\)/);
    await expect(run(['--image', image, '--gt', gtJson, '--seed', '1', '--pre-scale', '1', '--up', '0', '--left', '0'])).rejects.toThrow(/either --seed or/);
    await expect(run(['--gt', gtJson])).rejects.toThrow(/--image is required/);
    await expect(run(['--image', image, '--gt', gtJson, '--model', 'x'])).rejects.toThrow(/--model is only used with --loss/);
    await expect(run(['--image', image, '--gt', gtJson, '--pre-scale', '1', '--up', '5', '--left', '0'])).rejects.toThrow(/up 0\.\.0, left 0\.\.285/);
  });
});
