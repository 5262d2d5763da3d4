/**
 * Dense 3×3 Convolution (num_group = 1, pad 1, stride 1 or 2) as a hand-written WebAssembly SIMD
 * kernel, twin of the reference ops/convolution.ts. Direct convolution on the planar layout of
 * memory.ts: output pixel (oy, ox) reads stored input rows oy·S + ky and columns ox·S + kx, and
 * the zero border stands in for the padding.
 *
 * Register tile: four output channels × eight x-neighbours of one row (8 f32x4 accumulators).
 * Per input channel and tap the tile loads two vectors of x — at stride 2 four, keeping every
 * other lane with a shuffle — and four splatted weights, for 32 multiply-adds. Loops, outer to
 * inner: output row, x-vector, block of four output channels, tap, input channel. The innermost
 * loop is then the pointwise kernel's (one tap at a shifted base); with the nine taps unrolled
 * inside the input-channel loop instead, the same instructions ran at 13 GFLOP/s, not 29
 * (BENCHMARKS.md). Legend: IC/OC channels, OCB = ⌈OC/4⌉, OH/OW output map, WPI/PSI and WPO/PSO
 * stored widths and plane strides.
 */
import { FunctionBody, I32, V128, countedLoop } from '../../wasm/module.js';

/** Weights (OC, IC, 3, 3) and bias → per block of four output channels: 4 biases, then w[ky][kx][ic][0..3]; a last partial block is padded with zero channels. */
export function packDenseWeights(IC: number, OC: number, weight: Float32Array, bias: Float32Array): Float32Array {
  const block = (1 + IC * 9) * 4;
  const packed = new Float32Array(Math.ceil(OC / 4) * block);
  for (let oc = 0; oc < OC; oc++) {
    const base = (oc >> 2) * block;
    packed[base + (oc & 3)] = bias[oc];
    for (let ic = 0; ic < IC; ic++) {
      for (let t = 0; t < 9; t++) packed[base + 4 + (t * IC + ic) * 4 + (oc & 3)] = weight[(oc * IC + ic) * 9 + t];
    }
  }
  return packed;
}

/** dense3x3s{S}(x, w, out, IC, OCB, OH, OW, WPI, PSI, WPO, PSO, floor): byte offsets, sizes in floats. */
export function denseFunction(stride: 1 | 2): FunctionBody {
  const f = new FunctionBody(12);
  const [X, W, OUT, IC, OCB, OH, OW, WPI, PSI, WPO, PSO, FLOOR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [ocb, oy, ox, xend, wb, wp, xp, op] = [0, 0, 0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const [psi4, pso4, icBytes] = [f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: 8 }, () => f.local(V128));
  const xv = [f.local(V128), f.local(V128)];
  const wv = f.local(V128);
  const floor = f.local(V128);
  f.get(PSI).i32(4).i32Mul().set(psi4);
  f.get(PSO).i32(4).i32Mul().set(pso4);
  f.get(IC).get(psi4).i32Mul().set(icBytes);
  f.get(FLOOR).v128Load32Splat().set(floor);
  countedLoop(f, oy, () => f.i32(0), () => f.get(OH), 1, () => {
    countedLoop(f, ox, () => f.i32(0), () => f.get(OW), 8, () => {
      f.get(W).set(wb);
      countedLoop(f, ocb, () => f.i32(0), () => f.get(OCB), 1, () => {
        for (let j = 0; j < 4; j++) f.get(wb).v128Load32Splat(4 * j).tee(acc[2 * j]).set(acc[2 * j + 1]);
        f.get(wb).i32(16).i32Add().set(wp);
        for (let ky = 0; ky < 3; ky++) {
          for (let kx = 0; kx < 3; kx++) {
            // tap (ky, kx): the window's pixel ky rows down and kx columns right, in input channel 0
            f.get(X).get(oy).i32(stride).i32Mul().i32(ky).i32Add().get(WPI).i32Mul().get(ox).i32(stride).i32Mul().i32Add().i32(kx).i32Add().i32(4).i32Mul().i32Add().tee(xp);
            // input channels: a do-while (IC ≥ 1) on xp, as in convolution-pointwise.ts
            f.get(icBytes).i32Add().set(xend);
            f.loop();
            for (let v = 0; v < 2; v++) {
              if (stride === 1) {
                f.get(xp).v128Load(16 * v).set(xv[v]);
              } else {
                // columns 2·ox + kx + 0, 2, 4, 6 (+8 for the second vector): even lanes of two loads
                f.get(xp).v128Load(32 * v).get(xp).v128Load(32 * v + 16).shuffle32([0, 2, 4, 6]).set(xv[v]);
              }
            }
            for (let j = 0; j < 4; j++) {
              f.get(wp).v128Load32Splat(4 * j).set(wv);
              f.get(acc[2 * j]).get(xv[0]).get(wv).f32x4Mul().f32x4Add().set(acc[2 * j]);
              f.get(acc[2 * j + 1]).get(xv[1]).get(wv).f32x4Mul().f32x4Add().set(acc[2 * j + 1]);
            }
            f.get(wp).i32(16).i32Add().set(wp);
            f.get(xp).get(psi4).i32Add().tee(xp).get(xend).i32Sub().brIf(0);
            f.end();
          }
        }
        // the next block's weights follow this one's
        f.get(wp).set(wb);
        // out + (4·ocb·PSO + (oy+1)·WPO + 1 + ox)·4, then one plane further per output channel
        f.get(OUT).get(ocb).i32(4).i32Mul().get(PSO).i32Mul().get(oy).i32(1).i32Add().get(WPO).i32Mul().i32Add().get(ox).i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(op);
        for (let j = 0; j < 4; j++) {
          f.get(op).get(acc[2 * j]).get(floor).f32x4Pmax().v128Store(0);
          f.get(op).get(acc[2 * j + 1]).get(floor).f32x4Pmax().v128Store(16);
          f.get(op).get(pso4).i32Add().set(op);
        }
      });
    });
  });
  return f;
}
