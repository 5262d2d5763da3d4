#!/usr/bin/env node
/**
 * JPEG decoding time (decodeImage: header walk, entropy decoding, IDCT, upsampling, colour) on the
 * photos of ../shared/images, from a built package: `node bench/jpeg-decode.mjs [PACKAGE_DIR ...]`
 * (default: this repository, after `npm run build`). Give other checkouts' directories, built, to
 * compare versions in one process: their decodes alternate, so a load that comes and goes falls on
 * each alike. One warm-up decode each, then RUNS (default 7) timed decodes each: the median and min
 * of wall time, and the min of process CPU time (user + system), which a shared machine inflates less.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const roots = process.argv.length > 2 ? process.argv.slice(2) : [new URL('..', import.meta.url).pathname];
const runs = Number(process.env.RUNS ?? 7);
const decoders = await Promise.all(roots.map(async (root) => (await import(pathToFileURL(resolve(root, 'dist/image/decode.js')).href)).decodeImage));
const images = new URL('../../shared/images/', import.meta.url);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
for (const name of ['t1.jpg', 't5.jpg', 't2.jpg']) {
  const bytes = new Uint8Array(readFileSync(new URL(name, images)));
  const { width, height } = decoders[0](bytes);
  decoders.slice(1).forEach((decode) => decode(bytes));
  const wall = decoders.map(() => []);
  const cpu = decoders.map(() => Infinity);
  for (let i = 0; i < runs; i++) {
    decoders.forEach((decode, k) => {
      const [w0, c0] = [performance.now(), cpuMs()];
      decode(bytes);
      wall[k].push(performance.now() - w0);
      cpu[k] = Math.min(cpu[k], cpuMs() - c0);
    });
  }
  const row = decoders.map((_, k) => {
    const t = wall[k].sort((a, b) => a - b);
    return `${roots.length > 1 ? `${roots[k]}: ` : ''}median ${t[runs >> 1].toFixed(0)} ms, min ${t[0].toFixed(0)} ms, min CPU ${cpu[k].toFixed(0)} ms`;
  });
  console.log(`${name} ${width}x${height}: ${row.join(' | ')}`);
}
