/**
 * The gpu.js backend of the forward pass (net/forward.ts `Backend`): the input is packed into the
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
import type { Backend } from '../../net/forward.js';
import { convolutionParts } from '../../net/fuse.js';
import type { PlanStep } from '../../net/graph.js';
import { relu } from './activation.js';
import { binaryScalar } from './binary-scalar.js';
import { batchNorm, batchNormScaleShift, packBatchNorm } from './batch-norm.js';
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
  const convolutions = new WeakMap<PlanStep, GpuConvolution>();
  const batchNorms = new WeakMap<PlanStep, Float32Array>();

  const run = (step: PlanStep, inputs: GpuTensor[]): GpuTensor | Promise<GpuTensor> => {
    const [x] = inputs;
    switch (step.op) {
      case 'Convolution': {
        let conv = convolutions.get(step);
        if (conv === undefined) {
          const { g, weights, relu } = convolutionParts(step);
          conv = prepareConvolution(device, step.name, g, weights, relu);
          convolutions.set(step, conv);
        }
        return conv(x);
      }
      case 'BatchNorm': {
        let packed = batchNorms.get(step);
        if (packed === undefined) {
          const [gamma, beta, movingMean, movingVar] = step.params;
          const { scale, shift } = batchNormScaleShift(gamma, beta, movingMean, movingVar, step.attrs);
          packed = packBatchNorm(scale, shift);
          batchNorms.set(step, packed);
        }
        return batchNorm(device, x, packed);
      }
      case 'Activation':
        return relu(device, x);
      case 'UpSampling':
        return upSampling(device, x, step.attrs.scale);
      case 'Crop':
        return crop(device, x, step.shape[2], step.shape[3]);
      case 'elemwise_add':
        return elemwiseAdd(device, x, inputs[1]);
      case 'Concat':
        if (step.attrs.dim !== 1) throw unsupported(step, `dim=${step.attrs.dim}`, 'dim=1 (channels)');
        return concat(step.name, inputs);
      case 'Reshape':
        return reshape(x, step.shape);
      case 'softmax': {
        const axis = step.attrs.axis < 0 ? step.attrs.axis + step.shape.length : step.attrs.axis;
        if (axis !== 1) throw unsupported(step, `axis=${step.attrs.axis}`, 'axis=1 (channels)');
        return softmax(device, step, x);
      }
      case 'SoftmaxActivation':
        return softmax(device, step, x);
      case '_minus_scalar':
      case '_mul_scalar':
        return binaryScalar(device, step.op, x, step.attrs);
    }
  };

  return {
    name: 'gpu',
    device,
    upload: (t: Tensor) => toBlocked(t),
    run,
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

function unsupported(step: PlanStep, what: string, supported: string): RetinaFaceError {
  return new RetinaFaceError('UNSUPPORTED', `[${step.op} ${step.name}] ${what} on the gpu path (supported: ${supported})`);
}
