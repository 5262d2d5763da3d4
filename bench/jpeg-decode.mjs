#!/usr/bin/env node
/**
 * JPEG decoding time (decodeImage: header walk, entropy decoding, IDCT, upsampling, colour) on the
 * photos of ../shared/images, from a built package: `node bench/jpeg-decode.mjs [PACKAGE_DIR]`
 * (default: this repository, after `npm run build`). Give another checkout's directory, built, to
 * compare two versions in one run. One warm-up decode, then the median and min of 5.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? new URL('..', import.meta.url).pathname);
const { decodeImage } = await import(pathToFileURL(resolve(root, 'dist/image/decode.js')).href);
const images = new URL('../../shared/images/', import.meta.url);
for (const name of ['t1.jpg', 't5.jpg', 't2.jpg']) {
  const bytes = new Uint8Array(readFileSync(new URL(name, images)));
  const { width, height } = decodeImage(bytes);
  const times = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    decodeImage(bytes);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name} ${width}x${height}: median ${times[2].toFixed(0)} ms, min ${times[0].toFixed(0)} ms`);
}
