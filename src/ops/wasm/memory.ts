/**
 * Where the wasm backend keeps its numbers: one WebAssembly.Memory holding every weight and
 * activation, and the layout the kernels of this folder read and write. Legend: C channels, H/W
 * the map, HP = H+2 stored rows, WP = W+2 rounded up to a multiple of 4 stored columns, PS the
 * plane stride (HP·WP rounded up to a multiple of 8).
 *
 * An activation (1, C, H, W) is stored planar and zero-padded:
 *
 *     f32[offset/4 + c·PS + (y+1)·WP + (x+1)] = t[c][y][x]
 *
 * Why this shape: a SIMD kernel loads four x-neighbours of one channel with one v128.load, and the
 * one-pixel zero border lets every 3×3 window with pad 1 read without bounds tests. A pointwise
 * convolution is then a plain matrix product over whole planes, eight floats at a time (hence PS a
 * multiple of 8). The border, the extra columns and the plane's tail are always zero: kernels that
 * write them restore them with `zeroBorder`. Each tensor has WP + SLACK floats after its last plane,
 * which the 3×3 kernels' last vectors may read (their lanes past the map are discarded): the
 * Winograd kernels read up to one stored row and a few vectors further (convolution-winograd.ts).
 */
import { RetinaFaceError } from '../../errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import { tensor, type Tensor } from '../../tensor/tensor.js';
import { MAX_PAGES } from '../../wasm/module.js';

export interface WasmTensor {
  /** Logical NCHW shape (N = 1). */
  readonly shape: Shape;
  /** Byte offset of plane 0 in the memory; -1 once freed. */
  offset: number;
}

/** Floats the 3×3 kernels may read past a tensor's last plane. */
const SLACK = 32;
/** The memory's first bytes: the worker threads' control words (threads.ts), below every tensor. */
export const CONTROL_BYTES = 1024;
const PAGE = 65536;
/** wasm32 addresses 4 GiB; the engine refuses a tensor past it rather than wrap. */
const MAX_BYTES = 2 ** 32;

export function planarDims(shape: Shape): { C: number; H: number; W: number; HP: number; WP: number; PS: number } {
  if (shape.length !== 4 || shape[0] !== 1) {
    throw new RetinaFaceError('UNSUPPORTED', `wasm tensor ${formatShape(shape)}: the wasm path stores (1,C,H,W) only [N,C,H,W]`);
  }
  const [, C, H, W] = shape;
  const HP = H + 2;
  const WP = Math.ceil((W + 2) / 4) * 4;
  return { C, H, W, HP, WP, PS: Math.ceil((HP * WP) / 8) * 8 };
}

/** Floats a tensor of `shape` occupies, slack included. */
export function planarLength(shape: Shape): number {
  const { C, PS, WP } = planarDims(shape);
  return C * PS + WP + SLACK;
}

/**
 * The memory and a first-fit allocator over it: free blocks are kept in address order and merged
 * with their neighbours, so a batch of photos of many sizes reuses the same bytes instead of
 * growing the memory by a forward pass's worth per new size. A request no free block can hold
 * comes from the top, growing the memory as needed.
 */
export class WasmMemory {
  readonly memory: WebAssembly.Memory;
  /** End of the used bytes; everything above it is free. Bytes 0..CONTROL_BYTES-1 are threads.ts's. */
  private top = CONTROL_BYTES;
  /** Free blocks below `top` as [byte offset, bytes], in address order, never adjacent. */
  private readonly free: [number, number][] = [];
  private view: Float32Array;

  /** `shared`: a SharedArrayBuffer memory that worker threads can run kernels on (threads.ts). */
  constructor(readonly shared = false) {
    this.memory = new WebAssembly.Memory(shared ? { initial: 16, maximum: MAX_PAGES, shared: true } : { initial: 16 });
    this.view = new Float32Array(this.memory.buffer);
  }

  /** A Float32Array over the whole memory (re-made after the memory grew). */
  get f32(): Float32Array {
    if (this.view.buffer !== this.memory.buffer) this.view = new Float32Array(this.memory.buffer);
    return this.view;
  }

