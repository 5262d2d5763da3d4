/**
 * A plan rewrite for the fast path only: every Convolution → BatchNorm (→ Activation relu) chain
 * becomes one Convolution step whose weights and bias already contain the BatchNorm, with the relu
 * marked for the kernel's epilogue. The reference path and `dump` run the unfused plan and see
 * every node; this rewrite only changes how many kernels run and how many tensors are stored.
 *
 * Folding (per output channel oc, with the BatchNorm's scale = γ/√(moving_var + eps), γ = 1
 * under fix_gamma, and shift = β − moving_mean·scale):
 *
 *     BN(conv(x)) = scale·(Σ w·x + b) + shift  =  Σ (scale·w)·x + (scale·b + shift)
 *
 * so w'[oc] = scale[oc]·w[oc] and b'[oc] = scale[oc]·b[oc] + shift[oc] (b = 0 under no_bias).
 * The folded step takes the name of the chain's last node, so later steps find their input
 * unchanged. A chain is fused only when each intermediate output has that one reader and is
 * neither a head nor a node the caller keeps.
 */
import { batchNormScaleShift } from '../ops/backend.js';
import { tensor, type Tensor } from '../tensor/tensor.js';
import type { Plan, PlanStep } from './graph.js';

type ConvolutionStep = Extract<PlanStep, { op: 'Convolution' }>;
type BatchNormStep = Extract<PlanStep, { op: 'BatchNorm' }>;

/** A Convolution step of a fused plan: BatchNorm folded into its params, relu applied after it when set. */
export type FusedConvolutionStep = ConvolutionStep & {
  /** Read by the backends through ops/backend.ts `convolutionParts`. */
  readonly relu: boolean;
  /** The nodes this step stands for, in order (the convolution first). */
  readonly fused: readonly string[];
};

/** The plan with Convolution → BatchNorm (→ relu) chains folded; `keep` names nodes that must stay. */
export function fuse(plan: Plan, keep: readonly string[] = []): Plan {
  const readers = new Map<string, number>();
  for (const step of plan.steps) for (const name of step.inputs) readers.set(name, (readers.get(name) ?? 0) + 1);
  const foldable = (name: string) => readers.get(name) === 1 && !plan.heads.includes(name) && !keep.includes(name);

  const steps: PlanStep[] = [];
  for (let i = 0; i < plan.steps.length; i++) {
    const conv = plan.steps[i];
    const bn = plan.steps[i + 1];
    if (conv.op !== 'Convolution' || bn?.op !== 'BatchNorm' || bn.inputs[0] !== conv.name || !foldable(conv.name)) {
      steps.push(conv);
      continue;
    }
    const act = plan.steps[i + 2];
    const relu = act?.op === 'Activation' && act.inputs[0] === bn.name && foldable(bn.name);
    const chain: PlanStep[] = relu ? [conv, bn, act] : [conv, bn];
    const last = chain[chain.length - 1];
    const internal = chain.slice(0, -1).map((s) => s.name);
    const [weight, bias] = foldBatchNorm(conv, bn);
    const folded: FusedConvolutionStep = {
      ...conv,
      name: last.name,
      attrs: { ...conv.attrs, no_bias: false },
      params: [weight, bias],
      paramNames: [...conv.paramNames, ...bn.paramNames],
      shape: last.shape,
      free: chain.flatMap((s) => s.free).filter((name) => !internal.includes(name)),
      relu,
      fused: chain.map((s) => s.name),
    };
    steps.push(folded);
    i += chain.length - 1;
  }
  return { ...plan, steps };
}

/**
 * @returns [weight (OC, IC/g, KH, KW), bias (OC)] of the convolution with the BatchNorm folded in
 */
export function foldBatchNorm(conv: ConvolutionStep, bn: BatchNormStep): [Tensor, Tensor] {
  const [w, b] = conv.params;
  const [gamma, beta, movingMean, movingVar] = bn.params;
  const { scale, shift } = batchNormScaleShift(gamma, beta, movingMean, movingVar, bn.attrs);
  const OC = w.shape[0];
  const perChannel = w.data.length / OC;
  const weight = tensor(w.shape);
  const bias = tensor([OC]);
  for (let oc = 0; oc < OC; oc++) {
    for (let i = oc * perChannel; i < (oc + 1) * perChannel; i++) weight.data[i] = w.data[i] * scale[oc];
    bias.data[oc] = (b === undefined ? 0 : b.data[oc] * scale[oc]) + shift[oc];
  }
  return [weight, bias];
}
