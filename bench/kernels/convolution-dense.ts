/**
 * Dense 3×3 Convolution variants, 64 → 64 channels, 80×80, stride 1, pad 1 (0.47 GFLOP: the shape
 * of rf_c1_aggr, the network's largest layer at 640×640). Each variant is checked against the
 * reference ops/convolution.ts, then timed (harness.ts says how to run this file). Legend: IC/OC
 * in/out channels, H/W map, ky/kx taps, oy/ox output pixel; "blocked" is the layout of
 * src/ops/gpu/device-tensor.ts.
 *
 *   v1  one output per thread, NCHW input via input(), bounds test at every tap
 *   v2  four output channels per thread (Array(4) return): one input load feeds four MACs
 *   v3  v2 on an input padded by one pixel: no bounds tests; weights input-major
 *   v4  v3 with a flat index walked by increments instead of x[c][y][x]
 *   v5  v4 in the blocked layout, stored width W+2 (not a multiple of 4)
 *   v6  v5 with the stored width rounded up to 4
 *   v7  v6 with the kx loop unrolled (3×3 only)
 *   v8  v6's output, but reading a planar input (NCHW padded, width rounded up to 4): four
 *       x-neighbours one float apart instead of four
 *   v9  src/ops/gpu/convolution-dense.ts: a copy kernel makes the planar input, then v8
 */
import gpujs from 'gpu.js';
import type { KernelFunction } from 'gpu.js';
import { convolution } from '../../src/ops/convolution.js';
import { convolutionDense, packDenseWeights } from '../../src/ops/gpu/convolution-dense.js';
import type { ConvGeometry } from '../../src/ops/conv-geometry.js';
import { GpuDevice, input, type KernelThis } from '../../src/ops/gpu/device.js';
import { fromBlocked, storedWidth, toBlocked } from '../../src/ops/gpu/device-tensor.js';
import { compare, modeFromArgv, seeded, type Variant } from './harness.js';

const { GPU } = gpujs;
const IC = 64;
const OC = 64;
const H = 80;
const W = 80;
const g: ConvGeometry = { N: 1, IC, H, W, OC, OH: H, OW: W, KH: 3, KW: 3, sy: 1, sx: 1, py: 1, px: 1, g: 1 };

type C = Record<string, number>;

function v1(this: KernelThis<C>, x: number[][][], w: number[]): number {
  const ox = this.thread.x;
  const oy = this.thread.y;
  const oc = this.thread.z;
  let s = 0;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    for (let ky = 0; ky < 3; ky++) {
      const iy = oy + ky - 1;
      if (iy >= 0 && iy < this.constants.H) {
        for (let kx = 0; kx < 3; kx++) {
          const ix = ox + kx - 1;
          if (ix >= 0 && ix < this.constants.W) s += x[ic][iy][ix] * w[((oc * this.constants.IC + ic) * 3 + ky) * 3 + kx];
        }
      }
    }
  }
  return s;
}

function v2(this: KernelThis<C>, x: number[][][], w: number[]): number[] {
  const ox = this.thread.x;
  const oy = this.thread.y;
  const oc = this.thread.z * 4;
  const n = this.constants.IC * 9;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    for (let ky = 0; ky < 3; ky++) {
      const iy = oy + ky - 1;
      if (iy >= 0 && iy < this.constants.H) {
        for (let kx = 0; kx < 3; kx++) {
          const ix = ox + kx - 1;
          if (ix >= 0 && ix < this.constants.W) {
            const v = x[ic][iy][ix];
            const k = (ic * 3 + ky) * 3 + kx;
            s0 += v * w[oc * n + k];
            s1 += v * w[(oc + 1) * n + k];
            s2 += v * w[(oc + 2) * n + k];
            s3 += v * w[(oc + 3) * n + k];
          }
        }
      }
    }
  }
  return [s0, s1, s2, s3];
}

/** padded NCHW input (IC, H+2, W+2); weights w[((ic·3 + ky)·3 + kx)·OC + oc] */
function v3(this: KernelThis<C>, x: number[][][], w: number[]): number[] {
  const ox = this.thread.x;
  const oy = this.thread.y;
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    for (let ky = 0; ky < 3; ky++) {
      for (let kx = 0; kx < 3; kx++) {
        const v = x[ic][oy + ky][ox + kx];
        const k = ((ic * 3 + ky) * 3 + kx) * this.constants.OC + oc;
        s0 += v * w[k];
        s1 += v * w[k + 1];
        s2 += v * w[k + 2];
        s3 += v * w[k + 3];
      }
    }
  }
  return [s0, s1, s2, s3];
}

/** v3 with a flat index walked by increments */
function v4(this: KernelThis<C>, x: number[], w: number[]): number[] {
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let row = this.thread.y * this.constants.WP + this.thread.x;
  let k = oc;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    for (let ky = 0; ky < 3; ky++) {
      for (let kx = 0; kx < 3; kx++) {
        const v = x[row + kx];
        s0 += v * w[k];
        s1 += v * w[k + 1];
        s2 += v * w[k + 2];
        s3 += v * w[k + 3];
        k += this.constants.OC;
      }
      row += this.constants.WP;
    }
    row += (this.constants.HP - 3) * this.constants.WP;
  }
  return [s0, s1, s2, s3];
}

