/**
 * The house style's layering rule, checked on the source: dependencies point down (cli → detect →
 * net → ops → tensor), so nothing in src/ops imports src/net, and no two folders import each other,
 * directly or round a longer loop. And what only one backend needs is loaded when that backend is
 * asked for: importing the package (src/index.ts) or the CLI's detect command runs no wasm-thread
 * code, none of the wasm backend's kernels and no gpu.js, through static imports (dynamic `import()`
 * is how those load). The module writer (src/wasm/module.ts) may load: it is small, and the JPEG
 * decoder, which every detect uses, writes its SIMD colour kernel with it (src/image/jpeg-color-wasm.ts).
 *
 * Imports are read from the text: every `import … from '…'` and `export … from '…'` with a relative
 * specifier (type-only ones count for the layering, not for what is loaded).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/golden.js';

const SRC = join(repoRoot, 'src');

interface Import {
  /** The imported file, relative to src/ (`ops/backend.ts`), or the bare package name (`gpu.js`). */
  readonly to: string;
  /** `import type`, or every name in braces marked `type`: erased from the JavaScript. */
  readonly typeOnly: boolean;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const STATIC_IMPORT = /^(?:import|export)\s+(type\s+)?([\w*{}\s,$]*?)\s*from\s+'([^']+)';/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(STATIC_IMPORT)].map(([, typeKeyword, names, specifier]) => {
    const braced = /^\{([\s\S]*)\}$/.exec(names.trim());
    const typeOnly = typeKeyword !== undefined
      || (braced !== null && braced[1].split(',').map((n) => n.trim()).filter((n) => n !== '').every((n) => n.startsWith('type ')));
    const to = specifier.startsWith('.') ? relative(SRC, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { to, typeOnly };
  });
}

const files = tsFiles(SRC).map((f) => relative(SRC, f));
const graph = new Map(files.map((f) => [f, importsOf(join(SRC, f))]));

/** A file's folder under src/ (`ops/wasm`); a file at the top of src/ is a node of its own. */
const folderOf = (file: string) => (file.includes('/') ? dirname(file) : file);

describe('import graph of src/', () => {
  it('reads the imports (the parser is not blind)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(graph.get('net/forward.ts')!.map((i) => i.to)).toContain('ops/backend.ts');
    expect(graph.get('ops/wasm/backend.ts')!.find((i) => i.to === 'tensor/tensor.ts')?.typeOnly).toBe(true);
  });

  it('no file in src/ops imports from src/net', () => {
    const upward = files.filter((f) => f.startsWith('ops/')).flatMap((f) => graph.get(f)!.filter((i) => i.to.startsWith('net/')).map((i) => `${f} → ${i.to}`));
    expect(upward).toEqual([]);
  });

  it('no folder cycles', () => {
    const edges = new Map<string, Set<string>>();
    for (const [file, imports] of graph) {
      for (const { to } of imports) {
        if (!files.includes(to) || folderOf(to) === folderOf(file)) continue;
        if (!edges.has(folderOf(file))) edges.set(folderOf(file), new Set());
        edges.get(folderOf(file))!.add(folderOf(to));
      }
    }
    // Depth-first search; a grey folder met again closes a cycle, reported as its path.
    const cycles: string[] = [];
    const state = new Map<string, 'grey' | 'black'>();
    const visit = (folder: string, path: string[]) => {
      state.set(folder, 'grey');
      for (const next of edges.get(folder) ?? []) {
        if (state.get(next) === 'grey') cycles.push([...path.slice(path.indexOf(next)), folder, next].join(' → '));
        else if (!state.has(next)) visit(next, [...path, folder]);
      }
      state.set(folder, 'black');
    };
    for (const folder of edges.keys()) if (!state.has(folder)) visit(folder, []);
    expect(cycles).toEqual([]);
  });

  for (const entry of ['index.ts', 'cli/detect.ts']) {
    it(`importing ${entry} loads no wasm threads, wasm backend kernels or gpu.js`, () => {
      const loaded = new Set<string>();
      const walk = (file: string) => {
        if (loaded.has(file)) return;
        loaded.add(file);
        for (const { to, typeOnly } of graph.get(file) ?? []) if (!typeOnly) walk(to);
      };
      walk(entry);
      expect(loaded.size).toBeGreaterThan(10);
      const forbidden = [...loaded].filter((f) => f === 'gpu.js' || f.startsWith('ops/gpu/') || ['ops/wasm/threads.ts', 'ops/wasm/kernels.ts'].includes(f));
      expect(forbidden).toEqual([]);
    });
  }
});
