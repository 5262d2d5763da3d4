/**
 * NumPy `.npy` files, the currency of verification: the golden set is .npy, `dump` writes .npy.
 * Format (numpy.lib.format): magic "\x93NUMPY", major, minor version byte, header length
 * (uint16 little-endian in v1.0, uint32 in v2.0/v3.0), then an ASCII Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 180, 320), }` padded with spaces and a
 * newline so the data starts at a multiple of 64 bytes, then the raw C-order data.
 * We read and write little-endian float32, float64, int64 and uint8 in C order; anything else is
 * refused by name.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size, type Shape } from './shape.js';

export type NpyDtype = '<f4' | '<f8' | '<i8' | '|u1';

export type NpyArray =
  | { dtype: '<f4'; shape: number[]; data: Float32Array }
  | { dtype: '<f8'; shape: number[]; data: Float64Array }
  | { dtype: '<i8'; shape: number[]; data: BigInt64Array }
  | { dtype: '|u1'; shape: number[]; data: Uint8Array };

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const BYTES: Record<NpyDtype, number> = { '<f4': 4, '<f8': 8, '<i8': 8, '|u1': 1 };

function fail(where: string, what: string): never {
  throw new RetinaFaceError('NPY', `${where}: ${what}`);
}

/** Parses `.npy` bytes. `where` (usually the file name) starts every error message. */
export function readNpy(bytes: Uint8Array, where = 'npy'): NpyArray {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail(where, 'not a .npy file (bad magic)');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(where, 'truncated header');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    fail(where, `unsupported .npy format version ${major}.${bytes[7]}`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) fail(where, `header length ${headerLen} runs past the end of the file (${bytes.length} bytes)`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, dataStart));

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) fail(where, `malformed header ${JSON.stringify(header.trim())}`);
  if (!(descr in BYTES)) fail(where, `unsupported dtype '${descr}' (supported: <f4, <f8, <i8, |u1)`);
  if (fortran === 'True') fail(where, 'Fortran-order arrays are not supported (save with C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map((s) => {
    if (!/^\d+$/.test(s)) fail(where, `bad shape entry '${s}'`);
    return Number(s);
  });

  const dtype = descr as NpyDtype;
  const n = size(shape);
  const byteLength = n * BYTES[dtype];
  if (bytes.length - dataStart !== byteLength) {
    fail(where, `shape ${formatShape(shape)} of ${dtype} needs ${byteLength} data bytes, file has ${bytes.length - dataStart}`);
  }
  // Copy so the result is aligned and independent of the input buffer. `new Uint8Array(view)`
  // copies for every Uint8Array; a Node Buffer's own `.slice` would return a view of its pool.
  const raw = new Uint8Array(bytes.subarray(dataStart, dataStart + byteLength)).buffer;
  switch (dtype) {
    case '<f4': return { dtype, shape, data: new Float32Array(raw) };
    case '<f8': return { dtype, shape, data: new Float64Array(raw) };
    case '<i8': return { dtype, shape, data: new BigInt64Array(raw) };
    case '|u1': return { dtype, shape, data: new Uint8Array(raw) };
  }
}

/** Reads a `.npy` that must hold float32 (the dtype of every network tensor). */
export function readNpyFloat32(bytes: Uint8Array, where = 'npy'): { shape: number[]; data: Float32Array } {
  const a = readNpy(bytes, where);
  if (a.dtype !== '<f4') fail(where, `expected float32 (<f4), got ${a.dtype}`);
  return a;
}

/** Serialises to `.npy` v1.0 (C order, little-endian). */
export function writeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  if (data.length !== size(shape)) fail('writeNpy', `shape ${formatShape(shape)} needs ${size(shape)} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : formatShape(shape).replace(/,/g, ', ');
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

/** A float32 tensor as `.npy` bytes. */
export function writeNpyFloat32(shape: Shape, data: Float32Array): Uint8Array {
  return writeNpy({ dtype: '<f4', shape: [...shape], data });
}
