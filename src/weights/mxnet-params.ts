/**
 * MXNet's `.params` file, read directly: the NDArray-list format that MXNet 1.x writes with
 * `NDArray::Save(stream, arrays, names)` (src/ndarray/ndarray.cc), i.e. what `save_checkpoint`
 * leaves beside `-symbol.json`. Every integer is little-endian:
 *
 *   uint64 0x112 (kMXAPINDArrayListMagic), uint64 reserved,
 *   uint64 count, then `count` NDArrays,
 *   uint64 count, then `count` names (uint64 byte length + UTF-8), each `arg:<name>` or `aux:<name>`.
 *
 * One NDArray (`NDArray::Save`, `NDArray::Load`, `NDArray::LegacyLoad`):
 *
 *   uint32 magic   0xF993FAC9 (V2) or 0xF993FACA (V3, NumPy shape semantics): int32 storage type
 *                  follows (0 dense; sparse arrays carry a storage shape and index arrays, which we
 *                  refuse), then a shape as in V1;
 *                  0xF993FAC8 (V1): the shape follows;
 *                  any small number (pre-V1 files): it is ndim itself, followed by ndim uint32 dims;
 *   shape          int32 ndim, then ndim int64 dims (`Tuple::Save`, include/mxnet/tuple.h); ndim 0
 *                  (V3: ndim -1) is an empty array and nothing else of it is stored;
 *   context        int32 dev_type, int32 dev_id (where it lived when saved; we load everything on the CPU);
 *   type flag      int32, mshadow's codes: 0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, 5 int8, 6 int64;
 *   data           size(shape) elements in C order.
 *
 * Names come after all the arrays, so a structural error inside an array can only name its index.
 * `arg:` entries are learned weights, `aux:` entries the auxiliary states (BatchNorm moving_mean /
 * moving_var); both are kept apart and also merged by bare name, which is what `Model.params` holds.
 * Everything is converted to float32, the engine's one dtype, and must be finite.
 */
import { RetinaFaceError } from '../errors.js';
import { formatShape, size } from '../tensor/shape.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import { expectFinite } from './finite.js';
import { readFileChecked } from '../read-file.js';

const LIST_MAGIC = 0x112n;
const NDARRAY_V1_MAGIC = 0xf993fac8;
const NDARRAY_V2_MAGIC = 0xf993fac9;
const NDARRAY_V3_MAGIC = 0xf993faca;
/** A pre-V1 magic is the array's ndim; larger values are not any format's. */
const MAX_NDIM = 32;
/** mxnet::NDArrayStorageType: kDefaultStorage = 0, kRowSparseStorage = 1, kCSRStorage = 2. */
const STORAGE_TYPES = ['dense', 'row_sparse', 'csr'];

interface TypeFlag {
  readonly name: string;
  readonly bytes: number;
  readonly read: (view: DataView, at: number) => number;
}

