/**
 * `_minus_scalar` and `_mul_scalar` on the wasm backend's stored planes (memory.ts), twins of the
 * reference ops/binary-scalar.ts. Plain JavaScript on the memory's Float32Array, not a SIMD kernel:
 * they run once per forward, on the 3-channel input only (mnet_cov2's own normalisation), about
 * 1 % of the 640² forward's arithmetic, where a kernel and its zeroBorder pass would save a
 * millisecond at most. Only the map is written; the new tensor's border stays zero, which x − s
 * over the whole plane would break.
 */
import type { BinaryScalarAttrs, BinaryScalarOp } from '../binary-scalar.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';

/** x − s or x · s at every map position of x (1, C, H, W). */
export function binaryScalarJs(memory: WasmMemory, op: BinaryScalarOp, x: WasmTensor, attrs: BinaryScalarAttrs): WasmTensor {
  const out = memory.tensor(x.shape);
  const { C, H, W, WP, PS } = planarDims(x.shape);
  const f32 = memory.f32;
  const s = attrs.scalar;
  for (let c = 0; c < C; c++) {
    for (let y = 1; y <= H; y++) {
      // stored row y of channel c: map row y − 1, its W values from column 1
      const row = c * PS + y * WP + 1;
      const from = x.offset / 4 + row;
      const to = out.offset / 4 + row;
      if (op === '_minus_scalar') for (let i = 0; i < W; i++) f32[to + i] = f32[from + i] - s;
      else for (let i = 0; i < W; i++) f32[to + i] = f32[from + i] * s;
    }
  }
  return out;
}
