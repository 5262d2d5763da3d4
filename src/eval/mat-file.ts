/**
 * A reader for the part of MATLAB's Level 5 MAT-file format that WIDER FACE's ground-truth files use
 * (MathWorks, "MAT-File Format", R2014: Level 5, chapter 1): a 128-byte header, then data elements,
 * each an 8-byte tag (type, byte count) and its data padded to 8 bytes, or a "small element" packed
 * into the tag when it has at most 4 bytes. miCOMPRESSED elements are one zlib stream holding one
 * element (not padded, as MATLAB writes them). A variable is an miMATRIX element: array flags
 * (class), dimensions, name, then for a cell array one miMATRIX per cell, for the others the real
 * part's data, in column-major order.
 *
 * Supported: cell, char, double, uint8 and int32 arrays, whatever numeric type MATLAB chose to
 * store them in (it stores a double array of small integers as miUINT8, say). Anything else
 * (structs, objects, sparse or complex arrays, other classes, Level 4 or v7.3/HDF5 files) is a
 * one-line MAT error naming the file, the variable and what it met, as is every damaged length.
 */
import { inflateSync } from 'node:zlib';
import { RetinaFaceError } from '../errors.js';

/** A char array; `text` holds its characters in column-major order (a 1×N row: the string). */
export interface MatChar { readonly kind: 'char'; readonly dims: readonly number[]; readonly text: string }
/** A numeric array of class double, uint8 or int32, as float64 (exact for all three). */
export interface MatNumeric { readonly kind: 'numeric'; readonly class: NumericClass; readonly dims: readonly number[]; readonly data: Float64Array }
/** A cell array; `cells` in column-major order. */
export interface MatCell { readonly kind: 'cell'; readonly dims: readonly number[]; readonly cells: readonly MatValue[] }
export type MatValue = MatChar | MatNumeric | MatCell;
type NumericClass = 'double' | 'uint8' | 'int32';

// Data types (the tag's first field) and array classes (the array flags' low byte), from the spec's tables 1-1 and 1-3.
const miINT8 = 1, miUINT8 = 2, miINT16 = 3, miUINT16 = 4, miINT32 = 5, miUINT32 = 6, miSINGLE = 7, miDOUBLE = 9;
const miMATRIX = 14, miCOMPRESSED = 15, miUTF8 = 16;
const CLASSES: Record<number, 'cell' | 'char' | NumericClass> = { 1: 'cell', 4: 'char', 6: 'double', 9: 'uint8', 12: 'int32' };
const CLASS_NAMES: Record<number, string> = { 2: 'struct', 3: 'object', 5: 'sparse', 7: 'single', 8: 'int8', 10: 'int16', 11: 'uint16', 13: 'uint32', 14: 'int64', 15: 'uint64' };
/** Bytes per value of the numeric storage types we read. */
const STORAGE: Record<number, number> = { [miINT8]: 1, [miUINT8]: 1, [miINT16]: 2, [miUINT16]: 2, [miINT32]: 4, [miUINT32]: 4, [miSINGLE]: 4, [miDOUBLE]: 8 };
const FLAG_COMPLEX = 0x800;
/** Cells inside cells deeper than this are refused (the WIDER files nest 2 deep). */
const MAX_DEPTH = 16;
/** A compressed element may not inflate past this (the WIDER files hold ~1 MB each). */
const MAX_INFLATED = 1 << 28;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');

