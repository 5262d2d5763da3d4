/**
 * A model from bytes already in memory, for callers that hold the files rather than paths (a
 * browser page that fetched them or had them picked): MXNet's `-symbol.json` text with its
 * `.params` bytes, or one `.safetensors` file written by `retinaface convert`. The same parsers
 * and the same check against the symbol as loading from disk (load.ts); nothing here touches a
 * file system.
 */
import { checkParams } from './check.js';
import type { Model, StoredModel } from './model.js';
import { parseMxnetParams } from './mxnet-params.js';
import { parseMxnetSymbol } from './mxnet-symbol.js';
import { parseModelSafetensors } from './safetensors.js';
import { sha256Hex } from './sha256.js';

/** The model's files as bytes; `name` (default "mxnet-params" / "safetensors") is what messages and `Model.source` call it. */
export type ModelBytes =
  | { readonly symbol: string; readonly params: Uint8Array; readonly name?: string }
  | { readonly safetensors: Uint8Array; readonly name?: string };

export function modelFromBytes(files: ModelBytes): Model {
  if ('safetensors' in files) {
    const name = files.name ?? 'safetensors';
    return checkModel(parseModelSafetensors(files.safetensors, name), name, `${name} (__metadata__.symbol)`);
  }
  const name = files.name ?? 'mxnet-params';
  return checkModel({ symbolText: files.symbol, params: parseMxnetParams(files.params, name) }, name, `${name} (symbol)`);
}

/** The stored model's symbol parsed and its parameters checked against it; `source` names the parameters, `symbolSource` the symbol. */
export function checkModel(stored: StoredModel, source: string, symbolSource: string): Model {
  const symbol = parseMxnetSymbol(stored.symbolText, symbolSource);
  checkParams(symbol, stored.params.params, source);
  return { symbol, params: stored.params.params, source, symbolSha256: sha256Hex(new TextEncoder().encode(stored.symbolText)) };
}
