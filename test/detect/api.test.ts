/**
 * The library API as an embedder uses it: every input form gives the same faces, parallel calls
 * on one detector give what sequential calls give, tiny images find nothing, and bad input is a
 * RetinaFaceError with a one-line message. Small scales keep it quick; the golden faces are
 * checked in detect-golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RetinaFace, RetinaFaceError } from '../../src/index.js';
import { decodeImage } from '../../src/image/decode.js';
import { imagesDir } from '../helpers/golden.js';

const detector = await RetinaFace.load();
afterAll(() => detector.dispose());

const path = (name: string) => join(imagesDir, name);
const small = { targetSize: 320, maxSize: 640 };

async function errorOf(p: Promise<unknown>): Promise<RetinaFaceError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(RetinaFaceError);
  expect((err as Error).message).not.toContain('\n');
  return err as RetinaFaceError;
}

describe('RetinaFace.detect inputs', () => {
  it('a path, a Buffer, a Uint8Array, RGB, RGBA and ImageData-like pixels give the same faces', async () => {
    const bytes = readFileSync(path('t4.jpg'));
    const rgb = decodeImage(bytes);
    const rgba = new Uint8ClampedArray(rgb.width * rgb.height * 4);
    for (let i = 0; i < rgb.width * rgb.height; i++) {
      rgba.set(rgb.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    const fromPath = await detector.detect(path('t4.jpg'), small);
    expect(fromPath.faces.length).toBeGreaterThan(10);
    expect([fromPath.width, fromPath.height]).toEqual([640, 360]);
    for (const input of [bytes, new Uint8Array(bytes), { ...rgb, channels: 3 as const }, { data: rgba, width: rgb.width, height: rgb.height }]) {
      expect((await detector.detect(input, small)).faces).toEqual(fromPath.faces);
    }
  });

  it('parallel calls on one detector give what sequential calls give, in order', async () => {
    const names = ['t4.jpg', 't6.jpg', 't3.jpg'];
    const sequential = [];
    for (const n of names) sequential.push(await detector.detect(path(n), small));
    const parallel = await Promise.all(names.map((n) => detector.detect(path(n), small)));
    expect(parallel).toEqual(sequential);
  });

  it("what a detector keeps between photos (plans, the wasm memory and its freed blocks) changes nothing: t4 after larger and smaller inputs gives a fresh detector's faces", async () => {
    const fresh = await RetinaFace.load();
    try {
      const expected = (await fresh.detect(path('t4.jpg'), small)).faces;
      expect(expected.length).toBeGreaterThan(10);
      await detector.detect(path('t1.jpg'), { targetSize: 480 });
      expect((await detector.detect(path('t4.jpg'), small)).faces).toEqual(expected);
      await detector.detect(path('t6.jpg'), { targetSize: 160 });
      expect((await detector.detect(path('t4.jpg'), { ...small, flip: true, scales: [0.5, 1] })).faces).toEqual((await fresh.detect(path('t4.jpg'), { ...small, flip: true, scales: [0.5, 1] })).faces);
    } finally {
      fresh.dispose();
    }
  });

  it('a failing call does not stop the ones queued behind it', async () => {
    const [bad, good] = await Promise.allSettled([detector.detect(path('missing.jpg')), detector.detect(path('t4.jpg'), small)]);
    expect(bad.status).toBe('rejected');
    expect(good.status === 'fulfilled' && good.value.faces.length).toBeGreaterThan(10);
  });

  it('t2.jpg (5334x2767, 14.8 MP) at the default scale (about 1974x1024 for the network) completes', async () => {
    const r = await detector.detect(path('t2.jpg'));
    expect([r.width, r.height]).toEqual([5334, 2767]);
    expect(r.faces.length).toBeGreaterThan(0);
    for (const f of r.faces) expect(f.box[2]).toBeLessThanOrEqual(5333);
  });

  it('1x1 and 8x8 images work and find nothing', async () => {
    for (const side of [1, 8]) {
      const r = await detector.detect({ data: new Uint8Array(side * side * 3).fill(128), width: side, height: side, channels: 3 }, small);
      expect([r.width, r.height, r.faces]).toEqual([side, side, []]);
    }
  });

  it('bad pixels, options and inputs are RetinaFaceErrors naming the problem', async () => {
    expect((await errorOf(detector.detect({ data: new Uint8Array(10), width: 2, height: 2 }))).message).toBe('pixels: 10 values do not make 2x2 RGB or RGBA');
    expect((await errorOf(detector.detect({ data: new Uint8Array(0), width: 0, height: 2 }))).message).toMatch(/width 0 and height 2 must be positive integers/);
    expect((await errorOf(detector.detect(path('t4.jpg'), { threshold: -0.1 }))).code).toBe('OPTION');
    expect((await errorOf(detector.detect(path('t4.jpg'), { nmsThreshold: 0 }))).message).toMatch(/nmsThreshold: 0 must be in \(0, 1\]/);
    expect((await errorOf(detector.detect(path('t4.jpg'), { scales: [0] }))).message).toMatch(/scales/);
    expect((await errorOf(detector.detect(path('t4.jpg'), { maxPixels: 1000 }))).code).toBe('IMAGE');
    expect((await errorOf(detector.detect(42 as unknown as string))).message).toMatch(/input must be a file path, JPEG\/PNG bytes/);
    expect((await errorOf(RetinaFace.load({ backend: 'tpu' as 'cpu' }))).message).toMatch(/backend: "tpu" is not one of cpu, wasm, gpu/);
    for (const threads of [0, 1.5, 10]) expect((await errorOf(RetinaFace.load({ threads })))).toMatchObject({ code: 'OPTION', message: expect.stringMatching(/threads: .* is not a whole number from 1 to 9/) });
  });

  it('one thread and the default threads give the same faces, bit for bit', async () => {
    const one = await RetinaFace.load({ threads: 1 });
    try {
      const a = await one.detect(path('t4.jpg'), small);
      expect(a.kernel).toBe('wasm-simd128 + reference Reshape');
      expect((await detector.detect(path('t4.jpg'), small)).faces).toEqual(a.faces);
    } finally {
      one.dispose();
    }
  });

  it('a disposed detector refuses work', async () => {
    const d = await RetinaFace.load({ backend: 'cpu' });
    d.dispose();
    expect((await errorOf(d.detect(path('t4.jpg')))).message).toMatch(/disposed/);
  });
});