/** Every variable of a MAT-file by name, in file order. `where` names the file in errors. */
export function readMat(bytes: Uint8Array, where: string): Map<string, MatValue> {
  const fail = (what: string): never => { throw new RetinaFaceError('MAT', `${where}: ${what}`); };
  if (bytes.length < 128) fail(`${bytes.length} bytes, too short for a MAT-file header (128)`);
  const head = latin1.decode(bytes.subarray(0, 116));
  if (!head.startsWith('MATLAB 5.0 MAT-file')) fail(`not a MATLAB 5.0 MAT-file (header '${head.slice(0, 19).replace(/[^\x20-\x7e]/g, '?')}')`);
  const endian = String.fromCharCode(bytes[126], bytes[127]);
  if (endian !== 'IM' && endian !== 'MI') fail(`bad endian indicator '${endian.replace(/[^\x20-\x7e]/g, '?')}' (expected IM or MI)`);
  const littleEndian = endian === 'IM';
  const version = new DataView(bytes.buffer, bytes.byteOffset + 124, 2).getUint16(0, littleEndian);
  if (version !== 0x0100) fail(`MAT-file version 0x${version.toString(16)}, only Level 5 (0x0100) is read (save with -v7 or -v6, not -v7.3)`);

  const variables = new Map<string, MatValue>();
  const file = new Elements(bytes, littleEndian, fail);
  let at = 128;
  while (at < bytes.length) {
    const element = file.tag(at, bytes.length, 'top level');
    if (element.type === miCOMPRESSED) {
      let inflated: Uint8Array = new Uint8Array(0);
      try {
        const out = inflateSync(bytes.subarray(element.start, element.end), { maxOutputLength: MAX_INFLATED });
        inflated = new Uint8Array(out.buffer, out.byteOffset, out.length);
      } catch (err) {
        fail(`compressed element at byte ${at}: ${(err as Error).message.split('\n')[0]}`);
      }
      const inner = new Elements(inflated, littleEndian, fail);
      addVariable(inner, inner.tag(0, inflated.length, `compressed element at byte ${at}`));
      at = element.end; // compressed elements are not padded
    } else {
      addVariable(file, element);
      at = element.padded;
    }
  }
  return variables;

  function addVariable(elements: Elements, element: Tag): void {
    if (element.type !== miMATRIX) fail(`top-level element of type ${element.type}, expected miMATRIX (14) or miCOMPRESSED (15)`);
    const { name, value } = elements.matrix(element.start, element.end, 0);
    variables.set(name, value);
  }
}

/** An element's type and where its data starts, ends, and ends padded (offsets into its buffer). */
interface Tag { readonly type: number; readonly start: number; readonly end: number; readonly padded: number }

/**
 * The elements of one buffer (the file, or one inflated stream). Offsets, not subarrays, and the
 * path of the cell being read kept as a stack: the ground truth has ~30 000 elements per file, so
 * the names for messages are only put together when a message is made.
 */
class Elements {
  private readonly view: DataView;
  private readonly path: (string | number)[] = [];

  constructor(private readonly bytes: Uint8Array, private readonly littleEndian: boolean, private readonly fail: (what: string) => never) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  /** The variable (and cell) being read, for messages: `face_bbx_list{3}{12}`. */
  private here(): string {
    return this.path.map((p) => (typeof p === 'number' ? `{${p}}` : p)).join('') || 'variable';
  }

  /** The element whose tag starts at `at` (before `limit`). */
  tag(at: number, limit: number, what: string): Tag {
    if (at + 8 > limit) this.fail(`${what}: element tag at byte ${at} runs past the end (${limit} bytes)`);
    const first = this.view.getUint32(at, this.littleEndian);
    if (first >>> 16 !== 0) {
      // small data element: type and size share the first word, the data (≤ 4 bytes) the second
      const size = first >>> 16;
      if (size > 4) this.fail(`${what}: small element at byte ${at} claims ${size} bytes (at most 4)`);
      return { type: first & 0xffff, start: at + 4, end: at + 4 + size, padded: at + 8 };
    }
    const size = this.view.getUint32(at + 4, this.littleEndian);
    const end = at + 8 + size;
    if (end > limit) this.fail(`${what}: element of type ${first} at byte ${at} claims ${size} bytes, ${limit - at - 8} left`);
    return { type: first, start: at + 8, end, padded: Math.min(limit, end + ((8 - (size % 8)) % 8)) };
  }

  /** One miMATRIX element's contents, from `start` to `end`: flags, dimensions, name, then the data of its class. */
  matrix(start: number, end: number, depth: number): { name: string; value: MatValue } {
    // An empty cell is written as an miMATRIX of no bytes.
    if (start === end) return { name: '', value: { kind: 'numeric', class: 'double', dims: [0, 0], data: new Float64Array(0) } };
    const { fail, littleEndian } = this;
    let at = start;
    const next = (what: string): Tag => {
      const tag = this.tag(at, end, what);
      at = tag.padded;
      return tag;
    };
    const flags = next('array flags');
    if (flags.type !== miUINT32 || flags.end - flags.start !== 8) fail(`${this.here()}: array flags of type ${flags.type} and ${flags.end - flags.start} bytes, expected miUINT32 (6) and 8`);
    const flagWord = this.view.getUint32(flags.start, littleEndian);
    const dimsTag = next('dimensions');
    const dimsBytes = dimsTag.end - dimsTag.start;
    if (dimsTag.type !== miINT32 || dimsBytes < 8 || dimsBytes % 4 !== 0) fail(`${this.here()}: dimensions of type ${dimsTag.type} and ${dimsBytes} bytes, expected miINT32 (5), at least 2 of them`);
    const dims: number[] = [];
    let count = 1;
    for (let d = dimsTag.start; d < dimsTag.end; d += 4) {
      const dim = this.view.getInt32(d, littleEndian);
      if (dim < 0) fail(`${this.here()}: negative dimension ${dim}`);
      dims.push(dim);
      count *= dim;
    }
    const nameTag = next('name');
    if (nameTag.type !== miINT8 && nameTag.type !== miUINT8) fail(`${this.here()}: array name of type ${nameTag.type}, expected miINT8 (1)`);
    const name = nameTag.end === nameTag.start ? '' : latin1.decode(this.bytes.subarray(nameTag.start, nameTag.end));
    if (depth === 0) this.path.push(name);
    try {
      return { name, value: this.contents(flagWord, dims, count, at, end, depth) };
    } finally {
      if (depth === 0) this.path.pop();
    }
  }

