/**
 * wasm Convolution: picks the hand-written kernel for a node's geometry — pointwise (1×1, stride
 * 1, pad 0), depthwise (num_group = IC = OC, 3×3, pad 1, stride 1 or 2) or dense (num_group = 1,
 * 3×3, pad 1, stride 1 or 2; stride 1 by Winograd F(4×4, 3×3)), packs its weights into the memory
 * once, and runs it followed by
 * zeroBorder (the kernels write the border's positions too, memory.ts). Every Convolution of
 * mnet.25 and mnet_cov2 is one of these; anything else is reported with its geometry. Legend as in
 * ops/conv-geometry.ts, OCB = ⌈OC/4⌉ blocks of four output channels.
 *
 * The pointwise and dense kernels write whole blocks of four output planes. When OC is not a
 * multiple of 4 (mnet_cov2's 6-channel type heads) the weights are padded with zero channels, the
 * kernel writes 4·OCB planes into a scratch tensor, and the first OC planes are copied out: one
 * copy of a head-sized map, where a masked last block in the SIMD kernels would cost a branch in
 * every convolution.
 */
import { RetinaFaceError } from '../../errors.js';
import type { Shape } from '../../tensor/shape.js';
import type { ConvGeometry, ConvWeights } from '../conv-geometry.js';
import { packDenseWeights } from './convolution-dense.js';
import { packDepthwiseWeights } from './convolution-depthwise.js';
import { packPointwiseWeights } from './convolution-pointwise.js';
import { packWinogradWeights, winogradDims, type WinogradTile } from './convolution-winograd.js';
import { planarDims, type WasmMemory, type WasmTensor } from './memory.js';
import type { KernelCall, KernelThreads } from './threads.js';

export type WasmConvolution = (x: WasmTensor) => WasmTensor;

/**
 * Byte offsets of the two clamp floors the kernels take: 0 (relu) and −∞ (none). The kernels clamp
 * with f32x4.pmax(acc, floor), `acc < floor ? floor : acc`: one maxps, where f32x4.max's NaN and
 * −0 rules cost V8 about eight instructions per vector. With −∞ every value, NaN included, is left
 * as it is; with 0 it is relu (a NaN stays NaN, as it did with max, and −0 stays −0).
 */
export interface Floors { relu: number; none: number }

/** The two floors, placed in `memory`. */
export function placeFloors(memory: WasmMemory): Floors {
  const at = memory.alloc(2);
  memory.f32.set([0, -Infinity], at / 4);
  return { relu: at, none: at + 4 };
}

/**
 * Where packed weights live: `place(key, pack)` returns the byte offset of the weights under
 * `key`, packing and copying them into the memory the first time. Plans for other input sizes
 * share them (the key names the MXNet parameters), so a batch of photos of many sizes does not
 * copy the model once per size.
 */
export type WeightStore = (key: string, pack: () => Float32Array) => number;

/** A WeightStore over `memory`, keeping each key's weights for the memory's life. */
export function weightStore(memory: WasmMemory): WeightStore {
  const placed = new Map<string, number>();
  return (key, pack) => {
    let at = placed.get(key);
    if (at === undefined) {
      const packed = pack();
      at = memory.alloc(packed.length);
      memory.f32.set(packed, at / 4);
      placed.set(key, at);
    }
    return at;
  };
}

type Kind = 'pointwise' | 'depthwise' | 'dense' | 'winograd';

/**
 * A pointwise layer whose packed weights fit this (in a core's L2, which on this machine is
 * 1 MiB) is split over the threads by bands of rows, each band computing every output block, so
 * each input value is read once; larger weights are split by output blocks, each thread keeping
 * only its blocks' weights and reading the whole input. All of mnet.25's pointwise layers (at
 * most 256→256, 263 KB) go by rows: on two threads even its 128→128 @40² ran 18 % faster that way than
 * by blocks (BENCHMARKS.md).
 */
const POINTWISE_ROWS_WEIGHT_BYTES = 512 * 1024;

