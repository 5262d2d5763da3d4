/**
 * What the demo page fetches besides its own files, for the Vite dev server (vite.config.ts) and
 * the browser tests' static server alike:
 *
 *   /model/index.json   the model's file names: {"symbol": "...-symbol.json", "params": "...-NNNN.params"}
 *                       or {"safetensors": "....safetensors"}; 404 when no model is found
 *   /model/<file>       those files, from $RETINAFACE_MODEL or the bundled models/mnet.25
 *   /models/index.json  the bundled models' names (models/<name>/: mnet.25, mnet_cov2), for the
 *                       page's model chooser
 *   /models/<name>/index.json, /models/<name>/<file>   one bundled model, as /model/
 *   /samples/index.json the sample images' names: samples/ (astronaut.png), then ../shared/images
 *   /samples/<file>     one of them
 *
 * Every response carries COOP/COEP (`crossOriginIsolatedHeaders`): with them the page is
 * cross-origin isolated, SharedArrayBuffer exists, and gpu.js webasm runs on worker threads.
 * Node only; the page itself never imports this.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export const crossOriginIsolatedHeaders: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.wasm': 'application/wasm',
};

/** The model directory the page is given, as locateModel in src/weights/locate.ts searches. */
export function modelDir(): string | undefined {
  const env = process.env.RETINAFACE_MODEL;
  const dir = env ? resolve(env) : resolve(repoRoot, 'models/mnet.25');
  return existsSync(dir) && statSync(dir).isDirectory() ? dir : undefined;
}

/** The model's files inside `dir`: MXNet's pair, or one .safetensors. */
export function modelIndex(dir: string): { symbol: string; params: string } | { safetensors: string } | undefined {
  const files = readdirSync(dir).sort();
  const params = files.find((f) => /-\d{4}\.params$/.test(f));
  if (params !== undefined) {
    const symbol = params.replace(/-\d{4}\.params$/, '-symbol.json');
    if (files.includes(symbol)) return { symbol, params };
  }
  const safetensors = files.find((f) => f.endsWith('.safetensors'));
  return safetensors === undefined ? undefined : { safetensors };
}

/** The models bundled in the repository (models/<name>/ holding one), by name. */
export function bundledModelNames(): string[] {
  const root = resolve(repoRoot, 'models');
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory() && modelIndex(join(root, name)) !== undefined).sort();
}

/** The sample photos: the repository's own (samples/), then the project's beside it, if there. */
export const samplesDirs = [resolve(repoRoot, 'samples'), resolve(repoRoot, '../shared/images')];

const isPhoto = (f: string) => /\.(jpe?g|png)$/i.test(f);

/**
 * Connect-style middleware for /model/ and /samples/; anything else goes to `next`.
 * Only plain file names are served (no path separators), from those two directories.
 */
export function demoFiles(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const plain = (name: string) => !(name.includes('/') || name.includes('\\') || name.startsWith('.'));
  if (url.pathname === '/models/index.json') return send(res, 'application/json', Buffer.from(JSON.stringify(bundledModelNames())));
  const one = /^\/models\/([^/]+)\/([^/]+)$/.exec(url.pathname);
  if (one !== null) {
    const [model, name] = [decodeURIComponent(one[1]), decodeURIComponent(one[2])];
    if (!plain(name) || !bundledModelNames().includes(model)) return notFound(res);
    return serveModelFile(res, resolve(repoRoot, 'models', model), name);
  }
  const m = /^\/(model|samples)\/([^/]+)$/.exec(url.pathname);
  if (m === null) return next();
  const name = decodeURIComponent(m[2]);
  if (!plain(name)) return notFound(res);
  if (m[1] === 'model') {
    const model = modelDir();
    return model === undefined ? notFound(res) : serveModelFile(res, model, name);
  }
  const samples = samplesDirs.filter((d) => existsSync(d));
  if (name === 'index.json') return send(res, 'application/json', Buffer.from(JSON.stringify([...new Set(samples.flatMap((d) => readdirSync(d).filter(isPhoto).sort()))])));
  const dir = samples.find((d) => existsSync(join(d, name)));
  if (dir === undefined) return notFound(res);
  serveFile(res, dir, name);
}

/** `name` of the model in `dir`: index.json (modelIndex) or one of its files. */
function serveModelFile(res: ServerResponse, dir: string, name: string): void {
  if (name !== 'index.json') return serveFile(res, dir, name);
  const index = modelIndex(dir);
  return index === undefined ? notFound(res) : send(res, 'application/json', Buffer.from(JSON.stringify(index)));
}

function serveFile(res: ServerResponse, dir: string, name: string): void {
  const file = join(dir, name);
  if (!existsSync(file) || !statSync(file).isFile()) return notFound(res);
  send(res, TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream', readFileSync(file));
}

/** A static file server for a built page (`vite build` output) plus demoFiles, for tests. */
export function staticFiles(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    demoFiles(req, res, () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const file = resolve(root, `.${path.endsWith('/') ? `${path}index.html` : path}`);
      if (!file.startsWith(resolve(root)) || !existsSync(file) || !statSync(file).isFile()) return notFound(res);
      send(res, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', readFileSync(file));
    });
}

function send(res: ServerResponse, type: string, body: Buffer): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-cache', ...crossOriginIsolatedHeaders });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  res.writeHead(404, { 'Content-Type': 'text/plain', ...crossOriginIsolatedHeaders });
  res.end('not found');
}
