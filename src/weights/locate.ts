/**
 * Where the model is, in order of precedence: the path the caller gave (`--model`, or the API's
 * option), then `$RETINAFACE_MODEL`, then the model bundled with the package, `models/mnet.25`
 * (MODELS.md says where its files come from and their terms). A path that was asked for explicitly
 * must exist (falling through to another model would hide the mistake), except that a bare name
 * of a bundled model (`mnet.25`) picks that model when no such path exists here. The bundled
 * models are found from this module's own location, two folders up both from `src/weights/`
 * (tests) and from `dist/weights/` (the installed package).
 */
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RetinaFaceError } from '../errors.js';

export const MODEL_ENV = 'RETINAFACE_MODEL';

/** The folder of the bundled models, one sub-folder per model, named as InsightFace names it. */
export const BUNDLED_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

/** The model used when none is asked for. */
export const DEFAULT_MODEL = 'mnet.25';

/** The names of the models shipped in the package (`models/<name>/`). */
export function bundledModels(): string[] {
  return existsSync(BUNDLED_MODELS_DIR) ? readdirSync(BUNDLED_MODELS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort() : [];
}

/** The model path to load (a directory or a file, not yet looked into). */
export function locateModel(explicit?: string): string {
  if (explicit !== undefined) return existingOrBundled(explicit, 'the model path given (--model)');
  const fromEnv = process.env[MODEL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return existingOrBundled(fromEnv, `$${MODEL_ENV}`);
  const bundled = resolve(BUNDLED_MODELS_DIR, DEFAULT_MODEL);
  if (!existsSync(bundled)) {
    throw new RetinaFaceError('WEIGHTS', `no model found: no --model given, $${MODEL_ENV} unset, and the bundled ${bundled} is missing (is the package complete?)`);
  }
  return bundled;
}

/** `path` as given when it exists; a bundled model when `path` is one's bare name; else an error. */
function existingOrBundled(path: string, from: string): string {
  const full = resolve(path);
  if (existsSync(full)) return full;
  const names = bundledModels();
  if (names.includes(path)) return resolve(BUNDLED_MODELS_DIR, path);
  throw new RetinaFaceError('WEIGHTS', `${full}: no such file or directory (${from}; bundled models by name: ${names.join(', ') || 'none'})`);
}
