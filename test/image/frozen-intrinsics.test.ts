/**
 * JPEG decoding touches no global (issue 12): under `node --frozen-intrinsics` (Object.prototype
 * and every other intrinsic frozen, as SES `lockdown()` leaves them) t1.jpg (baseline 4:2:0) and a
 * progressive file decode to cv2.imread's pixels, and a whole detection on t1 runs. The code runs
 * in a child process from a private transpiled copy of src (test/helpers/transpile.ts).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rgbImage } from '../../src/image/rgb-image.js';
import { goldenDir, imagesDir, sharedDir } from '../helpers/golden.js';
import { transpiledPackage } from '../helpers/transpile.js';
import { expectSameImage, goldenImage } from './golden-image.js';

let dir: string;

beforeAll(async () => {
  dir = await transpiledPackage('retinaface-frozen-');
  writeFileSync(join(dir, 'decode.mjs'), `import { readFileSync, writeFileSync } from 'node:fs';
import { decodeImage } from './dist/image/decode.js';
import { RetinaFace } from './dist/index.js';
const [, , model, out, ...files] = process.argv;
const frozen = Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype);
const sizes = files.map((file, i) => {
  const img = decodeImage(new Uint8Array(readFileSync(file)), { where: file });
  writeFileSync(out + i, img.data);
  return [img.width, img.height];
});
const detector = await RetinaFace.load({ model });
const { faces } = await detector.detect(files[0], { targetSize: 480 });
detector.dispose();
console.log(JSON.stringify({ frozen, sizes, faces: faces.length }));
`);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('under node --frozen-intrinsics', () => {
  it('t1.jpg and a progressive JPEG decode bit for bit as cv2.imread; detect runs', () => {
    const files = [join(imagesDir, 't1.jpg'), join(goldenDir, 'decode/progressive-420.jpg')];
    const out = join(dir, 'pixels');
    const r = spawnSync(process.execPath, ['--frozen-intrinsics', 'decode.mjs', join(sharedDir, 'models/mnet.25'), out, ...files], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    expect(result.frozen).toBe(true);
    expect(result.faces).toBeGreaterThan(0);
    const golden = [goldenImage('heads-t1', 'pixels.npy'), goldenImage('decode', 'progressive-420.npy')];
    golden.forEach((ref, i) => {
      const [width, height] = result.sizes[i];
      expectSameImage(files[i], rgbImage(width, height, new Uint8Array(readFileSync(out + i))), ref);
    });
  });
});
