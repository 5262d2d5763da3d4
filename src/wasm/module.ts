/**
 * A small WebAssembly module writer: just enough of the binary format (WebAssembly Core
 * Specification 2.0, §5 "Binary Format", and the fixed-width SIMD proposal's 0xFD opcodes) for the
 * hand-written kernels (src/ops/wasm's convolutions and resize, src/image's JPEG colour kernel).
 * It has a folder of its own below both so that image decoding can use it without src/image
 * importing src/ops (which imports src/image). A module imports one memory (`env.memory`, so JavaScript
 * owns it and can grow it) and exports i32-parameter functions; a function body is written with
 * the stack-machine instructions below, in the order the specification defines them.
 */

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const V128 = 0x7b;
type ValueType = typeof I32 | typeof V128;

/** Unsigned LEB128 (§5.2.2). */
function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    const byte = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? byte : byte | 0x80);
  } while (v !== 0);
}

/** Signed LEB128 (§5.2.2), for i32.const. */
function sleb(value: number, out: number[]): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** A function body: its locals (after the i32 parameters) and its instructions. */
export class FunctionBody {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(readonly params: number) {}

  /** A new local of `type`; returns its index (parameters come first, 0..params-1). */
  local(type: ValueType): number {
    this.localTypes.push(type);
    return this.params + this.localTypes.length - 1;
  }

  // control (§5.4.1): blocks have no result (0x40)
  block(): this { return this.emit(0x02, 0x40); }
  loop(): this { return this.emit(0x03, 0x40); }
  end(): this { return this.emit(0x0b); }
  br(depth: number): this { this.code.push(0x0c); uleb(depth, this.code); return this; }
  brIf(depth: number): this { this.code.push(0x0d); uleb(depth, this.code); return this; }
  if(): this { return this.emit(0x04, 0x40); }
  else(): this { return this.emit(0x05); }

  // variables (§5.4.4)
  get(local: number): this { this.code.push(0x20); uleb(local, this.code); return this; }
  set(local: number): this { this.code.push(0x21); uleb(local, this.code); return this; }
  tee(local: number): this { this.code.push(0x22); uleb(local, this.code); return this; }

  // numeric (§5.4.6)
  i32(value: number): this { this.code.push(0x41); sleb(value, this.code); return this; }
  i32Eqz(): this { return this.emit(0x45); }
  i32Eq(): this { return this.emit(0x46); }
  i32Ne(): this { return this.emit(0x47); }
  i32LtS(): this { return this.emit(0x48); }
  i32Add(): this { return this.emit(0x6a); }
  i32Sub(): this { return this.emit(0x6b); }
  i32Mul(): this { return this.emit(0x6c); }
  i32Shl(): this { return this.emit(0x74); }
  i32ShrS(): this { return this.emit(0x75); }

  // memory (§5.4.5): memarg = alignment exponent, then a constant byte offset
  i32Load(offset = 0): this { return this.memory(0x28, 2, offset); }
  i32Store(offset = 0): this { return this.memory(0x36, 2, offset); }
  /** Two bytes, sign-extended. */
  i32Load16S(offset = 0): this { return this.memory(0x2e, 1, offset); }