/** blocked layout, output over the stored grid (border written as zeros) */
function v5(this: KernelThis<C>, x: number[], w: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const corner = (oy * this.constants.WP + ox) * 4;
  let k = oc;
  for (let icb = 0; icb < this.constants.ICB; icb++) {
    for (let ci = 0; ci < 4; ci++) {
      let row = corner + icb * this.constants.HP * this.constants.WP * 4 + ci;
      for (let ky = 0; ky < 3; ky++) {
        for (let kx = 0; kx < 3; kx++) {
          const v = x[row + kx * 4];
          s0 += v * w[k];
          s1 += v * w[k + 1];
          s2 += v * w[k + 2];
          s3 += v * w[k + 3];
          k += this.constants.OCP;
        }
        row += this.constants.WP * 4;
      }
    }
  }
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

/** v6 with the three kx taps written out */
function v7(this: KernelThis<C>, x: number[], w: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const oc = this.thread.z * 4;
  const o1 = this.constants.OCP;
  const o2 = 2 * this.constants.OCP;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let row = (oy * this.constants.WP + ox) * 4;
  let k = oc;
  for (let icb = 0; icb < this.constants.ICB; icb++) {
    for (let ci = 0; ci < 4; ci++) {
      for (let ky = 0; ky < 3; ky++) {
        const a = x[row + ci];
        const b = x[row + ci + 4];
        const c = x[row + ci + 8];
        s0 += a * w[k] + b * w[k + o1] + c * w[k + o2];
        s1 += a * w[k + 1] + b * w[k + 1 + o1] + c * w[k + 1 + o2];
        s2 += a * w[k + 2] + b * w[k + 2 + o1] + c * w[k + 2 + o2];
        s3 += a * w[k + 3] + b * w[k + 3 + o1] + c * w[k + 3 + o2];
        k += 3 * this.constants.OCP;
        row += this.constants.WP * 4;
      }
      row -= 3 * this.constants.WP * 4;
    }
    row += this.constants.HP * this.constants.WP * 4;
  }
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

/** planar padded input (IC, HP, WP), WP a multiple of 4; output as v6 */
function v8(this: KernelThis<C>, x: number[], w: number[]): number[] {
  const oy = this.thread.y - 1;
  if (oy < 0 || oy >= this.constants.OH) return [0, 0, 0, 0];
  const ox = Math.min(Math.max(this.thread.x - 1, 0), this.constants.OW - 1);
  const oc = this.thread.z * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let row = oy * this.constants.WP + ox;
  let k = oc;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    for (let ky = 0; ky < 3; ky++) {
      for (let kx = 0; kx < 3; kx++) {
        const v = x[row + kx];
        s0 += v * w[k];
        s1 += v * w[k + 1];
        s2 += v * w[k + 2];
        s3 += v * w[k + 3];
        k += this.constants.OCP;
      }
      row += this.constants.WP;
    }
    row += (this.constants.HP - 3) * this.constants.WP;
  }
  if (this.thread.x < 1 || this.thread.x > this.constants.OW) return [0, 0, 0, 0];
  return [s0, s1, s2, s3];
}

const x = seeded(IC * H * W, 1);
const weight = seeded(OC * IC * 9, 2);
const bias = new Float32Array(OC);
const ref = convolution(
  { shape: [1, IC, H, W], data: x },
  { shape: [OC, IC, 3, 3], data: weight },
  undefined,
  { kernel: [3, 3], stride: [1, 1], pad: [1, 1], num_filter: OC, num_group: 1, no_bias: true },
).data;

const mode = modeFromArgv();
const gpu = new GPU({ mode });
const settings = { precision: 'single' as const, tactic: 'precision' as const, asyncMode: true };
/**
 * A raw gpu.js kernel returning its flat output buffer, as src/ops/gpu/device.ts does: gpu.js's
 * own reshaping into per-pixel views costs ~25 ms per 100 k cells, more than some kernels.
 */
const kernelOf = (fn: unknown, output: number[], constants: C) => {
  const k = gpu.createKernel(fn as KernelFunction, { ...settings, output, constants }) as unknown as ((...a: unknown[]) => Promise<Float32Array>) & { kernel: Record<string, unknown> };
  k.kernel._shapeOutput = (data: Float32Array) => data;
  return k;
};

/** NCHW from a flat Array(4) result over (X, Y, OC/4) cells whose pixel (ox, oy) is cell (ox + dx, oy + dy). */
function fromCells(raw: unknown, X: number, Y: number, dx: number, dy: number): Float32Array {
  const out = new Float32Array(OC * H * W);
  const cells = raw as Float32Array;
  for (let oc = 0; oc < OC; oc++) {
    for (let oy = 0; oy < H; oy++) {
      for (let ox = 0; ox < W; ox++) out[(oc * H + oy) * W + ox] = cells[((((oc >> 2) * Y + oy + dy) * X + ox + dx) * 4) + (oc & 3)];
    }
  }
  return out;
}
const flat3 = (raw: unknown) => raw as Float32Array;

const padded = new Float32Array(IC * (H + 2) * (W + 2));
for (let c = 0; c < IC; c++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) padded[(c * (H + 2) + y + 1) * (W + 2) + xx + 1] = x[(c * H + y) * W + xx];
const wInputMajor = new Float32Array(OC * IC * 9);
for (let oc = 0; oc < OC; oc++) for (let k = 0; k < IC * 9; k++) wInputMajor[k * OC + oc] = weight[oc * IC * 9 + k];
const packed = packDenseWeights(g, { weight, bias });
const blocked = toBlocked({ shape: [1, IC, H, W], data: x });
const blockedUnaligned = new Float32Array((IC / 4) * (H + 2) * (W + 2) * 4);
for (let c = 0; c < IC; c++) {
  for (let y = 0; y < H; y++) {
    for (let xx = 0; xx < W; xx++) blockedUnaligned[(((c >> 2) * (H + 2) + y + 1) * (W + 2) + xx + 1) * 4 + (c & 3)] = x[(c * H + y) * W + xx];
  }
}

const k1 = kernelOf(v1, [W, H, OC], { IC, H, W });
const k2 = kernelOf(v2, [W, H, OC / 4], { IC, H, W });
const k3 = kernelOf(v3, [W, H, OC / 4], { IC, OC });
const k4 = kernelOf(v4, [W, H, OC / 4], { IC, OC, HP: H + 2, WP: W + 2 });
const blockedConstants = { ICB: IC / 4, OCP: OC, OH: H, OW: W, HP: H + 2 };
const k5 = kernelOf(v5, [W + 2, H + 2, OC / 4], { ...blockedConstants, WP: W + 2 });
const planar = new Float32Array(IC * (H + 2) * storedWidth(W));
for (let c = 0; c < IC; c++) {
  for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) planar[(c * (H + 2) + y + 1) * storedWidth(W) + xx + 1] = x[(c * H + y) * W + xx];
}
const k8 = kernelOf(v8, [storedWidth(W), H + 2, OC / 4], { ...blockedConstants, IC, WP: storedWidth(W) });
const k6 = kernelOf(v5, [storedWidth(W), H + 2, OC / 4], { ...blockedConstants, WP: storedWidth(W) });
const k7 = kernelOf(v7, [storedWidth(W), H + 2, OC / 4], { ...blockedConstants, WP: storedWidth(W) });
const device = new GpuDevice(mode);
const xIn = input(x, [W, H, IC]);
const paddedIn = input(padded, [W + 2, H + 2, IC]);
const classOf = (k: { kernel: Record<string, unknown> }) => () => k.kernel.constructor.name;

