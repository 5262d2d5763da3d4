/**
 * The built demo in a real browser, for the browser tests (test/browser) and the browser benchmark
 * (bench/browser-detect.ts): `openDemo` builds the page with Vite into a temporary folder, serves
 * it from 127.0.0.1 with COOP/COEP (serve.ts), and opens it in Debian's chromium through
 * playwright-core; `detectInPage` picks an image with chosen settings and returns what #result
 * holds once the page is done. Node only; the page never imports this.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DemoResult } from './main.js';
import { staticFiles } from './serve.js';

export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_FLAGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

/** Why the demo cannot be driven here, or null when it can. */
export const noBrowser = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (apt-get install chromium)`;

export interface Demo {
  context: BrowserContext;
  page: Page;
  /** The built page's folder (removed by close). */
  out: string;
  /** Uncaught errors on the page so far. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** Builds, serves and opens the demo; resolves once the page is idle (or shows an error). */
export async function openDemo(): Promise<Demo> {
  const out = mkdtempSync(join(tmpdir(), 'retinaface-web-'));
  const userDataDir = mkdtempSync(join(tmpdir(), 'retinaface-chromium-'));
  const { build } = await import('vite');
  await build({ configFile: resolve('web/vite.config.ts'), logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
  const server: Server = createServer(staticFiles(out));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const { chromium } = await import('playwright-core');
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: LAUNCH_FLAGS, viewport: { width: 1500, height: 1000 } });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.state === 'idle' || document.body.dataset.state === 'error');
  return {
    context,
    page,
    out,
    pageErrors,
    close: async () => {
      await context.close();
      await new Promise((done) => server.close(done));
      for (const dir of [out, userDataDir]) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PageSettings {
  backend: 'wasm' | 'gpujs-webgl2' | 'gpujs-webasm';
  /** wasm kernel threads; '0' is the engine's default. */
  threads?: string;
  targetSize: number;
  threshold: number;
}

/** Picks `image` on the page with `settings` and returns what #result holds; throws when the page ends in its error state. */
export async function detectInPage(page: Page, image: string, settings: PageSettings, timeout: number): Promise<DemoResult> {
  // set without change events, so that only picking the image starts a run
  await page.evaluate(([b, t, size, threshold]) => {
    (document.getElementById('backend') as HTMLSelectElement).value = b;
    (document.getElementById('threads') as HTMLSelectElement).value = t;
    (document.getElementById('target-size') as HTMLInputElement).value = size;
    (document.getElementById('threshold') as HTMLInputElement).value = threshold;
    document.body.dataset.state = 'idle';
    document.getElementById('result')!.textContent = '';
  }, [settings.backend, settings.threads ?? '0', String(settings.targetSize), String(settings.threshold)]);
  await page.setInputFiles('#image-file', image);
  await page.waitForFunction(() => document.body.dataset.state === 'done' || document.body.dataset.state === 'error', null, { timeout, polling: 100 });
  const [state, status] = await page.evaluate(() => [document.body.dataset.state, document.getElementById('status')!.textContent]);
  if (state !== 'done') throw new Error(`the page ended in state ${state}: ${status}`);
  return JSON.parse((await page.textContent('#result'))!) as DemoResult;
}
