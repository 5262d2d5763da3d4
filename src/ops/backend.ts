/**
 * The contract between the forward pass (net/forward.ts) and a backend, written below the network
 * so that a backend never imports it (ONNX Runtime's execution providers and tfjs's
 * `registerKernel` are the models). A backend says where the numbers live (`upload`, `download`,
 * `free`) and which MXNet ops it has a kernel for (`kernels`, keyed by the registry's op names).
 * The forward asks `kernelFor(backend, node)`: the backend's own kernel when it has one, otherwise
 * the registry's reference kernel on the downloaded inputs, uploaded back; either way it records
 * which kernel ran, so no fallback is silent. A backend may also make the network input itself
 * from the picture and its resize (`uploadPicture`), which saves the wasm backend the resized image,
 * the float tensor and the copy of it; without one, the forward uploads the reference's tensor.
 *
 * Also here, because every fast backend needs them and none may reach into net/: `OpNode`, one
 * node as a kernel receives it, and the two pieces of the BatchNorm fold that net/fuse.ts performs
 * and the backends consume (`batchNormScaleShift`, `convolutionParts`).
 */
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RgbImage } from '../image/rgb-image.js';
import type { ResizeTaps } from '../image/resize.js';
import { batchNormScale, type BatchNormAttrs } from './batch-norm.js';
import { convGeometry, type ConvGeometry, type ConvWeights } from './conv-geometry.js';
import { opDef, type OpAttrsByName, type OpName } from './registry.js';

/** One node as a kernel receives it: what to compute, without the graph's bookkeeping (input names, lifetimes). */
export type OpNode<K extends OpName = OpName> = {
  [P in K]: {
    /** MXNet node name (`rf_c2_lateral`, `crop0`). */
    readonly name: string;
    readonly op: P;
    readonly attrs: OpAttrsByName[P];
    /** The activation inputs' shapes, in the op's input order. */
    readonly inputShapes: readonly Shape[];
    /** Parameter tensors in the op's input order (Convolution: weight[, bias]; BatchNorm: gamma, beta, moving_mean, moving_var). */
    readonly params: readonly Tensor[];
    /** Parameter node names, parallel to `params` (`rf_c2_lateral_weight`). */
    readonly paramNames: readonly string[];
    /** Output shape, inferred when the plan was built. */
    readonly shape: Shape;
    /** Convolution only: a relu the kernel applies in its epilogue (set by net/fuse.ts). */
    readonly relu?: boolean;
  };
}[K];

/** A backend's kernel for op K: the node and its activation inputs (backend values) → its output. */
export type Kernel<T, K extends OpName = OpName> = (node: OpNode<K>, inputs: T[]) => T | Promise<T>;

/** A backend's kernels by MXNet op name; an op left out runs the reference kernel. */
export type KernelTable<T> = { readonly [K in OpName]?: Kernel<T, K> };

/**
 * The network input as detect() has it: an 8-bit RGB picture and the taps of its cv2 INTER_LINEAR
 * resize (image/resize.ts; mirrored for the flip test). Its tensor is the resized picture as
 * float32 NCHW, 0..255 (net/input.ts pictureTensor, the reference).
 */
export interface PictureInput {
  /** The input tensor's shape: (1, 3, destination rows, destination columns). */
  readonly shape: Shape;
  readonly image: RgbImage;
  readonly taps: ResizeTaps;
}

export interface Backend<T = unknown> {
  /** 'cpu' (the reference), 'wasm' or 'gpujs'. */
  readonly name: string;
  /** What its own kernels are reported as: 'reference', 'wasm-simd128', gpu.js's kernel class. */
  readonly kernel: string;
  readonly kernels: KernelTable<T>;
  /** Nodes of an op in `kernels` that its kernel does not cover (an attribute value) and leaves to the reference. */
  declines?(node: OpNode): boolean;
  /** A plain tensor into the backend (the network input; a fallback's output). */
  upload(t: Tensor): T | Promise<T>;
  /** The network input made from a picture, equal to `upload(pictureTensor(p))` bit for bit (optional: the forward does that without it). */
  uploadPicture?(p: PictureInput): T | Promise<T>;
  /** Back to a plain tensor (heads, kept nodes; a fallback's inputs). */
  download(x: T): Tensor | Promise<Tensor>;
  free(x: T): void;
}

/** How a node that ran the registry's reference kernel is reported. */
export const REFERENCE_KERNEL = 'reference';

/** The reference backend: plain tensors, no kernels of its own, so every op runs its reference kernel. */
export const referenceBackend: Backend<Tensor> = {
  name: 'cpu',
  kernel: REFERENCE_KERNEL,
  kernels: {},
  upload: (t) => t,
  download: (x) => x,
  free: () => {},
};

/** What runs op nodes on a backend, and how it is reported. */
export interface ChosenKernel<T> {
  /** The backend's `kernel`, or REFERENCE_KERNEL for a fallback. */
  readonly kernel: string;
  run(node: OpNode, inputs: T[]): T | Promise<T>;
}

/** The backend's kernel for `node`, or the reference kernel run on downloaded inputs. */
export function kernelFor<T>(backend: Backend<T>, node: OpNode): ChosenKernel<T> {
  const own = backend.kernels[node.op] as Kernel<T> | undefined;
  if (own !== undefined && backend.declines?.(node) !== true) return { kernel: backend.kernel, run: own };
  return {
    kernel: REFERENCE_KERNEL,
    run: async (node, inputs) => {
      const plain = await Promise.all(inputs.map((x) => backend.download(x)));
      return backend.upload(opDef(node.op, node.name).reference(plain, node.params, node.attrs, node.shape));
    },
  };
}

/**
 * A BatchNorm node as one scale and shift per channel (the fold net/fuse.ts applies to a
 * Convolution's weights, and gpu.js's BatchNorm kernel): y = x·scale + shift with the reference's
 * scale (ops/batch-norm.ts) and shift = β − moving_mean·scale.
 * @param gamma, beta, movingMean, movingVar (C)
 */
export function batchNormScaleShift(
  gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVar: Tensor, attrs: BatchNormAttrs,
): { scale: Float32Array; shift: Float32Array } {
  const C = beta.data.length;
  const scale = new Float32Array(C);
  const shift = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = batchNormScale(gamma, movingVar, attrs, c);
    shift[c] = beta.data[c] - movingMean.data[c] * scale[c];
  }
  return { scale, shift };
}

/** A Convolution node's geometry and parameters as the fast backends prepare them (bias zeros under no_bias). */
export function convolutionParts(node: OpNode<'Convolution'>): { g: ConvGeometry; weights: ConvWeights; relu: boolean } {
  const [weight, bias] = node.params;
  const g = convGeometry(node.inputShapes[0], weight.shape, node.attrs);
  return { g, weights: { weight: weight.data, bias: bias?.data ?? new Float32Array(g.OC) }, relu: node.relu === true };
}