  private contents(flagWord: number, dims: number[], count: number, at: number, end: number, depth: number): MatValue {
    const { fail, littleEndian } = this;
    const classCode = flagWord & 0xff;
    const cls = CLASSES[classCode];
    const shape = () => dims.join('x');
    if (cls === undefined) fail(`${this.here()}: ${CLASS_NAMES[classCode] ?? `class ${classCode}`} arrays are not supported (only cell, char, double, uint8, int32)`);
    if (flagWord & FLAG_COMPLEX) fail(`${this.here()}: complex ${cls} arrays are not supported`);

    if (cls === 'cell') {
      if (depth >= MAX_DEPTH) fail(`${this.here()}: cells nested deeper than ${MAX_DEPTH}`);
      // Each cell is an element of its own, 8 bytes at least: a cell count past the bytes left cannot be right.
      if (count * 8 > end - at) fail(`${this.here()}: ${shape()} cell array needs ${count} elements, ${end - at} bytes left`);
      const cells: MatValue[] = [];
      for (let i = 0; i < count; i++) {
        this.path.push(i + 1);
        const cell = this.tag(at, end, this.here());
        at = cell.padded;
        if (cell.type !== miMATRIX) fail(`${this.here()}: cell element of type ${cell.type}, expected miMATRIX (14)`);
        cells.push(this.matrix(cell.start, cell.end, depth + 1).value);
        this.path.pop();
      }
      return { kind: 'cell', dims, cells };
    }

    const real = this.tag(at, end, `${this.here()} data`);
    const data = this.bytes.subarray(real.start, real.end);
    if (cls === 'char') {
      let text: string;
      if (real.type === miUTF8) text = utf8.decode(data);
      else if (real.type === miUINT16 || real.type === miUINT8) text = charCodes(numbers(data, real.type, littleEndian));
      else return fail(`${this.here()}: char data of type ${real.type}, expected miUINT16 (4), miUINT8 (2) or miUTF8 (16)`);
      if (real.type !== miUTF8 && text.length !== count) fail(`${this.here()}: ${shape()} char array holds ${text.length} characters`);
      return { kind: 'char', dims, text };
    }
    const width = STORAGE[real.type];
    if (width === undefined) fail(`${this.here()}: ${cls} data of type ${real.type}, not a numeric type this reader knows`);
    if (data.length !== count * width) fail(`${this.here()}: ${shape()} ${cls} array needs ${count} values, data holds ${data.length} bytes of type ${real.type}`);
    return { kind: 'numeric', class: cls, dims, data: numbers(data, real.type, littleEndian) };
  }
}

/** The values of a numeric data element as float64 (exact for every type we read). */
function numbers(data: Uint8Array, type: number, littleEndian: boolean): Float64Array {
  const width = STORAGE[type];
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const out = new Float64Array(Math.floor(data.length / width));
  for (let i = 0, at = 0; i < out.length; i++, at += width) {
    switch (type) {
      case miINT8: out[i] = view.getInt8(at); break;
      case miUINT8: out[i] = data[at]; break;
      case miINT16: out[i] = view.getInt16(at, littleEndian); break;
      case miUINT16: out[i] = view.getUint16(at, littleEndian); break;
      case miINT32: out[i] = view.getInt32(at, littleEndian); break;
      case miUINT32: out[i] = view.getUint32(at, littleEndian); break;
      case miSINGLE: out[i] = view.getFloat32(at, littleEndian); break;
      default: out[i] = view.getFloat64(at, littleEndian);
    }
  }
  return out;
}

/** UTF-16 code units as a string, in slices (a spread of a long array would overflow the stack). */
function charCodes(codes: Float64Array): string {
  let text = '';
  for (let i = 0; i < codes.length; i += 4096) text += String.fromCharCode(...codes.subarray(i, i + 4096));
  return text;
}
