/**
 * The wasm backend's uploadPicture (src/ops/wasm/resize.ts) against the reference it replaces,
 * `upload(pictureTensor(p))` (image/resize.ts, then net/input.ts), over every stored float of the
 * input planes, the zero border included, bit for bit: on seeded pictures of awkward shapes (1×1,
 * one row or column, odd sides, up- and downscaling, portrait and landscape, fx ≠ fy, the same-size
 * copy, mirrored for the flip test), in an unshared and a shared memory (the backend with worker
 * threads), whole and cut into slabs of a few rows; then on the golden resize/ cases, straight
 * against cv2's output.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import type { ResizeTarget } from '../../src/image/resize.js';
import { mirrored, resizeTaps } from '../../src/image/resize.js';
import { pictureTensor } from '../../src/net/input.js';
import type { PictureInput } from '../../src/ops/backend.js';
import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { instantiateKernels } from '../../src/ops/wasm/kernels.js';
import { planarDims, WasmMemory, type WasmTensor } from '../../src/ops/wasm/memory.js';
import { uploadPicture } from '../../src/ops/wasm/resize.js';
import { mulberry32, seedOf } from '../helpers/random.js';
import { goldenImage, goldenResizeCases } from '../image/golden-image.js';

function picture(image: RgbImage, target: ResizeTarget, flip = false): PictureInput {
  const { columns, rows } = resizeTaps(image.width, image.height, target);
  return { shape: [1, 3, rows.s0.length, columns.s0.length], image, taps: { columns: flip ? mirrored(columns) : columns, rows } };
}

function randomImage(width: number, height: number, seed: number): RgbImage {
  const rand = mulberry32(seed);
  // a third of the values at the extremes 0 and 255, where rounding and saturation bite
  return rgbImage(width, height, Uint8Array.from({ length: width * height * 3 }, () => {
    const r = rand();
    return r < 0.15 ? 0 : r < 0.3 ? 255 : Math.floor(rand() * 256);
  }));
}

const [oneMemory, twoMemory] = [new WasmMemory(), new WasmMemory(true)];
const one = createWasmBackend({ threads: 1, memory: oneMemory });
const two = createWasmBackend({ threads: 2, memory: twoMemory });
afterAll(() => two.destroy());

/** Every stored float of a (1, 3, H, W) tensor's planes (the slack after them excepted). */
function storedPlanes(memory: WasmMemory, x: WasmTensor): Float32Array {
  const { C, PS } = planarDims(x.shape);
  return memory.f32.slice(x.offset / 4, x.offset / 4 + C * PS);
}

/** `slabBytes`: uploadPicture's own call with slabs that small, instead of the backend's. */
async function expectSameStored(name: string, backend: ReturnType<typeof createWasmBackend>, memory: WasmMemory, p: PictureInput, slabBytes?: number): Promise<void> {
  const ref = await backend.upload(pictureTensor(p));
  const ours = slabBytes === undefined ? await backend.uploadPicture!(p) : uploadPicture(memory, instantiateKernels(memory.memory, memory.shared), p, slabBytes);
  const [a, b] = [storedPlanes(memory, ours), storedPlanes(memory, ref)];
  backend.free(ours);
  backend.free(ref);
  const first = a.findIndex((v, i) => !Object.is(v, b[i]));
  expect(first, `${name}: first differing stored float ${first} (ours ${a[first]}, reference ${b[first]})`).toBe(-1);
}

/** [source W, H, target] */
const CASES: [number, number, ResizeTarget][] = [
  [1, 1, { width: 5, height: 3 }], // a 1×1 source: one colour everywhere
  [7, 5, { width: 1, height: 1 }], // down to 1×1
  [1, 9, { fx: 3, fy: 0.5 }], // one column, widened
  [13, 1, { fx: 0.4, fy: 2 }], // one row
  [37, 23, { fx: 0.37, fy: 0.37 }], // downscaling, odd sides
  [23, 37, { fx: 0.61, fy: 0.61 }], // portrait
  [11, 9, { fx: 2.7, fy: 2.7 }], // upscaling: rows shared by consecutive output rows
  [19, 17, { fx: 1.6, fy: 0.45 }], // fx ≠ fy
  [64, 48, { fx: 0.5, fy: 0.5 }],
  [29, 31, { fx: 1, fy: 1 }], // the same size: cv2's copy
  [30, 20, { width: 29, height: 19 }], // by a size, each output width mod 4
  [30, 20, { width: 30, height: 19 }],
  [30, 20, { width: 31, height: 19 }],
  [30, 20, { width: 32, height: 19 }],
  [160, 90, { fx: 0.83, fy: 0.83 }], // two slabs of rows
  [9, 40, { fx: 1.3, fy: 3.3 }], // upscaling tall: source rows shared across slab boundaries
];

describe('uploadPicture vs upload(pictureTensor) (wasm resize, bit for bit)', () => {
  for (const [W, H, target] of CASES) {
    for (const flip of [false, true]) {
      const name = `${W}x${H} → ${JSON.stringify(target)}${flip ? ' mirrored' : ''}`;
      it(name, async () => {
        const p = picture(randomImage(W, H, seedOf(name)), target, flip);
        await expectSameStored(name, one, oneMemory, p);
        await expectSameStored(`${name}, shared memory`, two, twoMemory, p);
        // slabs of about three source rows
        await expectSameStored(`${name}, in slabs`, one, oneMemory, p, 3 * W * 3);
      });
    }
  }

  it('a 641×479 picture at 0.83, 5 bytes into its buffer, in slabs of one to twenty source rows', async () => {
    const { data } = randomImage(641, 479, 11);
    const moved = new Uint8Array(data.length + 5).subarray(5);
    moved.set(data);
    const p = picture(rgbImage(641, 479, moved), { fx: 0.83, fy: 0.83 });
    for (const rows of [1, 2, 7, 20]) await expectSameStored(`641x479, slabs of ${rows} rows`, one, oneMemory, p, rows * 641 * 3);
  });
});

describe('uploadPicture vs golden resize/ (cv2.resize INTER_LINEAR)', () => {
  const src = goldenImage('resize', 'src.npy');
  for (const { file, what, target } of goldenResizeCases()) {
    it(`${file}: ${what}`, async () => {
      const golden = goldenImage('resize', file);
      const x = await one.uploadPicture!(picture(src, target));
      const t = await one.download(x);
      one.free(x);
      const n = golden.width * golden.height;
      expect(t.shape).toEqual([1, 3, golden.height, golden.width]);
      const diffs = Array.from(golden.data).flatMap((v, j) => (t.data[(j % 3) * n + Math.floor(j / 3)] === v ? [] : [j]));
      expect(diffs.length, `${file}: values differing from cv2's`).toBe(0);
    });
  }
});
