/**
 * The wasm backend (the ops/backend.ts contract): hand-written WebAssembly SIMD
 * kernels for the convolutions (this folder), every activation in one WebAssembly.Memory in the
 * planar layout of memory.ts. Run it on a plan from net/fuse.ts to get BatchNorm and relu folded
 * into the convolutions. It runs wherever WebAssembly SIMD does (Node, browsers, edge workers); in
 * Node, and in a browser worker of a cross-origin isolated page, the convolutions are split over
 * worker threads as well (threads.ts).
 *
 * The data-movement ops of the FPN and SSH (relu, elemwise_add, Concat, UpSampling, Crop) work on
 * the stored planes (data-movement.ts: relu and add as SIMD kernels, the rest as copies), and so do
 * the channel softmax of the score heads and mnet_cov2's input scaling (softmax.ts,
 * binary-scalar.ts: plain JavaScript loops, where a SIMD kernel would not pay). The rest (Reshape
 * on the small score heads, a BatchNorm left unfused: ops left out of the kernel table; a softmax
 * over another axis: `declines`) runs the reference kernel on the downloaded tensor
 * (ops/backend.ts `kernelFor`), and the forward's trace says so. detect()'s input arrives as the
 * picture and its resize, which a SIMD kernel turns into the stored input planes (resize.ts).
 */
import { RetinaFaceError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { convolutionParts, type Backend, type KernelTable, type OpNode } from '../backend.js';
import { placeFloors, prepareConvolution, weightStore, type WasmConvolution } from './convolution.js';
import type { WinogradTile } from './convolution-winograd.js';
import { instantiateKernels } from './kernels.js';
import { concat, crop, elemwiseAdd, relu, upSampling } from './data-movement.js';
import { binaryScalarJs } from './binary-scalar.js';
import { softmaxChannelsJs } from './softmax.js';
import { uploadPicture } from './resize.js';
import { WasmMemory, type WasmTensor } from './memory.js';
import { defaultThreadCount, startThreads, threadsAvailable, type KernelThreads } from './threads.js';

/** What the wasm backend reports as its kernel: WebAssembly's 128-bit SIMD. */
export const WASM_KERNEL = 'wasm-simd128';

export interface WasmBackend extends Backend<WasmTensor> {
  /** The threads the convolutions are split over (threads.ts). */
  readonly threads: Pick<KernelThreads, 'count' | 'workerRuns'>;
  /** Stops the worker threads; the memory goes with the backend. */
  destroy(): void;
}

export interface WasmBackendOptions {
  /** Threads to split the convolutions over (threads.ts); default: the cores, at most 4, where worker threads can run; 1 elsewhere. */
  threads?: number;
  /** Where the tensors live; default a new memory, shared when there are threads (threads.ts threadsAvailable). */
  memory?: WasmMemory;
  /** Dense 3×3 stride-1 layers by Winograd (convolution.ts): true (the default: F(4×4, 3×3)), 2 or 4 for that tile, false for directly, as the benchmarks compare. */
  winograd?: boolean | WinogradTile;
}

export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const count = options.threads ?? defaultThreadCount();
  const memory = options.memory ?? new WasmMemory(count > 1 && threadsAvailable());
  const kernels = instantiateKernels(memory.memory, memory.shared);
  const threads = startThreads(memory, kernels, count);
  const floors = placeFloors(memory);
  const convolutions = new WeakMap<OpNode, WasmConvolution>();
  const place = weightStore(memory);

  const table: KernelTable<WasmTensor> = {
    Convolution: (node, [x]) => {
      let conv = convolutions.get(node);
      if (conv === undefined) {
        const { g, weights, relu: fusedRelu } = convolutionParts(node);
        // a fused step's parameters name its convolution's and BatchNorm's (net/fuse.ts)
        conv = prepareConvolution(memory, threads, floors, place, node.paramNames.join(','), node.name, g, weights, fusedRelu, options.winograd);
        convolutions.set(node, conv);
      }
      return conv(x);
    },
    Activation: (_node, [x]) => relu(memory, threads, x),
    elemwise_add: (_node, [a, b]) => elemwiseAdd(memory, threads, a, b),
    Concat: (node, inputs) => {
      if (node.attrs.dim !== 1) throw unsupported(node, `dim=${node.attrs.dim}`, 'dim=1 (channels)');
      return concat(memory, node.name, inputs);
    },
    UpSampling: (node, [x]) => upSampling(memory, threads, x, node.attrs.scale),
    Crop: (node, [x]) => crop(memory, threads, x, node.shape),
    _minus_scalar: (node, [x]) => binaryScalarJs(memory, node.op, x, node.attrs),
    _mul_scalar: (node, [x]) => binaryScalarJs(memory, node.op, x, node.attrs),
    SoftmaxActivation: (_node, [x]) => softmaxChannelsJs(memory, x),
    softmax: (_node, [x]) => softmaxChannelsJs(memory, x),
  };

  return {
    name: 'wasm',
    kernel: threads.count > 1 ? `${WASM_KERNEL} ×${threads.count} threads` : WASM_KERNEL,
    kernels: table,
    // the stored planes are (1, C, H, W): axis 1 (or −3) is the channel softmax
    declines: (node) => node.op === 'softmax' && node.attrs.axis !== 1 && node.attrs.axis !== -3,
    upload: (t: Tensor) => memory.upload(t),
    uploadPicture: (p) => uploadPicture(memory, kernels, p),
    download: (x) => memory.download(x),
    free: (x) => memory.freeTensor(x),
    threads,
    destroy: () => threads.destroy(),
  };
}

function unsupported(node: OpNode, what: string, supported: string): RetinaFaceError {
  return new RetinaFaceError('UNSUPPORTED', `[${node.op} ${node.name}] ${what} on the wasm path (supported: ${supported})`);
}
