#!/usr/bin/env node
/**
 * The cost of the five-point alignment per face (norm_crop: estimate_norm, then warpAffine), from a
 * built package: `node bench/align.mjs` after `npm run build`. The faces are t1.jpg's six, found
 * once by detect(); then each is aligned from the decoded picture (no decode in the timing) at 112
 * and 224, 200 times: normCrop alone (what detect's `align` runs), and the API's alignFace on raw
 * RGB pixels (used in place, not copied). Median and min per face.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(new URL('..', import.meta.url).pathname);
const load = (path) => import(pathToFileURL(resolve(root, 'dist', path)).href);
const { RetinaFace, alignFace } = await load('index.js');
const { decodeImage } = await load('image/decode.js');
const { normCrop } = await load('align/face-align.js');

const image = decodeImage(new Uint8Array(readFileSync(new URL('../../shared/images/t1.jpg', import.meta.url))));
const pixels = { ...image, channels: 3 };
const detector = await RetinaFace.load();
const { faces } = await detector.detect(pixels);
detector.dispose();
const ways = [
  ['normCrop', (face, size) => normCrop(image, face.landmarks, size)],
  ['alignFace(pixels)', (face, size) => alignFace(pixels, face.landmarks, { size })],
];
for (const [what, align] of ways) {
  for (const size of [112, 224]) {
    const times = [];
    for (let run = 0; run < 200; run++) {
      const t0 = performance.now();
      for (const face of faces) align(face, size);
      times.push((performance.now() - t0) / faces.length);
    }
    times.sort((a, b) => a - b);
    console.log(`${what}, t1.jpg's ${faces.length} faces at ${size}x${size}: median ${times[100].toFixed(3)} ms per face, min ${times[0].toFixed(3)} ms`);
  }
}
