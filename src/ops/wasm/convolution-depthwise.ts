/**
 * Depthwise 3×3 Convolution (num_group = IC = OC, pad 1, stride 1 or 2) as a hand-written
 * WebAssembly SIMD kernel, twin of the reference ops/convolution.ts. Each channel's nine weights
 * and bias sit splatted in registers while its plane is swept eight x-neighbours at a time (two
 * f32x4 accumulators); at stride 2 every other lane of two loads is kept with a shuffle. Legend as
 * in convolution-dense.ts, C the channels.
 */
import { FunctionBody, I32, V128, countedLoop } from '../../wasm/module.js';

/** Weights (C, 1, 3, 3) and bias → per channel: bias, then w[ky][kx]. */
export function packDepthwiseWeights(C: number, weight: Float32Array, bias: Float32Array): Float32Array {
  const packed = new Float32Array(C * 10);
  for (let c = 0; c < C; c++) {
    packed[c * 10] = bias[c];
    packed.set(weight.subarray(c * 9, c * 9 + 9), c * 10 + 1);
  }
  return packed;
}

/** depthwise3x3s{S}(x, w, out, C, OH, OW, WPI, PSI, WPO, PSO, floor): byte offsets, sizes in floats. */
export function depthwiseFunction(stride: 1 | 2): FunctionBody {
  const f = new FunctionBody(11);
  const [X, W, OUT, C, OH, OW, WPI, PSI, WPO, PSO, FLOOR] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const [c, oy, ox, wc, xplane, oplane, op] = [0, 0, 0, 0, 0, 0, 0].map(() => f.local(I32));
  const rows = [f.local(I32), f.local(I32), f.local(I32)];
  const wpi4 = f.local(I32);
  const bias = f.local(V128);
  const wk = Array.from({ length: 9 }, () => f.local(V128));
  const acc = f.local(V128);
  const floor = f.local(V128);
  f.get(WPI).i32(4).i32Mul().set(wpi4);
  f.get(FLOOR).v128Load32Splat().set(floor);
  countedLoop(f, c, () => f.i32(0), () => f.get(C), 1, () => {
    f.get(W).get(c).i32(40).i32Mul().i32Add().set(wc);
    f.get(wc).v128Load32Splat(0).set(bias);
    for (let k = 0; k < 9; k++) f.get(wc).v128Load32Splat(4 + 4 * k).set(wk[k]);
    f.get(X).get(c).get(PSI).i32Mul().i32(4).i32Mul().i32Add().set(xplane);
    f.get(OUT).get(c).get(PSO).i32Mul().i32(4).i32Mul().i32Add().set(oplane);
    countedLoop(f, oy, () => f.i32(0), () => f.get(OH), 1, () => {
      countedLoop(f, ox, () => f.i32(0), () => f.get(OW), 8, () => {
        // the window's stored top-left: row oy·S, column ox·S
        f.get(xplane).get(oy).i32(stride).i32Mul().get(wpi4).i32Mul().i32Add().get(ox).i32(stride * 4).i32Mul().i32Add().set(rows[0]);
        f.get(rows[0]).get(wpi4).i32Add().set(rows[1]);
        f.get(rows[1]).get(wpi4).i32Add().set(rows[2]);
        f.get(oplane).get(oy).i32(1).i32Add().get(WPO).i32Mul().get(ox).i32Add().i32(1).i32Add().i32(4).i32Mul().i32Add().set(op);
        for (let v = 0; v < 2; v++) {
          f.get(bias).set(acc);
          for (let ky = 0; ky < 3; ky++) {
            for (let kx = 0; kx < 3; kx++) {
              f.get(acc);
              if (stride === 1) f.get(rows[ky]).v128Load((kx + 4 * v) * 4);
              else f.get(rows[ky]).v128Load((kx + 8 * v) * 4).get(rows[ky]).v128Load((kx + 8 * v + 4) * 4).shuffle32([0, 2, 4, 6]);
              f.get(wk[ky * 3 + kx]).f32x4Mul().f32x4Add().set(acc);
            }
          }
          f.get(op).get(acc).get(floor).f32x4Pmax().v128Store(16 * v);
        }
      });
    });
  });
  return f;
}
