/**
 * The package as a new user gets it (issue 12): `npm pack` of the repository, installed into an
 * empty project with `--ignore-scripts --omit=optional --omit=peer` (no native build, no gpu.js),
 * then used the four ways a user would: `import`, `require`, `npx retinaface`, and a TypeScript
 * consumer type-checked against the shipped `.d.ts`. No model is given anywhere: the bundled one
 * must be found. The sample photo is the repository's (samples/, not shipped).
 *
 * The package is built and packed from a private copy of the sources (its own `npm run build`
 * through `prepare`, as `npm pack` runs it), so the shared dist/ that other tests run from is
 * neither read nor rebuilt here. Installing needs the npm registry (jpeg-js, pngjs) or its cache.
 * The tarball and installed sizes are printed; README.md records them.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '../../src/detect/engine.js';
import { repoRoot } from '../helpers/golden.js';

const SAMPLE = join(repoRoot, 'samples/astronaut.png');
const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
/** Issue 12's ceiling for node_modules after the default install, both models included. */
const MAX_INSTALLED_BYTES = 8e6;
/** Each case spawns node, npx or tsc: a minute on a loaded machine, so more than vitest's default. */
const TEST_TIMEOUT = 300_000;

let dir: string;
let consumer: string;
let tarball: string;
let packed: { size: number; unpackedSize: number; files: { path: string }[] };

