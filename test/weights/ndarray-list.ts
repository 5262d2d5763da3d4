/**
 * Builds small MXNet NDArray-list files byte by byte for the reader's tests, written from the
 * format as MXNet's ndarray.cc / tuple.h lay it out (not from our reader), so format mistakes in
 * the reader cannot cancel out here.
 */
export const V1 = 0xf993fac8;
export const V2 = 0xf993fac9;
export const V3 = 0xf993faca;

export interface ArraySpec {
  /** V1, V2, V3, or 'legacy' (the first word is ndim, dims uint32). */
  readonly version: number | 'legacy';
  readonly shape: readonly number[];
  readonly typeFlag: number;
  /** The raw data bytes (little-endian), already encoded for `typeFlag`. */
  readonly data: Uint8Array;
  readonly storageType?: number;
}

class Writer {
  private parts: Uint8Array[] = [];
  u32(v: number): this { return this.raw(4, (d) => d.setUint32(0, v, true)); }
  i32(v: number): this { return this.raw(4, (d) => d.setInt32(0, v, true)); }
  u64(v: number): this { return this.raw(8, (d) => d.setBigUint64(0, BigInt(v), true)); }
  i64(v: number): this { return this.raw(8, (d) => d.setBigInt64(0, BigInt(v), true)); }
  bytes(b: Uint8Array): this { this.parts.push(b); return this; }
  private raw(n: number, fill: (d: DataView) => void): this {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    this.parts.push(b);
    return this;
  }
  done(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

export function ndarrayList(arrays: readonly ArraySpec[], names: readonly string[]): Uint8Array {
  const w = new Writer().u64(0x112).u64(0).u64(arrays.length);
  for (const a of arrays) {
    if (a.version === 'legacy') {
      w.u32(a.shape.length);
      for (const d of a.shape) w.u32(d);
    } else {
      w.u32(a.version);
      if (a.version !== V1) w.i32(a.storageType ?? 0);
      w.i32(a.shape.length);
      for (const d of a.shape) w.i64(d);
    }
    // MXNet's Save stops after the shape of an empty array (ndim 0 before V3)
    if (a.shape.length === 0 && a.version !== V3) continue;
    w.i32(1).i32(0).i32(a.typeFlag).bytes(a.data);
  }
  w.u64(names.length);
  for (const n of names) {
    const b = new TextEncoder().encode(n);
    w.u64(b.length).bytes(b);
  }
  return w.done();
}

/** Little-endian bytes of float32 values (the test machines are little-endian, as MXNet's files are). */
export function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
