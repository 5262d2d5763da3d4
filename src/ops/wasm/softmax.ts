/**
 * Softmax over channels on the wasm backend's stored planes (memory.ts), twin of the reference
 * ops/softmax.ts with axis 1, for `softmax(axis=1)` (mnet.25) and `SoftmaxActivation(mode=channel)`
 * (mnet_cov2). Plain JavaScript on the memory's Float32Array, not a SIMD kernel: it runs on the
 * reshaped score maps, 2 or 3 classes by A·H × W, a few thousand exps per forward. The arithmetic
 * is the reference's step for step (exp in double, stored as float32, then divided by the double
 * sum), so the two agree bit for bit.
 */
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';

/** softmax over axis 1 of x (1, C, H, W) at every map position. */
export function softmaxChannelsJs(memory: WasmMemory, x: WasmTensor): WasmTensor {
  const out = memory.tensor(x.shape);
  const { C, H, W, WP, PS } = planarDims(x.shape);
  const f32 = memory.f32;
  for (let y = 1; y <= H; y++) {
    for (let xx = 1; xx <= W; xx++) {
      // the C-vector at map pixel (y − 1, xx − 1): one value per plane, PS apart
      const from = x.offset / 4 + y * WP + xx;
      const to = out.offset / 4 + y * WP + xx;
      let m = -Infinity;
      for (let c = 0; c < C; c++) m = Math.max(m, f32[from + c * PS]);
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp(f32[from + c * PS] - m);
        f32[to + c * PS] = e;
        sum += e;
      }
      for (let c = 0; c < C; c++) f32[to + c * PS] /= sum;
    }
  }
  return out;
}
