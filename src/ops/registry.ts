/**
 * The MXNet operators of mnet.25 (nine) and mnet_cov2 (three more: `_minus_scalar`, `_mul_scalar`,
 * `SoftmaxActivation`), keyed by their exact MXNet name, written out as one literal:
 * nothing is discovered by file name. Each entry reads the node's attribute strings
 * (`parseAttrs`), computes and checks the output shape when the plan is built (`inferShape`), and
 * runs the plain reference kernel (`reference`), adapting the graph's (inputs, parameters) lists to
 * the kernel's named arguments. The gpu.js twins live in `ops/gpu/` and are chosen by the gpu
 * backend, so this file, and everything it imports, runs without gpu.js.
 */
import { RetinaFaceError } from '../errors.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RawAttrs } from './attrs.js';
import { activation, inferActivationShape, parseActivationAttrs, type ActivationAttrs } from './activation.js';
import { binaryScalarAttrs, inferBinaryScalarShape, minusScalar, mulScalar, type BinaryScalarAttrs } from './binary-scalar.js';
import { batchNorm, inferBatchNormShape, parseBatchNormAttrs, type BatchNormAttrs } from './batch-norm.js';
import { concat, inferConcatShape, parseConcatAttrs, type ConcatAttrs } from './concat.js';
import { convolution, inferConvolutionShape, parseConvolutionAttrs, type ConvolutionAttrs } from './convolution.js';
import { crop, inferCropShape, parseCropAttrs, type CropAttrs } from './crop.js';
import { elemwiseAdd, inferElemwiseAddShape, parseElemwiseAddAttrs, type ElemwiseAddAttrs } from './elemwise-add.js';
import { inferReshapeShape, parseReshapeAttrs, reshape, type ReshapeAttrs } from './reshape.js';
import { inferSoftmaxActivationShape, parseSoftmaxActivationAttrs, softmaxActivation, type SoftmaxActivationAttrs } from './softmax-activation.js';
import { inferSoftmaxShape, parseSoftmaxAttrs, softmax, type SoftmaxAttrs } from './softmax.js';
import { inferUpSamplingShape, parseUpSamplingAttrs, upSampling, type UpSamplingAttrs } from './up-sampling.js';

/** The typed attributes of each supported op, by MXNet op name. */
export interface OpAttrsByName {
  Convolution: ConvolutionAttrs;
  BatchNorm: BatchNormAttrs;
  Activation: ActivationAttrs;
  UpSampling: UpSamplingAttrs;
  Crop: CropAttrs;
  elemwise_add: ElemwiseAddAttrs;
  Concat: ConcatAttrs;
  Reshape: ReshapeAttrs;
  softmax: SoftmaxAttrs;
  _minus_scalar: BinaryScalarAttrs;
  _mul_scalar: BinaryScalarAttrs;
  SoftmaxActivation: SoftmaxActivationAttrs;
}

export type OpName = keyof OpAttrsByName;

export interface OpDef<A> {
  /** How many activations (not parameters) the op reads; absent when an attr says (Concat's num_args). */
  readonly dataInputs?: number;
  /** MXNet attr strings → typed attrs, MXNet's defaults filled in. */
  parseAttrs(node: string, raw: RawAttrs | undefined): A;
  /** Activation input shapes and parameter shapes (in the op's input order) → output shape; throws SHAPE. */
  inferShape(node: string, inputs: readonly Shape[], params: readonly Shape[], attrs: A): Shape;
  /** The reference kernel; `shape` is the output shape inferred when the plan was built. */
  reference(inputs: readonly Tensor[], params: readonly Tensor[], attrs: A, shape: Shape): Tensor;
}

export const REGISTRY: ReadonlyMap<string, OpDef<any>> = new Map<string, OpDef<any>>([
  ['Convolution', {
    dataInputs: 1,
    parseAttrs: parseConvolutionAttrs,
    inferShape: inferConvolutionShape,
    reference: ([x], [weight, bias], attrs) => convolution(x, weight, bias, attrs),
  } satisfies OpDef<ConvolutionAttrs>],
  ['BatchNorm', {
    dataInputs: 1,
    parseAttrs: parseBatchNormAttrs,
    inferShape: inferBatchNormShape,
    reference: ([x], [gamma, beta, mean, variance], attrs) => batchNorm(x, gamma, beta, mean, variance, attrs),
  } satisfies OpDef<BatchNormAttrs>],
  ['Activation', {
    dataInputs: 1,
    parseAttrs: parseActivationAttrs,
    inferShape: inferActivationShape,
    reference: ([x]) => activation(x),
  } satisfies OpDef<ActivationAttrs>],
  ['UpSampling', {
    dataInputs: 1,
    parseAttrs: parseUpSamplingAttrs,
    inferShape: inferUpSamplingShape,
    reference: ([x], _params, attrs) => upSampling(x, attrs),
  } satisfies OpDef<UpSamplingAttrs>],
  ['Crop', {
    dataInputs: 2,
    parseAttrs: parseCropAttrs,
    inferShape: inferCropShape,
    reference: ([x, like]) => crop(x, like),
  } satisfies OpDef<CropAttrs>],
  ['elemwise_add', {
    dataInputs: 2,
    parseAttrs: parseElemwiseAddAttrs,
    inferShape: inferElemwiseAddShape,
    reference: ([a, b]) => elemwiseAdd(a, b),
  } satisfies OpDef<ElemwiseAddAttrs>],
  ['Concat', {
    parseAttrs: parseConcatAttrs,
    inferShape: inferConcatShape,
    reference: (inputs, _params, attrs) => concat(inputs, attrs),
  } satisfies OpDef<ConcatAttrs>],
  ['Reshape', {
    dataInputs: 1,
    parseAttrs: parseReshapeAttrs,
    inferShape: inferReshapeShape,
    reference: ([x], _params, _attrs, shape) => reshape(x, shape),
  } satisfies OpDef<ReshapeAttrs>],
  ['softmax', {
    dataInputs: 1,
    parseAttrs: parseSoftmaxAttrs,
    inferShape: inferSoftmaxShape,
    reference: ([x], _params, attrs) => softmax(x, attrs),
  } satisfies OpDef<SoftmaxAttrs>],
  ['_minus_scalar', {
    dataInputs: 1,
    parseAttrs: binaryScalarAttrs('_minus_scalar'),
    inferShape: inferBinaryScalarShape,
    reference: ([x], _params, attrs) => minusScalar(x, attrs),
  } satisfies OpDef<BinaryScalarAttrs>],
  ['_mul_scalar', {
    dataInputs: 1,
    parseAttrs: binaryScalarAttrs('_mul_scalar'),
    inferShape: inferBinaryScalarShape,
    reference: ([x], _params, attrs) => mulScalar(x, attrs),
  } satisfies OpDef<BinaryScalarAttrs>],
  ['SoftmaxActivation', {
    dataInputs: 1,
    parseAttrs: parseSoftmaxActivationAttrs,
    inferShape: inferSoftmaxActivationShape,
    reference: ([x]) => softmaxActivation(x),
  } satisfies OpDef<SoftmaxActivationAttrs>],
]);

/** The registry entry for `op`, or UNSUPPORTED naming the op, the node and what is supported. */
export function opDef(op: string, node: string): OpDef<any> {
  const def = REGISTRY.get(op);
  if (def === undefined) {
    throw new RetinaFaceError('UNSUPPORTED', `[${op} ${node}] op '${op}' is not supported (supported: ${[...REGISTRY.keys()].join(', ')})`);
  }
  return def;
}
