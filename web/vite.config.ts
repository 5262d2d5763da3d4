/**
 * The browser demo's build: `npm run web` serves web/ with Vite's dev server, `vite build` writes
 * web/dist. The engine's sources are bundled as they are (src/index.ts); two things are swapped
 * for the browser and one is checked:
 *   - `pngjs` and `node:zlib` (the engine's PNG decoder) become web/no-png.ts: the page decodes
 *     PNGs with the browser and passes pixels;
 *   - gpu.js resolves to its browser build through its package.json `browser` field (Vite's default);
 *   - any other Node built-in reaching the bundle fails the build (`noNodeBuiltins`), so a node:fs
 *     import creeping into the engine's browser path is caught here rather than in a page.
 * The detector's Web Worker is bundled the same way, as an ES module.
 * Not minified, so gpu.js's kernel class names ("WebGL2Kernel") survive for the page to report.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { crossOriginIsolatedHeaders, demoFiles } from './serve.js';

const noPng = fileURLToPath(new URL('./no-png.ts', import.meta.url));

function serveDemoFiles(): Plugin {
  return {
    name: 'retinaface-demo-files',
    configureServer: (server) => void server.middlewares.use(demoFiles),
    configurePreviewServer: (server) => void server.middlewares.use(demoFiles),
  };
}

function noNodeBuiltins(): Plugin {
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  return {
    name: 'retinaface-no-node-builtins',
    apply: 'build',
    enforce: 'pre',
    resolveId(id, importer) {
      if (builtins.has(id) || id.startsWith('node:')) {
        this.error(`${importer ?? '?'} imports the Node built-in '${id}', which does not exist in a browser`);
      }
      return null;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  resolve: {
    alias: [
      { find: /^pngjs$/, replacement: noPng },
      { find: /^(node:)?zlib$/, replacement: noPng },
    ],
  },
  plugins: [serveDemoFiles(), noNodeBuiltins()],
  // the detector's Web Worker (web/detect-worker.ts) bundles the engine, whose backends are
  // dynamic imports: an ES module worker keeps them as chunks; the built-ins check applies there too
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  server: { host: '127.0.0.1', headers: { ...crossOriginIsolatedHeaders } },
  preview: { host: '127.0.0.1', headers: { ...crossOriginIsolatedHeaders } },
  build: { outDir: 'dist', emptyOutDir: true, minify: false, target: 'es2022', chunkSizeWarningLimit: 2000 },
});