function run(command: string, args: string[], options: SpawnSyncOptions = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options, env: { ...process.env, RETINAFACE_MODEL: '', ...options.env } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function ok(r: { code: number | null; stdout: string; stderr: string }, what: string): string {
  expect(r.code, `${what}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function duBytes(path: string): number {
  const st = statSync(path);
  return st.isDirectory() ? readdirSync(path).reduce((sum, f) => sum + duBytes(join(path, f)), 0) : st.size;
}

/** The faces a detect --json run reports for the one sample. */
function faces(stdout: string): { box: number[]; score: number }[] {
  const [entry] = JSON.parse(stdout);
  return entry.faces;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'retinaface-pack-'));
  const source = join(dir, 'source');
  mkdirSync(source);
  for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE', 'MODELS.md', 'src', 'models']) {
    cpSync(join(repoRoot, f), join(source, f), { recursive: true });
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(source, 'node_modules'));
  const out = ok(run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: source }), 'npm pack');
  [packed] = JSON.parse(out.slice(out.indexOf('[')));
  tarball = join(dir, `${pkg.name}-${pkg.version}.tgz`);

  consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  ok(run('npm', ['install', tarball, '--ignore-scripts', '--omit=optional', '--omit=peer', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: consumer }), 'npm install');
  console.log(`tarball ${(packed.size / 1e6).toFixed(2)} MB, installed node_modules ${(duBytes(join(consumer, 'node_modules')) / 1e6).toFixed(2)} MB`);
}, 600_000);

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed without optional or peer dependencies', () => {
  it('holds dist, the bundled model and the licences; no sources, tests or samples', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'models/mnet.25/mnet.25-symbol.json', 'models/mnet.25/mnet.25-0000.params', 'models/mnet_cov2/mnet_cov2-symbol.json', 'models/mnet_cov2/mnet_cov2-0000.params', 'LICENSE', 'MODELS.md', 'README.md', 'package.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|samples|bench|web)\//.test(f) || f.endsWith('.onnx'))).toEqual([]);
  }, TEST_TIMEOUT);

  it(`installs jpeg-js and pngjs beside it, nothing else, in at most ${MAX_INSTALLED_BYTES / 1e6} MB`, () => {
    const installed = readdirSync(join(consumer, 'node_modules')).filter((f) => !f.startsWith('.'));
    expect(installed.sort()).toEqual(['jpeg-js', 'pngjs', 'retinaface-ts']);
    expect(duBytes(join(consumer, 'node_modules'))).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  }, TEST_TIMEOUT);

  it("import { RetinaFace } from 'retinaface-ts' finds the face on the sample with no model argument", () => {
    writeFileSync(join(consumer, 'esm.mjs'), `import { RetinaFace } from 'retinaface-ts';
const detector = await RetinaFace.load();
const { faces, backend } = await detector.detect(${JSON.stringify(SAMPLE)});
detector.dispose();
console.log(JSON.stringify({ backend, faces }));
`);
    const result = JSON.parse(ok(run(process.execPath, ['esm.mjs'], { cwd: consumer }), 'esm.mjs'));
    expect(result.backend).toBe('wasm');
    // One person in the photo: Eileen Collins, her face in the upper middle of the 512×512 image.
    expect(result.faces).toHaveLength(1);
    const [x1, y1, x2, y2] = result.faces[0].box;
    expect([x1 > 100, y1 > 20, x2 < 300, y2 < 250, x2 - x1 > 50]).toEqual([true, true, true, true, true]);
  }, TEST_TIMEOUT);

  it("require('retinaface-ts') works (Node's require of an ES module, which package.json's engines asks for)", () => {
    writeFileSync(join(consumer, 'cjs.cjs'), `const { RetinaFace, RetinaFaceError } = require('retinaface-ts');
console.log(typeof RetinaFace.load, typeof RetinaFaceError);
`);
    expect(ok(run(process.execPath, ['cjs.cjs'], { cwd: consumer }), 'cjs.cjs').trim()).toBe('function function');
  }, TEST_TIMEOUT);

  it('npx retinaface detect works with the bundled models (mnet.25 by default, mnet_cov2 by name); --version prints the version, --help the backends', () => {
    const r = ok(run('npx', ['--no-install', 'retinaface', 'detect', SAMPLE, '--json'], { cwd: consumer }), 'npx retinaface detect');
    expect(faces(r)).toHaveLength(1);
    // the mask-aware model by its bundled name: the same one face, not masked
    const cov2 = faces(ok(run('npx', ['--no-install', 'retinaface', 'detect', SAMPLE, '--model', 'mnet_cov2', '--json'], { cwd: consumer }), 'detect --model mnet_cov2')) as { mask?: number }[];
    expect(cov2).toHaveLength(1);
    expect(cov2[0].mask).toBeLessThan(0.5);
    expect(ok(run('npx', ['--no-install', 'retinaface', '--version'], { cwd: consumer }), '--version').trim()).toBe(`retinaface-ts ${pkg.version}`);
    const help = ok(run('npx', ['--no-install', 'retinaface', '--help'], { cwd: consumer }), '--help');
    expect(help).toContain(`backends (--backend): ${BACKEND_NAMES.join(', ')}; default wasm`);
    const detectHelp = ok(run('npx', ['--no-install', 'retinaface', 'detect', '--help'], { cwd: consumer }), 'detect --help');
    for (const b of BACKEND_NAMES) expect(detectHelp).toContain(b);
  }, TEST_TIMEOUT);

  it('a gpu.js backend without gpu.js installed: one BACKEND line naming the install command', () => {
    const gpujs = BACKEND_NAMES.filter((b) => b.startsWith('gpu'));
    expect(gpujs.length).toBeGreaterThan(0);
    const r = run('npx', ['--no-install', 'retinaface', 'detect', SAMPLE, '--backend', gpujs[0]], { cwd: consumer });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `error: backend '${gpujs[0]}' runs on gpu.js, an optional peer dependency that is not installed: npm install gpu.js@${pkg.peerDependencies['gpu.js']} (and gl@${pkg.peerDependencies.gl} for headless GL in Node)`,
    ]);
  }, TEST_TIMEOUT);

  it('a TypeScript consumer type-checks against the shipped .d.ts', () => {
    writeFileSync(join(consumer, 'consumer.ts'), `import { RetinaFace, RetinaFaceError, type Detection } from 'retinaface-ts';
const detector: RetinaFace = await RetinaFace.load({ backend: 'wasm' });
const result: Detection = await detector.detect('photo.jpg', { threshold: 0.5 });
const first: [number, number, number, number] = result.faces[0].box;
const code: string = new RetinaFaceError('IMAGE', 'x').code;
console.log(first, code);
`);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(repoRoot, 'node_modules/@types')] },
      files: ['consumer.ts'],
    }));
    ok(run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: consumer }), 'tsc');
  }, TEST_TIMEOUT);
});