/**
 * The last Winograd layer's transformed input V, kept for the next layer if that one reads the
 * same tensor with the same tiling: in mnet.25's SSH, det_conv1 and det_context_conv1 read one
 * tensor, and so do context_conv2 and context_conv3_1, one right after the other; the second of
 * each pair skips winogradInput. The tensor is compared by identity and offset (freeTensor sets a
 * freed one's to −1; activations are not written after their node), and V is released when a
 * Winograd layer transforms another input.
 */
interface Transformed { x: WasmTensor; offset: number; tiling: string; V: number; floats: number }
const transformed = new WeakMap<WasmMemory, Transformed>();

/** Bytes of V and M one Winograd band may touch: about a core's L2. */
const WINOGRAD_BAND_BYTES = 512 * 1024;

/**
 * The most scratch one Winograd layer may take (its transformed input and products, the whole map,
 * though only a band at a time is in use): t2's 1974×1024 input takes 67 MB at stride 8; a much
 * larger input runs the direct kernel rather than add hundreds of MB to the memory.
 */
const WINOGRAD_SCRATCH_BYTES = 96 * 2 ** 20;

/** Whether a dense 3×3 stride-1 layer's Winograd scratch with m×m tiles fits WINOGRAD_SCRATCH_BYTES. */
export function winogradFits(g: ConvGeometry, m: WinogradTile = 2): boolean {
  return (m + 2) ** 2 * (g.IC + 4 * Math.ceil(g.OC / 4)) * winogradDims(g.OH, g.OW, m).TP * 4 <= WINOGRAD_SCRATCH_BYTES;
}

/**
 * The default Winograd tile: F(4×4, 3×3), faster than F(2×2) on every dense stride-1 shape of
 * mnet.25 from 20² to 80² and within the golden tolerance on every golden layer (BENCHMARKS.md),
 * so no layer falls back to F(2×2).
 */
const WINOGRAD_TILE: WinogradTile = 4;

function kind(g: ConvGeometry, m: WinogradTile | false): Kind | null {
  const square3 = g.KH === 3 && g.KW === 3 && g.py === 1 && g.px === 1 && g.sy === g.sx && (g.sy === 1 || g.sy === 2);
  if (g.KH === 1 && g.KW === 1 && g.sy === 1 && g.sx === 1 && g.py === 0 && g.px === 0 && g.g === 1) return 'pointwise';
  if (square3 && g.g === g.IC && g.g === g.OC) return 'depthwise';
  if (square3 && g.g === 1) return g.sy === 1 && m !== false && winogradFits(g, m) ? 'winograd' : 'dense';
  return null;
}

/**
 * `key` names the weights in `weights` (e.g. the node's MXNet parameter names). `winograd`: dense
 * 3×3 stride-1 layers by Winograd (convolution-winograd.ts; faster on every such layer of mnet.25,
 * BENCHMARKS.md): true for the default tile (WINOGRAD_TILE), 2 or 4 for F(2×2) or F(4×4), false
 * for directly (convolution-dense.ts), as tests and benchmarks compare. The kernel runs
 * split over `threads` by output channel blocks (depthwise: channels), each range its slice of
 * the packed weights and of the output planes; Winograd, and pointwise layers with small weights
 * (POINTWISE_ROWS_WEIGHT_BYTES), by bands of rows instead, each band restoring the border beside
 * its own rows.
 */
