/**
 * The gpu.js backend (the ops/backend.ts contract): the input is packed into the
 * blocked layout once (device-tensor.ts), every step runs its gpu.js kernel, and only the heads
 * and kept nodes are unpacked. Run it on a plan from net/fuse.ts to get BatchNorm and relu folded
 * into the convolutions; on an unfused plan every node runs as its own kernel, which is how the
 * tests compare each node with the golden files.
 *
 * Where the numbers live between kernels: gpu.js hands every kernel result back as a host array
 * on all backends used here (webasm has no separate device memory; on headlessgl a pipeline
 * texture was measured no faster, see BENCHMARKS.md), so a GpuTensor holds a Float32Array and
 * `free` drops it. Weights are packed once per step and kernels compiled once per shape.
 */
import { RetinaFaceError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import { batchNormScaleShift, convolutionParts, type Backend, type KernelTable, type OpNode } from '../backend.js';
import { relu } from './activation.js';
import { binaryScalar } from './binary-scalar.js';
import { batchNorm, packBatchNorm } from './batch-norm.js';
import { concat } from './concat.js';
import { prepareConvolution, type GpuConvolution } from './convolution.js';
import { crop } from './crop.js';
import { GpuDevice, type GpuMode } from './device.js';
import { fromBlocked, toBlocked, type GpuTensor } from './device-tensor.js';
import { elemwiseAdd } from './elemwise-add.js';
import { reshape } from './reshape.js';
import { softmax } from './softmax.js';
import { upSampling } from './up-sampling.js';

export interface GpuBackendReport {
  /** The gpu.js mode asked for. */
  readonly mode: GpuMode;
  /** The gpu.js kernel class every kernel ran as (checked at each kernel's first call). */
  readonly kernel: string;
  /** Distinct kernels compiled so far. */
  readonly kernels: number;
  /** Time spent in first calls (compile + first run), ms. */
  readonly compileMs: number;
}

export interface GpuBackend extends Backend<GpuTensor> {
  readonly device: GpuDevice;
  report(): GpuBackendReport;
  /** Releases the kernels and worker threads. */
  destroy(): void;
}

/** A gpu.js backend in `mode` ('gpu': gpu.js's own choice); BACKEND error when the mode is unavailable. */
export function createGpuBackend(mode: GpuMode = 'gpu'): GpuBackend {
  const device = new GpuDevice(mode);
  const convolutions = new WeakMap<OpNode, GpuConvolution>();
  const batchNorms = new WeakMap<OpNode, Float32Array>();

  const table: KernelTable<GpuTensor> = {
    Convolution: (node, [x]) => {
      let conv = convolutions.get(node);
      if (conv === undefined) {
        const { g, weights, relu } = convolutionParts(node);
        conv = prepareConvolution(device, node.name, g, weights, relu);
        convolutions.set(node, conv);
      }
      return conv(x);
    },
    BatchNorm: (node, [x]) => {
      let packed = batchNorms.get(node);
      if (packed === undefined) {
        const [gamma, beta, movingMean, movingVar] = node.params;
        const { scale, shift } = batchNormScaleShift(gamma, beta, movingMean, movingVar, node.attrs);
        packed = packBatchNorm(scale, shift);
        batchNorms.set(node, packed);
      }
      return batchNorm(device, x, packed);
    },
    Activation: (_node, [x]) => relu(device, x),
    UpSampling: (node, [x]) => upSampling(device, x, node.attrs.scale),
    Crop: (node, [x]) => crop(device, x, node.shape[2], node.shape[3]),
    elemwise_add: (_node, [a, b]) => elemwiseAdd(device, a, b),
    Concat: (node, inputs) => {
      if (node.attrs.dim !== 1) throw unsupported(node, `dim=${node.attrs.dim}`, 'dim=1 (channels)');
      return concat(node.name, inputs);
    },
    Reshape: (node, [x]) => reshape(x, node.shape),
    softmax: (node, [x]) => {
      const axis = node.attrs.axis < 0 ? node.attrs.axis + node.shape.length : node.attrs.axis;
      if (axis !== 1) throw unsupported(node, `axis=${node.attrs.axis}`, 'axis=1 (channels)');
      return softmax(device, node, x);
    },
    SoftmaxActivation: (node, [x]) => softmax(device, node, x),
    _minus_scalar: (node, [x]) => binaryScalar(device, node.op, x, node.attrs),
    _mul_scalar: (node, [x]) => binaryScalar(device, node.op, x, node.attrs),
  };

  return {
    name: 'gpujs',
    kernel: device.kernelClass,
    kernels: table,
    device,
    upload: (t: Tensor) => toBlocked(t),
    download: (x) => fromBlocked(x),
    free: (x) => {
      device.give(x.data);
      for (const copy of x.copies?.values() ?? []) device.give(copy);
      x.data = new Float32Array(0);
      x.copies = undefined;
    },
    report: () => ({ mode, kernel: device.kernelClass, kernels: device.compiledKernels, compileMs: device.compileMs }),
    destroy: () => device.destroy(),
  };
}

function unsupported(node: OpNode, what: string, supported: string): RetinaFaceError {
  return new RetinaFaceError('UNSUPPORTED', `[${node.op} ${node.name}] ${what} on the gpu path (supported: ${supported})`);
}
