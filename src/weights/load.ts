/**
 * Loading a model: find it (`locateModel`), find its files, read them, parse the symbol and check
 * the parameters against it. A model is either MXNet's own pair, `<prefix>-symbol.json` with
 * `<prefix>-NNNN.params` (NNNN the epoch, as `save_checkpoint` names them), or one `.safetensors`
 * file written by `retinaface convert`. The path may be that file (`.safetensors`, the `.params`,
 * whose symbol is the sibling `-symbol.json`, or the `-symbol.json`, whose parameters are the one
 * sibling `<prefix>-NNNN.params`) or a directory holding exactly one model; a directory (or a
 * symbol) with several is refused with the list, since picking one silently could load the wrong
 * epoch.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RetinaFaceError } from '../errors.js';
import { checkModel } from './from-bytes.js';
import { locateModel } from './locate.js';
import type { Model, StoredModel } from './model.js';
import { readMxnetParams } from './mxnet-params.js';
import { readFileChecked } from '../read-file.js';
import { readModelSafetensors } from './safetensors.js';

export type ModelFiles =
  | { readonly format: 'mxnet'; readonly symbol: string; readonly params: string }
  | { readonly format: 'safetensors'; readonly file: string };

const EPOCH_PARAMS = /^(.+)-(\d{4})\.params$/;
const SYMBOL = /^(.+)-symbol\.json$/;
const SAFETENSORS = /\.safetensors$/;

/**
 * The model at `path` (a directory or file; default: `locateModel`'s search), read and checked.
 * @returns the symbol, the parameters by bare name, and the path it came from
 */
export async function loadModel(path?: string): Promise<Model> {
  const files = findModelFiles(locateModel(path));
  return checkedModel(files, readStoredModel(files));
}

/** The stored model's symbol parsed and its parameters checked against it. */
export function checkedModel(files: ModelFiles, stored: StoredModel): Model {
  if (files.format === 'mxnet') return checkModel(stored, files.params, files.symbol);
  return checkModel(stored, files.file, `${files.file} (__metadata__.symbol)`);
}

/** Which files make up the model at `path` (a directory or a model file). */
export function findModelFiles(path: string): ModelFiles {
  if (!fsCall(path, () => statSync(path).isDirectory())) return modelFile(path);
  const candidates = fsCall(path, () => readdirSync(path)).filter((f) => EPOCH_PARAMS.test(f) || SAFETENSORS.test(f)).sort();
  if (candidates.length === 0) {
    throw new RetinaFaceError('WEIGHTS', `${path}: no model inside (looked for <prefix>-NNNN.params with <prefix>-symbol.json, or a .safetensors file)`);
  }
  if (candidates.length > 1) {
    throw new RetinaFaceError('WEIGHTS', `${path}: holds ${candidates.length} models (${candidates.join(', ')}); give the one to use as the model path`);
  }
  return modelFile(join(path, candidates[0]));
}

export function readStoredModel(files: ModelFiles): StoredModel {
  if (files.format === 'safetensors') return readModelSafetensors(files.file);
  return {
    symbolText: new TextDecoder().decode(readFileChecked(files.symbol, 'WEIGHTS')),
    params: readMxnetParams(files.params),
  };
}

/** A file system call on the model path; its failure (ENOENT, EACCES) a WEIGHTS error naming the path. */
function fsCall<T>(path: string, call: () => T): T {
  try {
    return call();
  } catch (err) {
    throw new RetinaFaceError('WEIGHTS', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function modelFile(path: string): ModelFiles {
  if (SAFETENSORS.test(path)) return { format: 'safetensors', file: path };
  const symbol = SYMBOL.exec(basename(path));
  if (symbol !== null) {
    const prefix = symbol[1];
    const epochs = fsCall(dirname(path), () => readdirSync(dirname(path))).filter((f) => EPOCH_PARAMS.exec(f)?.[1] === prefix).sort();
    if (epochs.length !== 1) {
      throw new RetinaFaceError('WEIGHTS', `${path}: ${epochs.length === 0 ? `no ${prefix}-NNNN.params beside it` : `${epochs.length} epochs beside it (${epochs.join(', ')}); give the .params file to use`}`);
    }
    return { format: 'mxnet', symbol: path, params: join(dirname(path), epochs[0]) };
  }
  const epoch = EPOCH_PARAMS.exec(basename(path));
  if (epoch === null) {
    throw new RetinaFaceError('WEIGHTS', `${path}: not a model file (expected a directory, a .safetensors file, a <prefix>-NNNN.params or a <prefix>-symbol.json file)`);
  }
  return { format: 'mxnet', symbol: join(dirname(path), `${epoch[1]}-symbol.json`), params: path };
}