const variants: Variant[] = [
  { name: 'v1 one output per thread', run: () => k1(xIn, weight), nchw: flat3, kernelClass: classOf(k1) },
  { name: 'v2 4 channels per thread (Array(4))', run: () => k2(xIn, weight), nchw: (r) => fromCells(r, W, H, 0, 0), kernelClass: classOf(k2) },
  { name: 'v3 v2 + padded input, no bounds tests', run: () => k3(paddedIn, wInputMajor), nchw: (r) => fromCells(r, W, H, 0, 0), kernelClass: classOf(k3) },
  { name: 'v4 v3 + flat index walked by increments', run: () => k4(padded, wInputMajor), nchw: (r) => fromCells(r, W, H, 0, 0), kernelClass: classOf(k4) },
  { name: 'v5 blocked layout, width W+2', run: () => k5(blockedUnaligned, packed), nchw: (r) => fromCells(r, W + 2, H + 2, 1, 1), kernelClass: classOf(k5) },
  { name: 'v6 blocked, width to 4', run: () => k6(blocked.data, packed), nchw: (r) => fromCells(r, storedWidth(W), H + 2, 1, 1), kernelClass: classOf(k6) },
  { name: 'v7 v6 + kx unrolled', run: () => k7(blocked.data, packed), nchw: (r) => fromCells(r, storedWidth(W), H + 2, 1, 1), kernelClass: classOf(k7) },
  { name: 'v8 v6 reading a planar padded input', run: () => k8(planar, packed), nchw: (r) => fromCells(r, storedWidth(W), H + 2, 1, 1), kernelClass: classOf(k8) },
  {
    name: 'v9 planar copy + v8 (src kernel)',
    // a fresh GpuTensor each call, so the planar copy is made (and timed) every time
    run: () => convolutionDense(device, g, { ...blocked }, packed, false),
    nchw: (r) => fromBlocked(r as Parameters<typeof fromBlocked>[0]).data,
    kernelClass: () => device.kernelClass,
  },
];
await compare(`dense 3×3 ${IC}→${OC} @${H}×${W} on ${mode}`, 2 * OC * IC * 9 * H * W, ref, variants);
device.destroy();
gpu.destroy();