export function prepareConvolution(memory: WasmMemory, threads: KernelThreads, floors: Floors, weights: WeightStore, key: string, node: string, g: ConvGeometry, p: ConvWeights, relu: boolean, winograd: boolean | WinogradTile = true): WasmConvolution {
  const tile = winograd === true ? WINOGRAD_TILE : winograd;
  const k = kind(g, tile);
  // the tile side where k is 'winograd'
  const m: WinogradTile = tile === false ? 2 : tile;
  if (k === null) {
    throw new RetinaFaceError(
      'UNSUPPORTED',
      `[Convolution ${node}] kernel ${g.KH}×${g.KW}, stride (${g.sy},${g.sx}), pad (${g.py},${g.px}), num_group ${g.g}, ${g.IC}→${g.OC} channels on the wasm path: ` +
        'it runs 1×1 stride 1 pad 0 and 3×3 pad 1 stride 1 or 2 (dense or depthwise)',
    );
  }
  const w = weights(`${k === 'winograd' ? `winograd${m}` : k} ${key}`, () => (k === 'pointwise' ? packPointwiseWeights(g.IC, g.OC, p.weight, p.bias)
    : k === 'depthwise' ? packDepthwiseWeights(g.OC, p.weight, p.bias)
    : k === 'winograd' ? packWinogradWeights(g.IC, g.OC, p.weight, p.bias, m)
    : packDenseWeights(g.IC, g.OC, p.weight, p.bias)));
  const floor = relu ? floors.relu : floors.none;
  const OCB = Math.ceil(g.OC / 4);
  const outShape = [1, g.OC, g.OH, g.OW];
  // the shape the kernel writes: whole blocks of four planes (depthwise: one plane per channel)
  const blockShape = k === 'depthwise' ? outShape : [1, 4 * OCB, g.OH, g.OW];
  const o = planarDims(blockShape);
  // multiply-adds as the direct convolution counts them (threads.ts runs small jobs on the caller)
  const work = g.OC * (g.IC / g.g) * g.KH * g.KW * g.OH * g.OW;
  const pointwiseByRows = k === 'pointwise' && 16 * OCB * (g.IC + 1) <= POINTWISE_ROWS_WEIGHT_BYTES;
  return (x) => {
    const i = planarDims(x.shape);
    const out = memory.outputTensor(blockShape);
    // a range's output planes start 4·PS floats further per block (one plane per channel depthwise);
    // each range then restores the border of its own planes
    const plane = o.PS * 4;
    const border = (c: number, n: number) => [out.offset + c * plane, n, 0, o.H + 2, o.H, o.W, o.WP, o.PS];
    if (k === 'pointwise' && pointwiseByRows) {
      // bands of two stored rows (2·WP positions, a multiple of 8): every output block per band
      const rows = 2 * o.WP;
      threads.split(Math.ceil(o.HP / 2), [
        ['pointwise', (u, n) => [x.offset + u * rows * 4, w, out.offset + u * rows * 4, g.IC, OCB, o.PS, n * rows, o.PS - u * rows, floor]],
        ['zeroBorder', (u, n) => [out.offset, 4 * OCB, 2 * u, 2 * n, o.H, o.W, o.WP, o.PS]],
      ], undefined, work);
    } else if (k === 'pointwise') {
      threads.split(OCB, [
        ['pointwise', (b, n) => [x.offset, w + b * (g.IC + 1) * 16, out.offset + b * 4 * plane, g.IC, n, o.PS, o.PS, o.PS, floor]],
        ['zeroBorder', (b, n) => border(4 * b, 4 * n)],
      ], undefined, work);
    } else if (k === 'winograd') {
      // in bands of tile rows, each band's three steps back to back while its V and M are in cache;
      // V: K components × IC planes of tiles, M: K × 4·OCB; U's component stride; the biases after U.
      // The split's unit is `pair` tile rows (winogradDims): u units from tile row t = pair·u
      const { TH, TWG, TP, pair } = winogradDims(g.OH, g.OW, m);
      const K = (m + 2) ** 2;
      // component strides one cache line more than their planes: IC·TP floats is often a multiple
      // of 4 KiB, which put the transforms' K loads or stores of a group in one L1 set
      const VS = g.IC * TP + 16;
      const MS = 4 * OCB * TP + 16;
      // the input transform of the last Winograd layer, if it read this tensor with this tiling
      const tiling = `${m} ${g.IC} ${TP}`;
      const last = transformed.get(memory);
      const reuse = last !== undefined && last.x === x && last.offset === x.offset && last.tiling === tiling;
      if (last !== undefined && !reuse) {
        memory.release(last.V, last.floats);
        transformed.delete(memory);
      }
      const V = reuse ? last.V : memory.allocUninitialized(K * VS);
      const M = memory.allocUninitialized(K * MS);
      const US = OCB * (g.IC + 1) * 16;
      const row = pair * TWG * 16; // bytes of one unit's tiles in a plane of tiles
      const band = Math.max(1, Math.floor(WINOGRAD_BAND_BYTES / (K * (g.IC + 4 * OCB) * row)));
      const rows = pair * m; // output rows of a unit
      const f32 = memory.f32;
      for (let c = 0, at = out.offset / 4; c < 4 * OCB; c++, at += o.PS) {
        f32.fill(0, at, at + o.WP + 1);
        f32.fill(0, at + (o.H + 1) * o.WP, at + o.PS);
      }
      const input: KernelCall = m === 2
        ? ['winogradInput', (u, n) => [x.offset + u * rows * i.WP * 4, V + u * row, g.IC, n * pair, TWG, i.WP, i.PS, TP, VS]]
        : ['winograd4Input', (u, n) => [x.offset + u * rows * i.WP * 4, V + u * row, g.IC, n * pair, TWG, i.WP, i.PS, TP, VS, i.H + 1 - u * rows]];
      threads.split(Math.ceil(TH / pair), [
        ...(reuse ? [] : [input]),
        ['winogradGemm', (u, n) => [V + u * row, w, M + u * row, g.IC, OCB, TP, n * pair * TWG * 4, VS * 4, US, MS * 4, K]],
        [m === 2 ? 'winogradOutput' : 'winograd4Output', (u, n) => [M + u * row, out.offset + u * rows * o.WP * 4, 4 * OCB, n * pair, TWG, o.WP, o.PS, TP, MS, w + K * US, floor, g.OH - u * rows, g.OW]],
        // the border beside the band's rows (and the next row's column 0, where F(2×2)'s last
        // store of a row may spill one float); the rows above and below the map are zeroed here first
        ['zeroGaps', (u, n) => [out.offset + (u * rows + 1) * o.WP * 4, 4 * OCB, n * rows, g.OH - u * rows, o.W, o.WP, o.PS]],
      ], band, work);
      if (!reuse) transformed.set(memory, { x, offset: x.offset, tiling, V, floats: K * VS });
      memory.release(M, K * MS);
    } else if (k === 'depthwise') {
      threads.split(g.OC, [
        [g.sy === 1 ? 'depthwise3x3s1' : 'depthwise3x3s2', (c, n) => [x.offset + c * i.PS * 4, w + c * 40, out.offset + c * plane, n, g.OH, g.OW, i.WP, i.PS, o.WP, o.PS, floor]],
        ['zeroBorder', border],
      ], undefined, work);
    } else {
      threads.split(OCB, [
        [g.sy === 1 ? 'dense3x3s1' : 'dense3x3s2', (b, n) => [x.offset, w + b * (1 + 9 * g.IC) * 16, out.offset + b * 4 * plane, g.IC, n, g.OH, g.OW, i.WP, i.PS, o.WP, o.PS, floor]],
        ['zeroBorder', (b, n) => border(4 * b, 4 * n)],
      ], undefined, work);
    }
    return blockShape[1] === g.OC ? out : firstPlanes(memory, out, outShape);
  };
}

/** The first C planes of `blocks` (C = shape[1]) as a tensor of their own; `blocks` is freed. */
function firstPlanes(memory: WasmMemory, blocks: WasmTensor, shape: Shape): WasmTensor {
  const out = memory.outputTensor(shape);
  const { C, PS } = planarDims(shape);
  memory.f32.copyWithin(out.offset / 4, blocks.offset / 4, blocks.offset / 4 + C * PS);
  memory.freeTensor(blocks);
  return out;
}
