/**
 * The sources as a private, runnable copy of dist/: every .ts file under src transpiled to .js the
 * way vitest runs them (vite's oxc transform, 0.1 s where tsc takes 10 s; no type check, tsc does
 * that), beside a package.json marking it ESM and a link to the repository's node_modules. Tests
 * that run the code in a child process use it, so that a build in progress in the shared dist/
 * cannot interfere.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformWithOxc } from 'vite';
import { repoRoot } from './golden.js';

/** A new temp folder holding dist/ (the transpiled src/), package.json and node_modules; its path. */
export async function transpiledPackage(prefix: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const src = join(repoRoot, 'src');
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  for (const file of walk(src).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const { code } = await transformWithOxc(readFileSync(file, 'utf8'), file, { lang: 'ts' });
    const target = join(dir, 'dist', relative(src, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}