/** mshadow's type flags, indexed by code. Codes past int64 (bool, int16, bfloat16, ...) are refused. */
const TYPE_FLAGS: readonly TypeFlag[] = [
  { name: 'float32', bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  { name: 'float64', bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  { name: 'float16', bytes: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  { name: 'uint8', bytes: 1, read: (v, at) => v.getUint8(at) },
  { name: 'int32', bytes: 4, read: (v, at) => v.getInt32(at, true) },
  { name: 'int8', bytes: 1, read: (v, at) => v.getInt8(at) },
  { name: 'int64', bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
];

export interface MxnetParams {
  /** `arg:` entries by bare name: convolution weights and biases, BatchNorm gamma and beta. */
  readonly arg: ReadonlyMap<string, Tensor>;
  /** `aux:` entries by bare name: BatchNorm moving_mean and moving_var. */
  readonly aux: ReadonlyMap<string, Tensor>;
  /** Both together by bare name (`Model.params`). */
  readonly params: ReadonlyMap<string, Tensor>;
}

/** One NDArray as found in the file, before its name is known; `null` for an empty array. */
type StoredArray = { readonly shape: number[]; readonly type: TypeFlag; readonly dataAt: number } | null;

export function readMxnetParams(path: string): MxnetParams {
  return parseMxnetParams(readFileChecked(path, 'WEIGHTS'), path);
}

/** Parses the bytes of a `.params` file; `file` starts every error message. */
export function parseMxnetParams(bytes: Uint8Array, file: string): MxnetParams {
  const c: Cursor = new Cursor(bytes, file);
  const magic = c.view.getBigUint64(c.skip(8, 'the list magic'), true);
  if (magic !== LIST_MAGIC) {
    c.fail(`not an MXNet NDArray list (magic 0x${magic.toString(16)}, expected 0x112)`);
  }
  c.u64('the reserved word');
  const count = c.u64('the array count');
  const arrays: StoredArray[] = [];
  for (let i = 0; i < count; i++) arrays.push(readArray(c, `array #${i} of ${count}`));
  const nameCount = c.u64('the name count');
  if (nameCount !== count) c.fail(`${count} arrays but ${nameCount} names`);
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(c.text(`name #${i} of ${count}`));
  if (c.pos !== bytes.length) c.fail(`${bytes.length - c.pos} unexpected bytes after the last name`);

  const arg = new Map<string, Tensor>();
  const aux = new Map<string, Tensor>();
  const params = new Map<string, Tensor>();
  arrays.forEach((stored, i) => {
    const match = /^(arg|aux):(.+)$/.exec(names[i]);
    if (match === null) c.fail(`name '${names[i]}' of array #${i} has neither the arg: nor the aux: prefix`);
    const [, kind, name] = match;
    if (params.has(name)) c.fail(`tensor ${name} is stored twice`);
    if (stored === null) c.fail(`tensor ${name} is an empty NDArray (saved without a shape)`);
    const t = tensor(stored.shape, toFloat32(c.view, stored));
    expectFinite(file, name, t);
    (kind === 'arg' ? arg : aux).set(name, t);
    params.set(name, t);
  });
  return { arg, aux, params };
}

/** Reads one NDArray's header and skips over its data (converted later, once it has a name). */
function readArray(c: Cursor, label: string): StoredArray {
  const magic = c.u32(`the magic of ${label}`);
  let shape: number[] | null;
  if (magic === NDARRAY_V2_MAGIC || magic === NDARRAY_V3_MAGIC) {
    const stype = c.i32(`the storage type of ${label}`);
    if (stype !== 0) {
      const kind = STORAGE_TYPES[stype] ?? 'unknown';
      c.fail(`${label} has ${kind} storage (type ${stype}); only dense (0) arrays are supported`);
    }
    shape = readShape(c, label, magic === NDARRAY_V3_MAGIC);
  } else if (magic === NDARRAY_V1_MAGIC) {
    shape = readShape(c, label, false);
  } else if (magic <= MAX_NDIM) {
    const dims: number[] = [];
    for (let d = 0; d < magic; d++) dims.push(c.u32(`dim ${d} of ${label}`));
    shape = magic === 0 ? null : dims;
  } else {
    c.fail(`bad magic 0x${magic.toString(16)} of ${label} (expected 0xf993fac8/9/a, or a pre-V1 ndim up to ${MAX_NDIM})`);
  }
  if (shape === null) return null;
  c.i32(`the device type of ${label}`);
  c.i32(`the device id of ${label}`);
  const code = c.i32(`the type flag of ${label}`);
  const type = TYPE_FLAGS[code];
  if (type === undefined) {
    const known = TYPE_FLAGS.map((t, i) => `${i} ${t.name}`).join(', ');
    c.fail(`${label} has type flag ${code}, which is not numeric data we read (${known})`);
  }
  const dataAt = c.pos;
  c.skip(size(shape) * type.bytes, `the data of ${label} (${type.name} ${formatShape(shape)})`);
  return { shape, type, dataAt };
}

/**
 * A V1+ shape: int32 ndim, int64 dims. Null for an empty array: ndim 0 before V3; in V3 (where
 * ndim 0 is a scalar) an unknown ndim or dim, written as -1.
 */
function readShape(c: Cursor, label: string, numpySemantics: boolean): number[] | null {
  const ndim = c.i32(`the ndim of ${label}`);
  if (numpySemantics && ndim === -1) return null;
  if (ndim < 0 || ndim > MAX_NDIM) c.fail(`${label} has ndim ${ndim}`);
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(c.i64(`dim ${d} of ${label}`));
  if (numpySemantics && dims.includes(-1)) return null;
  if (dims.some((d) => d < 0)) c.fail(`${label} has a negative dim in ${formatShape(dims)}`);
  if (!numpySemantics && ndim === 0) return null;
  return dims;
}

function toFloat32(view: DataView, stored: NonNullable<StoredArray>): Float32Array {
  const { shape, type, dataAt } = stored;
  const out = new Float32Array(size(shape));
  for (let i = 0; i < out.length; i++) out[i] = type.read(view, dataAt + i * type.bytes);
  return out;
}

/** IEEE 754 binary16 → number: sign, 5-bit exponent (bias 15), 10-bit fraction. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A read position in the file; every read names what it reads, so truncation says where. */
class Cursor {
  pos = 0;
  readonly view: DataView;

  constructor(private readonly bytes: Uint8Array, private readonly file: string) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(what: string): never {
    throw new RetinaFaceError('WEIGHTS', `${this.file}: ${what}`);
  }

  skip(n: number, what: string): number {
    const left = this.bytes.length - this.pos;
    if (n > left) this.fail(`truncated: ${what} needs ${n} bytes at offset ${this.pos}, only ${left} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u32(what: string): number {
    return this.view.getUint32(this.skip(4, what), true);
  }

  i32(what: string): number {
    return this.view.getInt32(this.skip(4, what), true);
  }

  i64(what: string): number {
    const value = this.view.getBigInt64(this.skip(8, what), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -1n) this.fail(`${what} is ${value}, out of range`);
    return Number(value);
  }

  u64(what: string): number {
    const value = this.view.getBigUint64(this.skip(8, what), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} is ${value}, out of range`);
    return Number(value);
  }

  text(what: string): string {
    const length = this.u64(`the length of ${what}`);
    const at = this.skip(length, what);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(at, at + length));
    } catch {
      this.fail(`${what} is not valid UTF-8`);
    }
  }
}
