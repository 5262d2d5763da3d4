/**
 * The wasm backend of the forward pass (net/forward.ts `Backend`): hand-written WebAssembly SIMD
 * kernels for the convolutions (this folder), every activation in one WebAssembly.Memory in the
 * planar layout of memory.ts. Run it on a plan from net/fuse.ts to get BatchNorm and relu folded
 * into the convolutions. It runs wherever WebAssembly SIMD does (Node, browsers, edge workers); in
 * Node, and in a browser worker of a cross-origin isolated page, the convolutions are split over
 * worker threads as well (threads.ts).
 *
 * The data-movement ops of the FPN and SSH (relu, elemwise_add, Concat, UpSampling, Crop) work on
 * the stored planes (data-movement.ts: relu and add as SIMD kernels, the rest as copies), and so do
 * the channel softmax of the score heads and mnet_cov2's input scaling (softmax.ts,
 * binary-scalar.ts: plain JavaScript loops, where a SIMD kernel would not pay); the rest (Reshape
 * on the small score heads, a BatchNorm left unfused, a softmax over another axis) runs the
 * reference kernel on the downloaded tensor.
 */
import { RetinaFaceError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Backend } from '../../net/forward.js';
import { convolutionParts } from '../../net/fuse.js';
import type { PlanStep } from '../../net/graph.js';
import { opDef } from '../registry.js';
import { placeFloors, prepareConvolution, weightStore, type WasmConvolution } from './convolution.js';
import { instantiateKernels } from './kernels.js';
import { concat, crop, elemwiseAdd, relu, upSampling } from './data-movement.js';
import { binaryScalar } from './binary-scalar.js';
import { softmaxChannels } from './softmax.js';
import { WasmMemory, type WasmTensor } from './memory.js';
import { defaultThreadCount, startThreads, threadsAvailable, type KernelThreads } from './threads.js';

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
}

export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  const count = options.threads ?? defaultThreadCount();
  const memory = options.memory ?? new WasmMemory(count > 1 && threadsAvailable());
  const kernels = instantiateKernels(memory.memory, memory.shared);
  const threads = startThreads(memory, kernels, count);
  const floors = placeFloors(memory);
  const convolutions = new WeakMap<PlanStep, WasmConvolution>();
  const place = weightStore(memory);

  const run = (step: PlanStep, inputs: WasmTensor[]): WasmTensor => {
    const [x] = inputs;
    switch (step.op) {
      case 'Convolution': {
        let conv = convolutions.get(step);
        if (conv === undefined) {
          const { g, weights, relu: fusedRelu } = convolutionParts(step);
          // a fused step's parameters name its convolution's and BatchNorm's (net/fuse.ts)
          conv = prepareConvolution(memory, threads, floors, place, step.paramNames.join(','), step.name, g, weights, fusedRelu);
          convolutions.set(step, conv);
        }
        return conv(x);
      }
      case 'Activation':
        return relu(memory, threads, x);
      case 'elemwise_add':
        return elemwiseAdd(memory, threads, x, inputs[1]);
      case 'Concat':
        if (step.attrs.dim !== 1) throw unsupported(step, `dim=${step.attrs.dim}`, 'dim=1 (channels)');
        return concat(memory, step.name, inputs);
      case 'UpSampling':
        return upSampling(memory, x, step.attrs.scale);
      case 'Crop':
        return crop(memory, x, step.shape);
      case '_minus_scalar':
      case '_mul_scalar':
        return binaryScalar(memory, step.op, x, step.attrs);
      case 'SoftmaxActivation':
        return softmaxChannels(memory, x);
      case 'softmax':
        // the stored planes are (1, C, H, W): axis 1 (or −3) is the channel softmax
        return step.attrs.axis === 1 || step.attrs.axis === -3 ? softmaxChannels(memory, x) : reference(step, inputs);
      default:
        return reference(step, inputs);
    }
  };
  const reference = (step: PlanStep, inputs: WasmTensor[]): WasmTensor => {
    const ins: Tensor[] = inputs.map((t) => memory.download(t));
    return memory.upload(opDef(step.op, step.name).reference(ins, step.params, step.attrs, step.shape));
  };

  return {
    name: 'wasm',
    upload: (t: Tensor) => memory.upload(t),
    run,
    download: (x) => memory.download(x),
    free: (x) => memory.freeTensor(x),
    threads,
    destroy: () => threads.destroy(),
  };
}

function unsupported(step: PlanStep, what: string, supported: string): RetinaFaceError {
  return new RetinaFaceError('UNSUPPORTED', `[${step.op} ${step.name}] ${what} on the wasm path (supported: ${supported})`);
}
