import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUNDLED_MODELS_DIR, bundledModels, locateModel, MODEL_ENV } from '../../src/weights/locate.js';
import { repoRoot } from '../helpers/golden.js';
import { errorOf } from './expect-error.js';
import { scratchDir } from './model-files.js';

describe('locateModel', () => {
  const saved = process.env[MODEL_ENV];
  let a: string;
  let b: string;
  beforeEach(() => {
    const root = scratchDir();
    a = join(root, 'a');
    b = join(root, 'b');
    mkdirSync(a);
    mkdirSync(b);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[MODEL_ENV];
    else process.env[MODEL_ENV] = saved;
  });

  it('takes the explicit path first, even when the environment names another', () => {
    process.env[MODEL_ENV] = b;
    expect(locateModel(a)).toBe(a);
  });

  it('takes $RETINAFACE_MODEL when no path is given', () => {
    process.env[MODEL_ENV] = b;
    expect(locateModel()).toBe(b);
  });

  it('falls back to the bundled models/mnet.25 of the package, nothing outside it', () => {
    delete process.env[MODEL_ENV];
    expect(BUNDLED_MODELS_DIR).toBe(join(repoRoot, 'models') + '/');
    expect(locateModel()).toBe(resolve(repoRoot, 'models/mnet.25'));
    process.env[MODEL_ENV] = '';
    expect(locateModel()).toBe(resolve(repoRoot, 'models/mnet.25'));
  });

  it('takes a bundled model by its bare name, from --model or $RETINAFACE_MODEL', () => {
    expect(bundledModels()).toEqual(['mnet.25', 'mnet_cov2']);
    expect(locateModel('mnet.25')).toBe(resolve(repoRoot, 'models/mnet.25'));
    expect(locateModel('mnet_cov2')).toBe(resolve(repoRoot, 'models/mnet_cov2'));
    process.env[MODEL_ENV] = 'mnet.25';
    expect(locateModel()).toBe(resolve(repoRoot, 'models/mnet.25'));
  });

  it('refuses an explicit path or $RETINAFACE_MODEL that does not exist rather than falling through', () => {
    process.env[MODEL_ENV] = b;
    const missing = join(a, 'nope');
    const names = bundledModels().join(', ');
    expect(errorOf(() => locateModel(missing))).toBe(`${missing}: no such file or directory (the model path given (--model); bundled models by name: ${names})`);
    process.env[MODEL_ENV] = missing;
    expect(errorOf(() => locateModel())).toBe(`${missing}: no such file or directory ($RETINAFACE_MODEL; bundled models by name: ${names})`);
    expect(errorOf(() => locateModel('mnet.50'))).toBe(`${resolve('mnet.50')}: no such file or directory (the model path given (--model); bundled models by name: ${names})`);
  });
});
