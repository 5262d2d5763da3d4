/**
 * The demo's model chooser (web/main.ts, web/serve.ts) in a real browser: choosing the bundled
 * mask model mnet_cov2 sets its test script's threshold and size (0.8, 640), the page's wasm
 * detector (in its Web Worker) finds on maksssksksss0.png (RGB 8-bit, so the browser's pixels are
 * cv2.imread's) exactly the faces and mask scores Node's wasm backend finds, and the mask map of a
 * stride can be shown. Skips without /usr/bin/chromium, as web-demo.test.ts does.
 */
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetinaFace, type Face } from '../../src/index.js';
import { detectInPage, noBrowser, openDemo, type Demo } from '../../web/drive.js';

const IMAGE = resolve('../shared/images/mask/maksssksksss0.png');

describe.skipIf(noBrowser !== null)(`web demo with the mask model${noBrowser ? ` — skipped: ${noBrowser}` : ''}`, () => {
  let demo: Demo;
  let node: Face[];
  beforeAll(async () => {
    demo = await openDemo();
    const detector = await RetinaFace.load({ model: join('models', 'mnet_cov2') });
    try {
      node = (await detector.detect(IMAGE)).faces;
    } finally {
      detector.dispose();
    }
  }, 300_000);
  afterAll(async () => demo?.close());

  it('offers the bundled models; choosing mnet_cov2 sets threshold 0.8 and target size 640', async () => {
    const { page } = demo;
    expect(await page.$$eval('#model option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['', 'mnet.25', 'mnet_cov2']);
    await page.selectOption('#model', 'mnet_cov2');
    await page.waitForFunction(() => document.body.dataset.state === 'idle' || document.body.dataset.state === 'error');
    expect(await page.textContent('#model-status')).toMatch(/^mnet_cov2-0000\.params \(.* MB, bundled mnet_cov2\)$/);
    expect(await page.inputValue('#threshold')).toBe('0.8');
    expect(await page.inputValue('#target-size')).toBe('640');
  }, 120_000);

  it("detects maksssksksss0.png on wasm in the worker: Node's faces and mask scores exactly; the mask map shows", async () => {
    const r = await detectInPage(demo.page, IMAGE, { backend: 'wasm', targetSize: 640, threshold: 0.8 }, 240_000);
    expect([r.model, r.maskThreshold, r.where]).toEqual(['mnet_cov2', 0.2, 'worker']);
    expect(node).toHaveLength(2);
    expect(r.faces).toEqual(node);
    expect(r.faces.every((f) => typeof f.mask === 'number')).toBe(true);
    await demo.page.check('#heatmap-mask');
    await demo.page.check('input[name=heatmap][value="16"]');
    expect(await demo.page.textContent('#legend-label')).toMatch(/^stride 16, mask: \d+×\d+ cells of 16 px$/);
    expect(demo.pageErrors).toEqual([]);
  }, 300_000);
});
