import { createWasmBackend } from '../../src/ops/wasm/backend.js';
import { WasmMemory } from '../../src/ops/wasm/memory.js';
import { instantiateKernels } from '../../src/ops/wasm/kernels.js';
import { prepareConvolution } from '../../src/ops/wasm/convolution.js';
import type { ConvGeometry } from '../../src/ops/conv-geometry.js';
import { tensor } from '../../src/tensor/tensor.js';
import { seeded } from './harness.js';
void createWasmBackend;
const memory = new WasmMemory();
const kernels = instantiateKernels(memory.memory);
const fl = memory.alloc(4); memory.f32.set([0, -Infinity], fl / 4);
const cases: [string, number, number, number, number, number, number][] = [
  // name, IC, OC, H, K, stride, groups
  ['dense 64→64 @80', 64, 64, 80, 3, 1, 1],
  ['dense 64→32 @80', 64, 32, 80, 3, 1, 1],
  ['dense 3→8 s2 @640', 3, 8, 640, 3, 2, 1],
  ['pw 64→64 @80', 64, 64, 80, 1, 1, 1],
  ['pw 576→64 @80', 576, 64, 80, 1, 1, 1],
  ['dense 64→64 @20', 64, 64, 20, 3, 1, 1],
  ['dense 256→64 @20', 256, 64, 20, 3, 1, 1],
  ['pw 128→128 @40', 128, 128, 40, 1, 1, 1],
  ['pw 32→32 @160', 32, 32, 160, 1, 1, 1],
  ['pw 8→16 @320', 8, 16, 320, 1, 1, 1],
  ['pw 256→256 @20', 256, 256, 20, 1, 1, 1],
  ['dw 8 @320', 8, 8, 320, 3, 1, 8],
  ['dw 32 @160', 32, 32, 160, 3, 1, 32],
  ['dw 16 s2 @320', 16, 16, 320, 3, 2, 16],
];
for (const [name, IC, OC, H, K, s, g] of cases) {
  const OH = K === 3 ? Math.floor((H - 1) / s) + 1 : H;
  const geo: ConvGeometry = { N: 1, IC, H, W: H, OC, OH, OW: OH, KH: K, KW: K, sy: s, sx: s, py: K === 3 ? 1 : 0, px: K === 3 ? 1 : 0, g };
  const conv = prepareConvolution(memory, kernels, { relu: fl, none: fl + 4 }, (_k, pack) => { const p = pack(); const at = memory.alloc(p.length); memory.f32.set(p, at / 4); return at; }, name, name, geo, { weight: seeded(OC * (IC / g) * K * K, 2), bias: seeded(OC, 3) }, true);
  const xt = tensor([1, IC, H, H]); xt.data.set(seeded(IC * H * H, 1));
  const x = memory.upload(xt);
  let best = 1e9;
  for (let r = 0; r < 12; r++) { const t0 = performance.now(); const o = conv(x); best = Math.min(best, performance.now() - t0); memory.freeTensor(o); }
  const flop = 2 * OC * (IC / g) * K * K * OH * OH;
  console.log(`${name.padEnd(22)} ${best.toFixed(2).padStart(7)} ms ${(flop / best / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
}