  // SIMD (0xFD prefix, opcode as ULEB128)
  v128Load(offset = 0): this { return this.simdMemory(0x00, offset); }
  v128Load32Splat(offset = 0): this { return this.simdMemory(0x09, offset); }
  v128Store(offset = 0): this { return this.simdMemory(0x0b, offset); }
  /** Eight bytes zero-extended to the eight i16 lanes. */
  v128Load8x8U(offset = 0): this { return this.simdMemory(0x02, offset); }
  /** Four bytes into lane 0 of a zeroed vector. */
  v128Load32Zero(offset = 0): this { return this.simdMemory(0x5c, offset); }
  /** Four bytes into 32-bit lane `lane` of the vector on the stack (address below it). */
  v128Load32Lane(lane: number, offset = 0): this { this.simdMemory(0x56, offset); this.code.push(lane); return this; }
  /** 32-bit lane `lane` of the vector on the stack to memory. */
  v128Store32Lane(lane: number, offset = 0): this { this.simdMemory(0x5a, offset); this.code.push(lane); return this; }
  /** 64-bit lane `lane` (two f32 lanes) of the vector on the stack to memory. */
  v128Store64Lane(lane: number, offset = 0): this { this.simdMemory(0x5b, offset); this.code.push(lane); return this; }
  v128Zero(): this { this.simd(0x0c); for (let i = 0; i < 16; i++) this.code.push(0); return this; }
  /** v128.const with `value` in all four f32 lanes. */
  f32x4Const(value: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new Float32Array([value]).buffer);
    for (let i = 0; i < 4; i++) this.code.push(...bytes);
    return this;
  }
  /** i8x16.shuffle of the two v128 on the stack, picking 32-bit lanes (0–3 first operand, 4–7 second). */
  shuffle32(lanes: readonly [number, number, number, number]): this {
    this.simd(0x0d);
    for (const lane of lanes) for (let b = 0; b < 4; b++) this.code.push(lane * 4 + b);
    return this;
  }
  /** i8x16.shuffle of the two v128 on the stack by byte (0–15 first operand, 16–31 second). */
  shuffle8(bytes: readonly number[]): this {
    this.simd(0x0d);
    this.code.push(...bytes);
    return this;
  }
  /** v128.const with `value` in all four i32 lanes. */
  i32x4Const(value: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new Int32Array([value]).buffer);
    for (let i = 0; i < 4; i++) this.code.push(...bytes);
    return this;
  }
  /** Pairs of i16x8 → 16 u8 lanes, each clamped to 0..255 (the first operand's lanes first). */
  i8x16NarrowI16x8U(): this { return this.simd(0x66); }
  /** Pairs of i32x4 → 8 i16 lanes, each clamped to −32768..32767. */
  i16x8NarrowI32x4S(): this { return this.simd(0x85); }
  i16x8Add(): this { return this.simd(0x8e); }
  v128Or(): this { return this.simd(0x50); }
  /** 1 if any bit of the vector is set, else 0 (an i32). */
  v128AnyTrue(): this { return this.simd(0x53); }
  i32x4Abs(): this { return this.simd(0xa0); }
  i32x4ExtendLowI16x8S(): this { return this.simd(0xa7); }
  i32x4ExtendHighI16x8S(): this { return this.simd(0xa8); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4ShrU(): this { return this.simd(0xad); }
  i32x4Sub(): this { return this.simd(0xb1); }
  i32x4ExtendLowI16x8U(): this { return this.simd(0xa9); }
  i32x4ExtendHighI16x8U(): this { return this.simd(0xaa); }
  i32x4Splat(): this { return this.simd(0x11); }
  /** The i32 on the stack into i16 lane `lane` of the vector below it. */
  i16x8ReplaceLane(lane: number): this { this.simd(0x1a); this.code.push(lane); return this; }
  i32x4ShrS(): this { return this.simd(0xac); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Mul(): this { return this.simd(0xb5); }
  i32x4MinS(): this { return this.simd(0xb6); }
  /** Pairs of i16 lanes multiplied and summed into i32 lanes (exact). */
  i32x4DotI16x8S(): this { return this.simd(0xba); }
  f32x4ConvertI32x4S(): this { return this.simd(0xfa); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** Pseudo-maximum: b if a < b, else a (so pmax(0, x) is `x > 0 ? x : 0`, NaN and −0 included). */
  f32x4Pmax(): this { return this.simd(0xeb); }

  private emit(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private memory(opcode: number, align: number, offset: number): this {
    this.code.push(opcode);
    uleb(align, this.code);
    uleb(offset, this.code);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  private simdMemory(opcode: number, offset: number): this {
    // alignment hint 4 bytes: the kernels' vectors are float-aligned, not 16-byte aligned
    this.simd(opcode);
    uleb(2, this.code);
    uleb(offset, this.code);
    return this;
  }

  /** The body as the code section wants it (§5.5.13): locals run-length encoded, code, end. */
  encode(): number[] {
    const out: number[] = [];
    const runs: [number, ValueType][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, out);
    for (const [n, t] of runs) {
      uleb(n, out);
      out.push(t);
    }
    out.push(...this.code, 0x0b);
    const sized: number[] = [];
    uleb(out.length, sized);
    return [...sized, ...out];
  }
}

/**
 * Counted loop: `for (i = from; i < to; i += step) body()`, with `from`/`to` pushed by the callers
 * as instructions. Inside `body`, the enclosing loop is at depth 0 of br, so bodies contain no
 * branches of their own.
 */
export function countedLoop(f: FunctionBody, i: number, from: () => void, to: () => void, step: number, body: () => void): void {
  from();
  f.set(i).block().loop();
  f.get(i);
  to();
  f.i32LtS().i32Eqz().brIf(1);
  body();
  f.get(i).i32(step).i32Add().set(i).br(0).end().end();
}

/** d[j] = (v0[j], v1[j], v2[j], v3[j]): a 4×4 transpose of i32 lanes in eight shuffles through t. */
export function transpose4x4(f: FunctionBody, v: readonly number[], t: readonly number[], d: readonly number[]): void {
  f.get(v[0]).get(v[1]).shuffle32([0, 4, 1, 5]).set(t[0]);
  f.get(v[2]).get(v[3]).shuffle32([0, 4, 1, 5]).set(t[1]);
  f.get(v[0]).get(v[1]).shuffle32([2, 6, 3, 7]).set(t[2]);
  f.get(v[2]).get(v[3]).shuffle32([2, 6, 3, 7]).set(t[3]);
  f.get(t[0]).get(t[1]).shuffle32([0, 1, 4, 5]).set(d[0]);
  f.get(t[0]).get(t[1]).shuffle32([2, 3, 6, 7]).set(d[1]);
  f.get(t[2]).get(t[3]).shuffle32([0, 1, 4, 5]).set(d[2]);
  f.get(t[2]).get(t[3]).shuffle32([2, 3, 6, 7]).set(d[3]);
}

function section(id: number, content: number[]): number[] {
  const out = [id];
  uleb(content.length, out);
  return [...out, ...content];
}

function name(text: string, out: number[]): void {
  const bytes = new TextEncoder().encode(text);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/** wasm32's largest memory, in 64 KiB pages: a shared memory must declare its maximum. */
export const MAX_PAGES = 65536;

/**
 * The module's bytes: memory import `env.memory` (shared, for worker threads, or not), then each
 * function exported under its name.
 */
export function encodeModule(functions: ReadonlyMap<string, FunctionBody>, shared: boolean): Uint8Array<ArrayBuffer> {
  const bodies = [...functions.values()];
  const types: number[] = [];
  uleb(bodies.length, types);
  for (const f of bodies) {
    types.push(0x60);
    uleb(f.params, types);
    for (let p = 0; p < f.params; p++) types.push(I32);
    types.push(0);
  }
  const imports: number[] = [1];
  name('env', imports);
  name('memory', imports);
  // memory; limits: min 1 page, and no maximum (0x00) or, shared (0x03), the largest
  imports.push(0x02);
  if (shared) {
    imports.push(0x03, 0x01);
    uleb(MAX_PAGES, imports);
  } else {
    imports.push(0x00, 0x01);
  }
  const funcs: number[] = [];
  uleb(bodies.length, funcs);
  bodies.forEach((_, i) => uleb(i, funcs));
  const exports: number[] = [];
  uleb(bodies.length, exports);
  [...functions.keys()].forEach((key, i) => {
    name(key, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  const code: number[] = [];
  uleb(bodies.length, code);
  for (const f of bodies) code.push(...f.encode());
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code),
  ]);
}
