import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATHS, locateModel, MODEL_ENV } from '../../src/weights/locate.js';
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

  it('falls back to models/mnet.25 in the repository, then ../shared/models/mnet.25', () => {
    delete process.env[MODEL_ENV];
    expect(DEFAULT_MODEL_PATHS).toEqual([resolve(repoRoot, 'models/mnet.25'), resolve(repoRoot, '../shared/models/mnet.25')]);
    expect(locateModel()).toBe(DEFAULT_MODEL_PATHS.find((p) => existsSync(p)));
  });

  it('refuses an explicit path or $RETINAFACE_MODEL that does not exist rather than falling through', () => {
    process.env[MODEL_ENV] = b;
    const missing = join(a, 'nope');
    expect(errorOf(() => locateModel(missing))).toBe(`${missing}: no such file or directory (the model path given (--model))`);
    process.env[MODEL_ENV] = missing;
    expect(errorOf(() => locateModel())).toBe(`${missing}: no such file or directory ($RETINAFACE_MODEL)`);
  });
});
