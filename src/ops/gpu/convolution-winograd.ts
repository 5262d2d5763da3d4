/**
 * Dense 3×3, stride 1, pad 1 Convolution by Winograd's minimal filtering F(2×2, 3×3) (Lavin &
 * Gray, "Fast Algorithms for Convolutional Neural Networks", 2015), with the bias / folded
 * BatchNorm / relu epilogue: each 2×2 output tile is y = Aᵀ [ Σ_ic (G g Gᵀ) ⊙ (Bᵀ d B) ] A, d the
 * tile's 4×4 input window, so the sum over input channels happens at the 16 positions of the
 * transformed tile: 16 small GEMMs with 4·IC·OC·H·W multiply-adds instead of the direct
 * kernel's 9·IC·OC·H·W (2.25× fewer). Measured against convolution-dense.ts on mnet.25's
 * stride-8 layers (bench/kernels/convolution-winograd.ts): see BENCHMARKS.md. Legend: IC/OC in/out channels, OCB/OCP output blocks /
 * channels rounded up to 4, H/W map, TH/TW tiles (2×2 outputs each), TWP = TW rounded up to 4,
 * p = 0..15 a position in the transformed tile, HP/WP stored extents (device-tensor.ts).
 *
 *   1. input transform (host): V[p][ic][ty][tx] = (Bᵀ d B)[p], d the 4×4 input window of tile (ty, tx)
 *   2. gpu.js GEMM: M[p][oc][tile] = Σ_ic U[p][ic][oc] · V[p][ic][tile], four oc per thread
 *   3. output transform (host): y = Aᵀ M A + bias, relu, into the blocked output
 *
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]   G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]   Aᵀ = [1 1 1 0; 0 1 −1 −1]
 */
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import type { GpuDevice, KernelThis } from './device.js';
import { blockedDims, storedWidth, type GpuTensor } from './device-tensor.js';

type GemmConstants = { IC: number; OCB: number; OCP: number; TH: number; TWP: number };

/** M for position p = thread.z / OCB, output channels 4·(thread.z mod OCB).. +3, tile (thread.y, thread.x). */
function winogradGemmKernel(this: KernelThis<GemmConstants>, v: number[], u: number[]): number[] {
  const p = Math.floor(this.thread.z / this.constants.OCB);
  const oc = (this.thread.z - p * this.constants.OCB) * 4;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = (p * this.constants.IC * this.constants.TH + this.thread.y) * this.constants.TWP + this.thread.x;
  let k = p * this.constants.IC * this.constants.OCP + oc;
  for (let ic = 0; ic < this.constants.IC; ic++) {
    const x = v[i];
    s0 += x * u[k];
    s1 += x * u[k + 1];
    s2 += x * u[k + 2];
    s3 += x * u[k + 3];
    i += this.constants.TH * this.constants.TWP;
    k += this.constants.OCP;
  }
  return [s0, s1, s2, s3];
}

export interface WinogradWeights {
  /** (16, IC, OCP): G g Gᵀ per position, input-major so four output channels sit together. */
  u: Float32Array;
  /** (OC) */
  bias: Float32Array;
}

/** U = G g Gᵀ for every (oc, ic), stored u[(p·IC + ic)·OCP + oc]. */
export function packWinogradWeights(g: ConvGeometry, p: ConvWeights): WinogradWeights {
  const OCP = Math.ceil(g.OC / 4) * 4;
  const u = new Float32Array(16 * g.IC * OCP);
  const t = new Float64Array(12);
  for (let oc = 0; oc < g.OC; oc++) {
    for (let ic = 0; ic < g.IC; ic++) {
      const w = p.weight.subarray((oc * g.IC + ic) * 9, (oc * g.IC + ic) * 9 + 9);
      // t = G w (4×3), then U = t Gᵀ (4×4)
      for (let c = 0; c < 3; c++) {
        t[c] = w[c];
        t[3 + c] = 0.5 * (w[c] + w[3 + c] + w[6 + c]);
        t[6 + c] = 0.5 * (w[c] - w[3 + c] + w[6 + c]);
        t[9 + c] = w[6 + c];
      }
      for (let r = 0; r < 4; r++) {
        const a = t[r * 3];
        const b = t[r * 3 + 1];
        const c = t[r * 3 + 2];
        const row = [a, 0.5 * (a + b + c), 0.5 * (a - b + c), c];
        for (let q = 0; q < 4; q++) u[((r * 4 + q) * g.IC + ic) * OCP + oc] = row[q];
      }
    }
  }
  return { u, bias: p.bias };
}

/** Tiles of a map: TH × TW, TWP = TW rounded up to 4 (gpu.js's webasm runs SIMD only on x extents that are multiples of 4). */
function tiles(H: number, W: number): { TH: number; TW: number; TWP: number } {
  const TW = Math.ceil(W / 2);
  return { TH: Math.ceil(H / 2), TW, TWP: Math.ceil(TW / 4) * 4 };
}

/**
 * Whether a geometry runs this way: 3×3, stride 1, pad 1, no groups, and the transformed input
 * and the GEMM result (each about 4× the map) within the device's exact-index limit (device.ts);
 * past it the dense kernel runs in row bands instead.
 */
export function winogradApplies(device: GpuDevice, g: ConvGeometry): boolean {
  if (!(g.KH === 3 && g.KW === 3 && g.sy === 1 && g.sx === 1 && g.py === 1 && g.px === 1 && g.g === 1)) return false;
  const { TH, TWP } = tiles(g.H, g.W);
  const cells = 16 * TH * TWP;
  return Math.max(cells * g.IC, cells * Math.ceil(g.OC / 4) * 4, 16 * g.IC * Math.ceil(g.OC / 4) * 4) <= device.maxValues;
}

