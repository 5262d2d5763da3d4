#!/usr/bin/env node
/**
 * The JPEG IDCT alone (`idctBlockRow` over every block of t1.jpg and t2.jpg, their coefficients
 * decoded once), from built packages: `node bench/jpeg-idct.mjs [PACKAGE_DIR ...]` (default: this
 * repository, after `npm run build`). Several directories alternate in one process; each row gives
 * the min process CPU time of 12 passes. Steadier than whole decodes, whose page faults and entropy
 * decoding vary more than a kernel change moves them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const roots = process.argv.length > 2 ? process.argv.slice(2) : [new URL('..', import.meta.url).pathname];
const load = (root, file) => import(pathToFileURL(resolve(root, 'dist/image', file)).href);
const { readJpegHeader } = await load(roots[0], 'jpeg.js');
const { decodeCoefficients } = await load(roots[0], 'jpeg-scan.js');
const kernels = await Promise.all(roots.map(async (root) => (await load(root, 'jpeg-idct.js')).idctBlockRow));
const images = new URL('../../shared/images/', import.meta.url);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const name of ['t1.jpg', 't2.jpg']) {
  const bytes = new Uint8Array(readFileSync(new URL(name, images)));
  const header = readJpegHeader(bytes, name);
  const components = decodeCoefficients(bytes, header.frame, header.segments, name);
  const out = components.map((c) => new Uint8Array(c.coefficients.length));
  const ws = new Int32Array(64);
  const best = kernels.map(() => Infinity);
  for (let pass = 0; pass < 12; pass++) {
    kernels.forEach((idctBlockRow, k) => {
      const c0 = cpuMs();
      components.forEach((c, i) => {
        const stride = 8 * c.blocksWide;
        for (let by = 0; by < c.blocksHigh; by++) idctBlockRow(c.coefficients, c.blocksPerLine, c.quant, c.blocksWide, by, out[i], 8 * by * stride, stride, ws);
      });
      best[k] = Math.min(best[k], cpuMs() - c0);
    });
  }
  console.log(`${name}: ${best.map((t, k) => `${roots.length > 1 ? `${roots[k]} ` : ''}${t.toFixed(1)} ms`).join(' | ')}`);
}
