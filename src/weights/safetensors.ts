/**
 * safetensors (huggingface/safetensors): one file holding named tensors, readable without running
 * any code. Layout:
 *
 *   uint64 little-endian N, the header's byte length;
 *   N bytes of UTF-8 JSON: `{"<name>": {"dtype": "F32", "shape": [8, 3, 3, 3], "data_offsets": [begin, end]},
 *   ..., "__metadata__": {"<key>": "<string value>"}}`, padded with spaces;
 *   the data section; each tensor's little-endian C-order bytes at [begin, end) relative to its start.
 *
 * We read and write F32 only (the engine's dtype). Reading trusts nothing: the header must fit the
 * file, parse, and give each tensor a known dtype and offsets inside the data section, exactly
 * as long as its shape needs, overlapping no other tensor. Writing is deterministic (names and
 * metadata keys sorted, the header padded to a multiple of 8 bytes, as the reference writer does),
 * so converting the same model twice gives the same bytes.
 *
 * A model file (`retinaface convert`) also needs the graph and the `arg:` / `aux:` split that MXNet
 * keeps in the parameter names; both travel in `__metadata__`, whose values must be strings:
 * `symbol` holds the `-symbol.json` text unchanged and `aux` a JSON list of the auxiliary names.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { expectFinite } from './finite.js';
import type { StoredModel } from './model.js';
import { isJsonObject } from './json.js';
import { readFileChecked } from '../read-file.js';

const F32_BYTES = 4;
const METADATA = '__metadata__';

export interface SafetensorsContent {
  readonly tensors: ReadonlyMap<string, Tensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Readonly<Record<string, string>>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  header[METADATA] = Object.fromEntries(Object.keys(metadata).sort().map((k) => [k, metadata[k]]));
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const end = offset + t.data.length * F32_BYTES;
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, end] };
    offset = end;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const name of names) {
    for (const v of tensors.get(name)!.data) {
      view.setFloat32(at, v, true);
      at += F32_BYTES;
    }
  }
  return out;
}

/** Parses and validates safetensors bytes; `file` starts every error message. */
export function decodeSafetensors(bytes: Uint8Array, file: string): SafetensorsContent {
  const fail: (what: string) => never = (what) => {
    throw new RetinaFaceError('WEIGHTS', `${file}: ${what}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes, too short for a safetensors header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(bytes.length - 8)) {
    fail(`header length ${headerLength} does not fit in the ${bytes.length - 8} bytes after it`);
  }
  const dataStart = 8 + Number(headerLength);
  const dataLength = bytes.length - dataStart;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (err) {
    fail(`header is not valid UTF-8 JSON (${(err as Error).message})`);
  }
  if (!isJsonObject(header)) return fail('header is not a JSON object');

  const metadata: Record<string, string> = {};
  const rawMetadata = header[METADATA] ?? {};
  if (!isJsonObject(rawMetadata)) fail(`${METADATA} is not an object`);
  for (const [key, value] of Object.entries(rawMetadata)) {
    if (typeof value !== 'string') fail(`${METADATA}.${key} is not a string`);
    metadata[key] = value;
  }

  const spans: Array<{ name: string; begin: number; end: number }> = [];
  const tensors = new Map<string, Tensor>();
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA) continue;
    if (!isJsonObject(info)) return fail(`tensor ${name}: entry is not an object`);
    if (info.dtype !== 'F32') fail(`tensor ${name}: dtype ${JSON.stringify(info.dtype)} is not supported (only F32)`);
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      return fail(`tensor ${name}: shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
    }
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      return fail(`tensor ${name}: data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
    }
    const [begin, end] = offsets as number[];
    if (begin > end || end > dataLength) {
      fail(`tensor ${name}: data_offsets [${begin}, ${end}] lie outside the data section of ${dataLength} bytes`);
    }
    const need = size(shape) * F32_BYTES;
    if (end - begin !== need) fail(`tensor ${name}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, shape ${formatShape(shape)} F32 needs ${need}`);
    spans.push({ name, begin, end });
    const data = new Float32Array(size(shape));
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(dataStart + begin + i * F32_BYTES, true);
    const t = tensor(shape, data);
    expectFinite(file, name, t);
    tensors.set(name, t);
  }
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1], spans[i]];
    if (b.begin < a.end) fail(`tensors ${a.name} [${a.begin}, ${a.end}] and ${b.name} [${b.begin}, ${b.end}] overlap`);
  }
  return { tensors, metadata };
}

export function encodeModelSafetensors(model: StoredModel): Uint8Array {
  const tensors = new Map([...model.params.arg, ...model.params.aux]);
  return encodeSafetensors(tensors, { symbol: model.symbolText, aux: JSON.stringify([...model.params.aux.keys()].sort()) });
}

export function readModelSafetensors(path: string): StoredModel {
  return parseModelSafetensors(readFileChecked(path, 'WEIGHTS'), path);
}

/** A model from safetensors bytes: the tensors, the symbol text and the aux names from `__metadata__`. */
export function parseModelSafetensors(bytes: Uint8Array, file: string): StoredModel {
  const { tensors, metadata } = decodeSafetensors(bytes, file);
  const fail: (what: string) => never = (what) => {
    throw new RetinaFaceError('WEIGHTS', `${file}: ${what} (is it a file written by 'retinaface convert'?)`);
  };
  if (metadata.symbol === undefined) fail(`${METADATA} has no "symbol" entry`);
  let auxNames: unknown;
  try {
    auxNames = JSON.parse(metadata.aux ?? '');
  } catch {
    fail(`${METADATA}.aux is not a JSON list of names`);
  }
  if (!Array.isArray(auxNames) || !auxNames.every((n) => typeof n === 'string')) return fail(`${METADATA}.aux is not a JSON list of names`);
  const arg = new Map(tensors);
  const aux = new Map<string, Tensor>();
  for (const name of auxNames) {
    const t = tensors.get(name);
    if (t === undefined) fail(`${METADATA}.aux names ${name}, which is not a tensor of the file`);
    aux.set(name, t);
    arg.delete(name);
  }
  return { symbolText: metadata.symbol, params: { arg, aux, params: tensors } };
}
