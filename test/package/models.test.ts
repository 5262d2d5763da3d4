/**
 * The package's manifest and its bundled models (issue 12): runtime dependencies are only what the
 * default path loads, gpu.js and gl are optional peers (and devDependencies, so CI builds gl and
 * runs the gpu.js tests), and every bundled model file is the project's reference copy in
 * ../shared/models, byte for byte, with the sha256 MODELS.md states.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedDir } from '../helpers/golden.js';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
const modelsMd = readFileSync(join(repoRoot, 'MODELS.md'), 'utf8');
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

const bundled = readdirSync(join(repoRoot, 'models')).flatMap((name) => readdirSync(join(repoRoot, 'models', name)).map((file) => ({ name, file })));

describe('package.json', () => {
  it('depends at run time on jpeg-js and pngjs only', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['jpeg-js', 'pngjs']);
    expect(pkg.optionalDependencies).toBeUndefined();
  });

  it('has gpu.js and gl as optional peers, pinned as the devDependencies that CI installs', () => {
    for (const name of ['gpu.js', 'gl']) {
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
      expect(pkg.peerDependencies[name], name).toBe(pkg.devDependencies[name]);
    }
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['gl', 'gpu.js']);
    expect(pkg.devDependencies.webgpu).toBeDefined();
  });

  it('ships dist, the models and their terms', () => {
    expect(pkg.files).toEqual(['dist', 'models', 'MODELS.md']);
    expect(existsSync(join(repoRoot, 'LICENSE'))).toBe(true);
  });
});

describe('bundled models', () => {
  it('holds mnet.25, the default, and the mask-aware mnet_cov2', () => {
    expect(bundled.map((b) => `${b.name}/${b.file}`).sort()).toEqual([
      'mnet.25/mnet.25-0000.params', 'mnet.25/mnet.25-symbol.json', 'mnet_cov2/mnet_cov2-0000.params', 'mnet_cov2/mnet_cov2-symbol.json',
    ]);
  });

  for (const { name, file } of bundled) {
    it(`models/${name}/${file}: the reference copy's bytes, its sha256 in MODELS.md`, () => {
      const ours = sha256(join(repoRoot, 'models', name, file));
      expect(ours).toBe(sha256(join(sharedDir, 'models', name, file)));
      const row = modelsMd.split('\n').find((line) => line.includes(`\`${file}\``));
      expect(row, `MODELS.md has no row for ${file}`).toBeDefined();
      expect(row).toContain(`\`${ours}\``);
    });
  }
});
