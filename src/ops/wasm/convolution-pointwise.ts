/**
 * Pointwise Convolution (1×1, stride 1, pad 0, num_group = 1) as a hand-written WebAssembly SIMD
 * kernel, twin of the reference ops/convolution.ts with KH = KW = 1. On the planar layout of
 * memory.ts it is a matrix product over whole planes: out[oc][p] = b[oc] + Σ_ic w[oc][ic]·x[ic][p]
 * for every stored position p (border included; zeroBorder clears it afterwards).
 *
 * Register tile: four output channels × eight positions (8 f32x4 accumulators). Per input channel
 * the tile loads two vectors of x and four splatted weights for 32 multiply-adds; the x column of
 * the tile (IC·8 floats) and the weights stay in L1 across the output-channel blocks, which is why
 * positions are the outer loop. Legend: IC/OC channels, OCB = OC/4 blocks, PS plane stride.
 */
import { FunctionBody, I32, V128, countedLoop } from '../../wasm/module.js';

/** Weights (OC, IC, 1, 1) and bias → per block of four output channels: 4 biases, then w[ic][0..3]; a last partial block is padded with zero channels. */
export function packPointwiseWeights(IC: number, OC: number, weight: Float32Array, bias: Float32Array): Float32Array {
  const packed = new Float32Array(Math.ceil(OC / 4) * (IC + 1) * 4);
  for (let oc = 0; oc < OC; oc++) {
    const block = (oc >> 2) * (IC + 1) * 4;
    packed[block + (oc & 3)] = bias[oc];
    for (let ic = 0; ic < IC; ic++) packed[block + 4 + ic * 4 + (oc & 3)] = weight[oc * IC + ic];
  }
  return packed;
}

/**
 * pointwise(x, w, out, IC, OCB, PS, N, REST, floor): byte offsets x and out at the first position
 * computed, min(N, REST) positions (REST: those left in the plane); `floor` points at 0 (relu) or
 * −∞. A split by bands of rows (convolution.ts) gives each band N = its rows, and the last band
 * REST = the plane's tail.
 */
export function pointwiseFunction(): FunctionBody {
  const f = new FunctionBody(9);
  const [N, REST] = [6, 7];
  const n = f.local(I32);
  f.get(N).set(n);
  f.block();
  f.get(N).get(REST).i32LtS().brIf(0);
  f.get(REST).set(n);
  f.end();
  emitPointwise(f, 0, 1, 2, 3, 4, 5, n, 8);
  return f;
}

/**
 * The pointwise product's code, over the locals (or parameters) given by index: X, W and OUT byte
 * offsets, IC and OCB counts, PS the plane stride and N ≤ PS the positions computed (a multiple
 * of 8), FLOOR the floor's byte offset, or null for no clamp. Winograd's products
 * (convolution-winograd.ts) run it in a loop of their own, on a band of tiles.
 *
 * The input-channel loop is a do-while on the input pointer (no counter): 5–9 % faster than the
 * counted loop on mnet.25's pointwise shapes. Unrolling it by hand, two channels a turn, is 60–75 %
 * slower (BENCHMARKS.md): TurboFan already peels and unrolls this loop itself (its x64 code, from
 * `node --print-wasm-code`, is the 16 multiplies and adds, two loads, four broadcasts, two adds and
 * a compare per channel).
 */
export function emitPointwise(f: FunctionBody, X: number, W: number, OUT: number, IC: number, OCB: number, PS: number, N: number, FLOOR: number | null): void {
  const p = f.local(I32);
  const ocb = f.local(I32);
  const xend = f.local(I32);
  const icBytes = f.local(I32);
  const xp = f.local(I32);
  const wp = f.local(I32);
  const op = f.local(I32);
  const ps4 = f.local(I32);
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const xa = f.local(V128);
  const xb = f.local(V128);
  const wv = f.local(V128);
  const floor = FLOOR === null ? null : f.local(V128);
  f.get(PS).i32(4).i32Mul().set(ps4);
  f.get(IC).get(ps4).i32Mul().set(icBytes);
  if (floor !== null) f.get(FLOOR!).v128Load32Splat().set(floor);
  countedLoop(f, p, () => f.i32(0), () => f.get(N), 8, () => {
    f.get(W).set(wp);
    countedLoop(f, ocb, () => f.i32(0), () => f.get(OCB), 1, () => {
      for (let j = 0; j < 4; j++) f.get(wp).v128Load32Splat(4 * j).tee(acc[2 * j]).set(acc[2 * j + 1]);
      f.get(wp).i32(16).i32Add().set(wp);
      // input channels: a do-while (IC ≥ 1) on xp until it reaches the column's end
      f.get(X).get(p).i32(4).i32Mul().i32Add().tee(xp).get(icBytes).i32Add().set(xend);
      f.loop();
      f.get(xp).v128Load(0).set(xa);
      f.get(xp).v128Load(16).set(xb);
      for (let j = 0; j < 4; j++) {
        f.get(wp).v128Load32Splat(4 * j).set(wv);
        f.get(acc[2 * j]).get(xa).get(wv).f32x4Mul().f32x4Add().set(acc[2 * j]);
        f.get(acc[2 * j + 1]).get(xb).get(wv).f32x4Mul().f32x4Add().set(acc[2 * j + 1]);
      }
      f.get(wp).i32(16).i32Add().set(wp);
      f.get(xp).get(ps4).i32Add().tee(xp).get(xend).i32Sub().brIf(0);
      f.end();
      // out + (4·ocb·PS + p)·4, then one plane further per output channel
      f.get(OUT).get(ocb).i32(4).i32Mul().get(PS).i32Mul().get(p).i32Add().i32(4).i32Mul().i32Add().set(op);
      for (let j = 0; j < 4; j++) {
        for (const [k, at] of [[2 * j, 0], [2 * j + 1, 16]]) {
          f.get(op).get(acc[k]);
          if (floor !== null) f.get(floor).f32x4Pmax();
          f.v128Store(at);
        }
        f.get(op).get(ps4).i32Add().set(op);
      }
    });
  });
}
