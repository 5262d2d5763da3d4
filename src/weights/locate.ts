/**
 * Where the model is, in order of precedence: the path the caller gave (`--model`, or the API's
 * option), then `$RETINAFACE_MODEL`, then `models/mnet.25` in the repository, then
 * `../shared/models/mnet.25` beside it. A path that was asked for explicitly must exist (falling
 * through to another model would hide the mistake); the two defaults are tried in turn. The
 * repository root is found from this module's own location, two folders up both from
 * `src/weights/` (tests) and from `dist/weights/` (the built package).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetinaFaceError } from '../errors.js';

export const MODEL_ENV = 'RETINAFACE_MODEL';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The defaults, in the order they are tried. */
export const DEFAULT_MODEL_PATHS: readonly string[] = [
  resolve(repoRoot, 'models/mnet.25'),
  resolve(repoRoot, '../shared/models/mnet.25'),
];

/** The model path to load (a directory or a file, not yet looked into). */
export function locateModel(explicit?: string): string {
  if (explicit !== undefined) return existing(explicit, 'the model path given (--model)');
  const fromEnv = process.env[MODEL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return existing(fromEnv, `$${MODEL_ENV}`);
  const found = DEFAULT_MODEL_PATHS.find((p) => existsSync(p));
  if (found === undefined) {
    throw new RetinaFaceError('WEIGHTS', `no model found: no --model given, $${MODEL_ENV} unset, and neither ${DEFAULT_MODEL_PATHS.join(' nor ')} exists`);
  }
  return found;
}

function existing(path: string, from: string): string {
  const full = resolve(path);
  if (!existsSync(full)) throw new RetinaFaceError('WEIGHTS', `${full}: no such file or directory (${from})`);
  return full;
}
