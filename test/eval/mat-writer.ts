/**
 * A small Level 5 MAT-file writer for tests, written from MathWorks' "MAT-File Format" description
 * (not from our reader, so a reader bug cannot hide in both): the 128-byte header, 8-byte tags with
 * data padded to 8 bytes (or small elements of at most 4 bytes packed into the tag), miMATRIX
 * elements (array flags, dimensions, name, data or cells), optionally each variable wrapped in an
 * miCOMPRESSED zlib stream. `layout` reports where each tag's byte-count field sits, for the fuzzer.
 */
import { deflateSync } from 'node:zlib';

export type MatIn =
  | { cell: MatIn[]; dims?: number[] }
  | { char: string; dims?: number[] }
  | { numeric: number[]; class: 'double' | 'uint8' | 'int32' | 'single' | 'int16' | 'struct'; dims?: number[]; storage?: 'u8' | 'i32' | 'f64' | 'u16'; complex?: boolean };

export interface WriteOptions {
  readonly compress?: boolean;
  readonly bigEndian?: boolean;
  /** Use small elements (data packed into the tag) where the data has at most 4 bytes. */
  readonly small?: boolean;
  readonly version?: number;
}

const TYPES = { i8: 1, u8: 2, u16: 4, i32: 5, u32: 6, f64: 9, matrix: 14, compressed: 15 } as const;
const CLASS = { cell: 1, struct: 2, char: 4, double: 6, single: 7, int16: 10, uint8: 9, int32: 12 } as const;
const WIDTH = { u8: 1, u16: 2, i32: 4, f64: 8 } as const;

export function writeMat(variables: Record<string, MatIn>, options: WriteOptions = {}): Uint8Array {
  const le = !options.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode('MATLAB 5.0 MAT-file, Platform: test, Created on: a test'));
  header.fill(0, 116, 124);
  new DataView(header.buffer).setUint16(124, options.version ?? 0x0100, le);
  header.set(le ? [0x49, 0x4d] : [0x4d, 0x49], 126); // 'IM' read as a little-endian word is 'MI'
  const parts: Uint8Array[] = [header];
  for (const [name, value] of Object.entries(variables)) {
    const matrix = element(TYPES.matrix, matrixBody(name, value, le, options), le, false);
    parts.push(options.compress ? compressed(matrix, le) : matrix);
  }
  return concat(parts);
}

function compressed(matrix: Uint8Array, le: boolean): Uint8Array {
  const z = deflateSync(matrix);
  const tag = new Uint8Array(8);
  const view = new DataView(tag.buffer);
  view.setUint32(0, TYPES.compressed, le);
  view.setUint32(4, z.length, le);
  return concat([tag, z]); // not padded, as MATLAB writes it
}

function matrixBody(name: string, value: MatIn, le: boolean, options: WriteOptions): Uint8Array {
  const small = options.small ?? false;
  let cls: number;
  let dims: number[];
  let data: Uint8Array[];
  let complex = false;
  if ('cell' in value) {
    cls = CLASS.cell;
    dims = value.dims ?? [value.cell.length, 1];
    data = value.cell.map((c) => element(TYPES.matrix, matrixBody('', c, le, options), le, false));
  } else if ('char' in value) {
    cls = CLASS.char;
    dims = value.dims ?? [1, value.char.length];
    data = [element(TYPES.u16, numbers([...value.char].map((c) => c.charCodeAt(0)), 'u16', le), le, small)];
  } else {
    cls = CLASS[value.class];
    dims = value.dims ?? [value.numeric.length, 1];
    const storage = value.storage ?? 'f64';
    const type = { u8: TYPES.u8, u16: TYPES.u16, i32: TYPES.i32, f64: TYPES.f64 }[storage];
    data = [element(type, numbers(value.numeric, storage, le), le, small)];
    complex = value.complex ?? false;
    if (complex) data.push(element(type, numbers(value.numeric, storage, le), le, small));
  }
  const flags = new Uint8Array(8);
  new DataView(flags.buffer).setUint32(0, cls | (complex ? 0x800 : 0), le);
  return concat([
    element(TYPES.u32, flags, le, false),
    element(TYPES.i32, numbers(dims, 'i32', le), le, false),
    element(TYPES.i8, new TextEncoder().encode(name), le, small),
    ...data,
  ]);
}

function numbers(values: number[], storage: keyof typeof WIDTH, le: boolean): Uint8Array {
  const out = new Uint8Array(values.length * WIDTH[storage]);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (storage === 'u8') view.setUint8(i, v);
    else if (storage === 'u16') view.setUint16(i * 2, v, le);
    else if (storage === 'i32') view.setInt32(i * 4, v, le);
    else view.setFloat64(i * 8, v, le);
  });
  return out;
}

/** One data element: a tag and the data padded to 8 bytes, or a small element when asked and it fits. */
function element(type: number, data: Uint8Array, le: boolean, small: boolean): Uint8Array {
  if (small && data.length <= 4) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setUint32(0, (data.length << 16) | type, le);
    out.set(data, 4);
    return out;
  }
  const out = new Uint8Array(8 + data.length + ((8 - (data.length % 8)) % 8));
  const view = new DataView(out.buffer);
  view.setUint32(0, type, le);
  view.setUint32(4, data.length, le);
  out.set(data, 8);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * Where the byte-count field of every regular tag of an uncompressed little-endian file sits (a walk
 * of the tags by the format's rules, descending into miMATRIX elements), for the fuzzer's edits.
 */
export function tagSizeFields(bytes: Uint8Array): { name: string; at: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const fields: { name: string; at: number }[] = [];
  const walk = (from: number, to: number, path: string) => {
    let at = from;
    while (at + 8 <= to) {
      const first = view.getUint32(at, true);
      if (first >>> 16 !== 0) { at += 8; continue; }
      const size = view.getUint32(at + 4, true);
      fields.push({ name: `${path} tag ${first} size`, at: at + 4 });
      // a matrix's flags, dims and name come first; its later elements are cells or data
      if (first === TYPES.matrix) walk(at + 8, Math.min(to, at + 8 + size), `${path}/matrix@${at}`);
      at += 8 + size + ((8 - (size % 8)) % 8);
    }
  };
  walk(128, bytes.length, '');
  return fields;
}