/**
 * V = Bᵀ d B for every channel and tile of x, stored v[((p·IC + ic)·TH + ty)·TWP + tx]; made once
 * per tensor. Per tile row, the row pass Bᵀ d is done once per stored column (neighbouring tiles
 * share two columns), then the column pass per tile. Stored rows / columns past the map read zeros.
 */
function inputTransform(device: GpuDevice, x: GpuTensor): Float32Array {
  x.copies ??= new Map();
  let v = x.copies.get('winograd');
  if (v !== undefined) return v;
  const { C, H, W, HP, WP } = blockedDims(x.shape);
  const { TH, TW, TWP } = tiles(H, W);
  const plane = TH * TWP;
  const pStride = C * plane;
  v = device.take(16 * pStride);
  const b = x.data;
  const columns = 2 * TW + 2;
  const e = new Float32Array(4 * columns);
  for (let ic = 0; ic < C; ic++) {
    const channel = (ic >> 2) * HP * WP * 4 + (ic & 3);
    for (let ty = 0; ty < TH; ty++) {
      const row = (r: number) => (2 * ty + r < HP ? channel + (2 * ty + r) * WP * 4 : -1);
      const o0 = row(0), o1 = row(1), o2 = row(2), o3 = row(3);
      for (let sx = 0; sx < columns; sx++) {
        const inside = sx < WP;
        const d0 = inside && o0 >= 0 ? b[o0 + sx * 4] : 0;
        const d1 = inside && o1 >= 0 ? b[o1 + sx * 4] : 0;
        const d2 = inside && o2 >= 0 ? b[o2 + sx * 4] : 0;
        const d3 = inside && o3 >= 0 ? b[o3 + sx * 4] : 0;
        e[sx * 4] = d0 - d2;
        e[sx * 4 + 1] = d1 + d2;
        e[sx * 4 + 2] = d2 - d1;
        e[sx * 4 + 3] = d1 - d3;
      }
      let o = ic * plane + ty * TWP;
      for (let tx = 0; tx < TW; tx++, o++) {
        const c = tx * 8;
        for (let r = 0; r < 4; r++) {
          const c0 = e[c + r], c1 = e[c + 4 + r], c2 = e[c + 8 + r], c3 = e[c + 12 + r];
          const at = o + 4 * r * pStride;
          v[at] = c0 - c2;
          v[at + pStride] = c1 + c2;
          v[at + 2 * pStride] = c2 - c1;
          v[at + 3 * pStride] = c1 - c3;
        }
      }
      // the tiles past TW only round the row up to 4; they hold zeros
      for (let p = 0; p < 16; p++) v.fill(0, p * pStride + ic * plane + ty * TWP + TW, p * pStride + ic * plane + (ty + 1) * TWP);
    }
  }
  x.copies.set('winograd', v);
  return v;
}

/** x (1, IC, H, W) → (1, OC, H, W); `packed` from packWinogradWeights. */
export async function convolutionWinograd(device: GpuDevice, g: ConvGeometry, x: GpuTensor, packed: WinogradWeights, relu: boolean): Promise<GpuTensor> {
  const OCB = Math.ceil(g.OC / 4);
  const { TH, TW, TWP } = tiles(g.H, g.W);
  const constants: GemmConstants = { IC: g.IC, OCB, OCP: OCB * 4, TH, TWP };
  const run = device.kernel('convolution-winograd', winogradGemmKernel, [TWP, TH, 16 * OCB], constants);
  const m = await run(inputTransform(device, x), packed.u);

  // y = Aᵀ M A per tile and output channel, + bias, relu
  const OH = g.OH;
  const OW = g.OW;
  const OWP = storedWidth(OW);
  const out = device.take(OCB * (OH + 2) * OWP * 4).fill(0);
  const pStride = OCB * TH * TWP * 4;
  const t = new Float32Array(8);
  for (let oc = 0; oc < g.OC; oc++) {
    const ocb = oc >> 2;
    const oci = oc & 3;
    const bias = packed.bias[oc];
    for (let ty = 0; ty < TH; ty++) {
      for (let tx = 0; tx < TW; tx++) {
        const at = ((ocb * TH + ty) * TWP + tx) * 4 + oci;
        // rows: Aᵀ M (2×4)
        for (let q = 0; q < 4; q++) {
          const m0 = m[at + q * pStride];
          const m1 = m[at + (4 + q) * pStride];
          const m2 = m[at + (8 + q) * pStride];
          const m3 = m[at + (12 + q) * pStride];
          t[q] = m0 + m1 + m2;
          t[4 + q] = m1 - m2 - m3;
        }
        for (let r = 0; r < 2; r++) {
          const oy = 2 * ty + r;
          if (oy >= OH) break;
          const t0 = t[r * 4], t1 = t[r * 4 + 1], t2 = t[r * 4 + 2], t3 = t[r * 4 + 3];
          let y0 = t0 + t1 + t2 + bias;
          let y1 = t1 - t2 - t3 + bias;
          if (relu) {
            y0 = Math.max(y0, 0);
            y1 = Math.max(y1, 0);
          }
          const o = ((ocb * (OH + 2) + oy + 1) * OWP + 2 * tx + 1) * 4 + oci;
          out[o] = y0;
          if (2 * tx + 1 < OW) out[o + 4] = y1;
        }
      }
    }
  }
  device.give(m);
  return { shape: [1, g.OC, OH, OW], data: out };
}