  /** Byte offset of `floats` zeroed floats. */
  alloc(floats: number): number {
    const at = this.allocUninitialized(floats);
    this.f32.fill(0, at / 4, at / 4 + floats);
    return at;
  }

  /** Byte offset of `floats` floats of undefined contents, for a kernel's scratch; give them back with `release`. */
  allocUninitialized(floats: number): number {
    // 16-byte granules keep every block's start aligned for v128 access
    const bytes = Math.ceil((floats * 4) / 16) * 16;
    const i = this.free.findIndex(([, size]) => size >= bytes);
    if (i >= 0) {
      const [at, size] = this.free[i];
      if (size === bytes) this.free.splice(i, 1);
      else this.free[i] = [at + bytes, size - bytes];
      return at;
    }
    const at = this.top;
    const end = at + bytes;
    if (end > MAX_BYTES) {
      throw new RetinaFaceError('UNSUPPORTED', `wasm backend: ${Math.ceil(end / 2 ** 20)} MB of tensors passes the 4096 MB a wasm32 memory can address`);
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        throw new RetinaFaceError('UNSUPPORTED', `wasm backend: cannot grow the memory to ${Math.ceil(end / 2 ** 20)} MB of tensors (${(e as Error).message})`);
      }
    }
    this.top = end;
    return at;
  }

  release(offset: number, floats: number): void {
    const bytes = Math.ceil((floats * 4) / 16) * 16;
    let i = this.free.findIndex(([at]) => at > offset);
    if (i < 0) i = this.free.length;
    let block: [number, number] = [offset, bytes];
    // merge with the block after, then the one before
    if (i < this.free.length && offset + bytes === this.free[i][0]) block = [offset, bytes + this.free.splice(i, 1)[0][1]];
    if (i > 0 && this.free[i - 1][0] + this.free[i - 1][1] === offset) {
      i--;
      block = [this.free[i][0], this.free[i][1] + block[1]];
      this.free.splice(i, 1);
    }
    if (block[0] + block[1] === this.top) this.top = block[0];
    else this.free.splice(i, 0, block);
  }

  /** A new zeroed tensor of `shape`. */
  tensor(shape: Shape): WasmTensor {
    return { shape: [...shape], offset: this.alloc(planarLength(shape)) };
  }

  /**
   * A new tensor of `shape` whose stored floats are undefined: for a kernel that writes every
   * position of every plane (the convolutions with zeroBorder; the slack is only ever read into
   * lanes that are discarded). Saves zeroing 50 MB per 640×640 forward.
   */
  outputTensor(shape: Shape): WasmTensor {
    return { shape: [...shape], offset: this.allocUninitialized(planarLength(shape)) };
  }

  freeTensor(t: WasmTensor): void {
    if (t.offset < 0) return;
    this.release(t.offset, planarLength(t.shape));
    t.offset = -1;
  }

  /**
   * NCHW tensor → a stored tensor: each plane's rows copied in, and only the positions around them
   * zeroed (row 0 and column 0 of row 1, then from each row's end to the next row's first value,
   * then the last rows and the plane's tail), not the whole tensor first.
   */
  upload(t: Tensor): WasmTensor {
    const out = this.outputTensor(t.shape);
    const { C, H, W, WP, PS } = planarDims(t.shape);
    const f32 = this.f32;
    const base = out.offset / 4;
    for (let c = 0; c < C; c++) {
      const plane = base + c * PS;
      f32.fill(0, plane, plane + WP + 1);
      for (let y = 0; y < H; y++) {
        const at = plane + (y + 1) * WP + 1;
        f32.set(t.data.subarray((c * H + y) * W, (c * H + y + 1) * W), at);
        f32.fill(0, at + W, at + WP);
      }
      f32.fill(0, plane + (H + 1) * WP + 1, plane + PS);
    }
    return out;
  }

  /** Stored tensor → NCHW tensor. */
  download(x: WasmTensor): Tensor {
    const out = tensor(x.shape);
    const { C, H, W, WP, PS } = planarDims(x.shape);
    const f32 = this.f32;
    const base = x.offset / 4;
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < H; y++) out.data.set(f32.subarray(base + c * PS + (y + 1) * WP + 1, base + c * PS + (y + 1) * WP + 1 + W), (c * H + y) * W);
    }
    return out;
  }
}
