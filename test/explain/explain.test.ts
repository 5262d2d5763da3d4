/**
 * `retinaface explain`: the report of t1.jpg has every section of the seed's walk, every figure it
 * references is a PNG beside it, every source file it names exists in this repository, and the
 * faces it reports are the ones detect() finds with the same options (golden heads-t1's six at the
 * default scale are checked in test/detect; here a smaller scale keeps the test quick).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/explain.js';
import { RetinaFace } from '../../src/detect/retinaface.js';
import { alignFace } from '../../src/detect/align-face.js';
import { imagesDir, repoRoot, sharedDir } from '../helpers/golden.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-explain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retinaface explain', () => {
  it('t1.jpg: all sections, figures beside the page, real source paths, the same faces as detect()', async () => {
    const image = join(imagesDir, 't1.jpg');
    const printed: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (printed.push(String(s)), true));
    let code: number;
    try {
      code = await run([image, '--out', dir, '--backend', 'gpujs-webasm', '--target-size', '512']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const page = readFileSync(join(dir, 'index.html'), 'utf8');

    const ids = [...page.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['input', 'backbone', 'fpn', 'ssh', 'stride32', 'stride16', 'stride8', 'nms', 'align', 'timing']);
    for (const [i, id] of ids.entries()) {
      const body = page.slice(page.indexOf(`<section id="${id}">`), i + 1 < ids.length ? page.indexOf(`<section id="${ids[i + 1]}">`) : undefined);
      if (id !== 'timing') expect(body, id).toMatch(/<img src="/);
      expect(body, `${id} names an original function or node and our file`).toMatch(/<code>src\/[\w/.-]+\.ts<\/code>/);
    }
    for (const [, file, w, h] of page.matchAll(/<img src="([^"]+)" alt="[^"]*" width="(\d+)" height="(\d+)">/g)) {
      const png = PNG.sync.read(readFileSync(join(dir, file)));
      expect([png.width, png.height], file).toEqual([Number(w), Number(h)]);
    }
    for (const [, path] of page.matchAll(/<code>(src\/[\w/.-]+\.ts)<\/code>/g)) expect(existsSync(join(repoRoot, path)), path).toBe(true);
    for (const name of ['anchors_plane', 'bbox_pred', 'cpu_nms', 'generate_anchors_fpn', 'landmark_pred', 'clip_boxes', 'crop0', '_plus1']) expect(page).toContain(name);
    expect(page).not.toMatch(/https?:\/\//);

    const detector = await RetinaFace.load({ backend: 'gpujs-webasm' });
    try {
      const { faces } = await detector.detect(image, { targetSize: 512 });
      expect(printed.join('')).toContain(`${faces.length} faces`);
      const rows = [...page.slice(page.indexOf('<section id="nms">')).matchAll(/<tr><td>(0\.\d{4})<\/td><td>([\d., ]+)<\/td><\/tr>/g)];
      expect(rows.map((r) => r[1])).toEqual(faces.map((f) => f.score.toFixed(4)));
      expect(rows.map((r) => r[2])).toEqual(faces.map((f) => f.box.map((v) => v.toFixed(1)).join(', ')));
      expect(faces.length).toBeGreaterThanOrEqual(5);

      // the alignment section: one row per face, and aligned.png holds alignFace's crops side by side
      const align = page.slice(page.indexOf('<section id="align">'), page.indexOf('<section id="timing">'));
      expect([...align.matchAll(/<tr><td>\d+<\/td>/g)].length).toBe(faces.length);
      const strip = PNG.sync.read(readFileSync(join(dir, 'aligned.png')));
      expect([strip.width, strip.height]).toEqual([faces.length * 120 + 8, 112 + 16]);
      // explain runs the unfused plan, detect the fused one: landmarks agree to float rounding, the crops to a level or so
      faces.forEach((face, n) => {
        const { pixels } = alignFace(image, face.landmarks);
        let sum = 0;
        for (let y = 0; y < 112; y++) {
          for (let x = 0; x < 112; x++) {
            const at = ((8 + y) * strip.width + 8 + n * 120 + x) * 4;
            for (let c = 0; c < 3; c++) sum += Math.abs(strip.data[at + c] - pixels[(y * 112 + x) * 3 + c]);
          }
        }
        expect(sum / (112 * 112 * 3), `face ${n}: mean difference from alignFace`).toBeLessThan(0.5);
      });
    } finally {
      detector.dispose();
    }
  });

  it('refuses several scales or flip, and a missing --out, as usage/option errors', async () => {
    await expect(run([join(imagesDir, 't4.jpg')])).rejects.toThrow(/--out DIR is required/);
    await expect(run([join(imagesDir, 't4.jpg'), '--out', dir, '--scales', '0.5,1', '--backend', 'cpu'])).rejects.toThrow(/explain walks one scale/);
  });
});

describe('retinaface explain with the mask model (mnet_cov2)', () => {
  it('maksssksksss5.png: the type head in the SSH section, a mask map per stride, the mask column equal to detect()', async () => {
    const out = join(dir, 'cov2');
    const image = join(sharedDir, 'images/mask/maksssksksss5.png');
    const model = join(sharedDir, 'models/mnet_cov2');
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await run([image, '--out', out, '--model', model])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    const page = readFileSync(join(out, 'index.html'), 'utf8');
    expect(page).toContain('<h1>RetinaFace mnet_cov2, one detection explained</h1>');
    expect(page).toContain('the graph scales it itself: <code>_minusscalar0</code> (− 127.5), then <code>_mulscalar0</code> (× 0.0078125)');
    for (const stride of [32, 16, 8]) {
      expect(page).toContain(`<code>face_rpn_type_prob_reshape_stride${stride}</code>`);
      const png = PNG.sync.read(readFileSync(join(out, `stride${stride}-mask.png`)));
      expect(page).toContain(`<img src="stride${stride}-mask.png" alt="mask probability`);
      expect(png.width).toBeGreaterThan(0);
    }
    for (const [, path] of page.matchAll(/<code>(src\/[\w/.-]+\.ts)<\/code>/g)) expect(existsSync(join(repoRoot, path)), path).toBe(true);
    const detector = await RetinaFace.load({ model });
    try {
      // the model's own defaults (threshold 0.8, 640 / 1080) in both
      const { faces } = await detector.detect(image);
      const rows = [...page.slice(page.indexOf('<section id="nms">')).matchAll(/<tr><td>(0\.\d{4})<\/td><td>[\d., ]+<\/td><td>(0\.\d{4})<\/td><\/tr>/g)];
      expect(faces).toHaveLength(5);
      expect(rows.map((r) => [r[1], r[2]])).toEqual(faces.map((f) => [f.score.toFixed(4), f.mask!.toFixed(4)]));
    } finally {
      detector.dispose();
    }
  });
});
