/**
 * buildPlan and forward on the real mnet.25 symbol: shape errors caught before any arithmetic,
 * parameters resolved by node name, each activation freed once after its last reader, the backend
 * seam (upload / kernels / download / free) exercised by a recording backend.
 */
import { describe, expect, it } from 'vitest';
import { forward, kernelSummary } from '../../src/net/forward.js';
import { kernelFor, referenceBackend, type Backend, type Kernel, type KernelTable } from '../../src/ops/backend.js';
import { REGISTRY, type OpName } from '../../src/ops/registry.js';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { Model } from '../../src/weights/model.js';
import { loadModel } from '../../src/weights/load.js';

const model = await loadModel(new URL('../../../shared/models/mnet.25', import.meta.url).pathname);

/** The model with one parameter replaced. */
function withParam(name: string, t: Tensor): Model {
  return { ...model, params: new Map([...model.params, [name, t]]) };
}

describe('buildPlan', () => {
  const plan = buildPlan(model, 168, 328);

  it('has the 162 op nodes, the nine heads, and the parameters in op order', () => {
    expect(plan.steps).toHaveLength(162);
    expect(plan.heads).toEqual(HEAD_NAMES);
    const bn = plan.steps.find((s) => s.name === 'rf_c2_lateral_bn')!;
    expect(bn.inputs).toEqual(['rf_c2_lateral']);
    expect(bn.paramNames).toEqual(['rf_c2_lateral_bn_gamma', 'rf_c2_lateral_bn_beta', 'rf_c2_lateral_bn_moving_mean', 'rf_c2_lateral_bn_moving_var']);
    expect(bn.params[3]).toBe(model.params.get('rf_c2_lateral_bn_moving_var'));
    expect(bn.attrs).toEqual({ eps: 2e-5, fix_gamma: false });
    const crop0 = plan.steps.find((s) => s.name === 'crop0')!;
    expect(crop0.inputShapes).toEqual([[1, 64, 12, 22], [1, 64, 11, 21]]);
    expect(crop0.shape).toEqual([1, 64, 11, 21]);
  });

  it('frees every non-head activation exactly once, at the last step that reads it', () => {
    const freedAt = new Map<string, number>();
    plan.steps.forEach((s, i) => s.free.forEach((name) => {
      expect(freedAt.has(name), `${name} freed twice`).toBe(false);
      freedAt.set(name, i);
    }));
    const lastRead = new Map<string, number>();
    plan.steps.forEach((s, i) => s.inputs.forEach((name) => lastRead.set(name, i)));
    expect([...freedAt.keys()].sort()).toEqual(['data', ...plan.steps.map((s) => s.name)].filter((n) => !HEAD_NAMES.includes(n)).sort());
    for (const [name, i] of freedAt) expect(i, name).toBe(lastRead.get(name));
  });

  it('a weight with the wrong input channels names op, node and both shapes', () => {
    expect(() => buildPlan(withParam('rf_c2_lateral_weight', tensor([64, 32, 1, 1])), 168, 328)).toThrow(
      '[Convolution rf_c2_lateral] weight (64,32,1,1) needs input channels 32×num_group=1, got input (1,128,11,21) [N,C,H,W]',
    );
  });

  it('a BatchNorm statistic of the wrong length', () => {
    expect(() => buildPlan(withParam('mobilenet0_batchnorm3_running_var', tensor([7])), 64, 64)).toThrow(
      /^\[BatchNorm mobilenet0_batchnorm3_fwd\] moving_var \(7\) needs 16 channels, got input \(1,16,16,16\) \[N,C,H,W\]$/,
    );
  });

  it('an op outside the registry is UNSUPPORTED naming op, node and the supported ops', () => {
    const nodes = model.symbol.nodes.map((n) => (n.name === 'mobilenet0_relu0_fwd' ? { ...n, op: 'LeakyReLU' } : n));
    expect(() => buildPlan({ ...model, symbol: { ...model.symbol, nodes } }, 64, 64)).toThrow(
      "[LeakyReLU mobilenet0_relu0_fwd] op 'LeakyReLU' is not supported (supported: Convolution, BatchNorm",
    );
  });

  it('a parameter missing from the weights is a WEIGHTS error naming it', () => {
    const params = new Map(model.params);
    params.delete('rf_c1_aggr_bias');
    expect(() => buildPlan({ ...model, params }, 64, 64)).toThrow("symbol input 'rf_c1_aggr_bias' is neither 'data' nor a parameter");
  });
});

describe('forward', () => {
  const plan = buildPlan(model, 40, 72);
  const input = tensor([1, 3, 40, 72], new Float32Array(3 * 40 * 72).map((_, i) => (i * 37) % 256));

  it('runs the same plan through any Backend: upload once, one kernel call per step, download heads and kept nodes, free each value once', async () => {
    let next = 0;
    const held = new Map<number, Tensor>();
    const log = { upload: 0, run: 0, download: [] as string[], freed: new Set<number>() };
    // a backend whose values are handles into its own store, as a device backend's would be, with a kernel for every op
    const kernel: Kernel<number> = async (node, inputs) => {
      log.run++;
      for (const h of inputs) expect(log.freed.has(h), `${node.name} reads a freed value`).toBe(false);
      held.set(next, (await kernelFor(referenceBackend, node).run(node, inputs.map((h) => held.get(h)!))) as Tensor);
      return next++;
    };
    const recording: Backend<number> = {
      name: 'recording',
      kernel: 'recorded',
      kernels: Object.fromEntries([...REGISTRY.keys()].map((op) => [op, kernel])) as KernelTable<number>,
      upload(t) { log.upload++; held.set(next, t); return next++; },
      download(h) { log.download.push(String(h)); return held.get(h)!; },
      free(h) { expect(log.freed.has(h)).toBe(false); log.freed.add(h); },
    };
    const ours = await forward(plan, input, { backend: recording, keep: ['crop1', 'rf_c2_upsampling'] });
    const ref = await forward(plan, input);
    expect(log.upload).toBe(1);
    expect(log.run).toBe(162);
    expect(log.download).toHaveLength(11);
    expect(log.freed.size).toBe(163);
    expect([...ours.nodes.keys()]).toEqual(['rf_c2_upsampling', 'crop1']);
    expect(ours.trace.map((r) => r.kernel)).toEqual(plan.steps.map(() => 'recorded'));
    for (const name of HEAD_NAMES) expect(Array.from(ours.heads.get(name)!.data)).toEqual(Array.from(ref.heads.get(name)!.data));
  });

  it('an op the backend has no kernel for runs the reference on downloaded inputs, and the trace says so', async () => {
    const uploads: string[] = [];
    const partial: Backend<Tensor> = {
      ...referenceBackend,
      name: 'partial',
      kernel: 'own',
      kernels: { Convolution: (node, inputs) => kernelFor(referenceBackend, node).run(node, inputs) as Promise<Tensor> },
      upload(t) { uploads.push(t.shape.join(',')); return t; },
    };
    const ours = await forward(plan, input, { backend: partial });
    const ref = await forward(plan, input);
    const fellBack = ours.trace.filter((r) => r.kernel === 'reference');
    expect(new Set(ours.trace.filter((r) => r.kernel === 'own').map((r) => r.op))).toEqual(new Set<OpName>(['Convolution']));
    expect(fellBack.length).toBe(plan.steps.filter((s) => s.op !== 'Convolution').length);
    expect(uploads.length).toBe(1 + fellBack.length);
    expect(kernelSummary(ours.trace)).toBe('own + reference BatchNorm, Activation, Concat, Reshape, softmax, UpSampling, Crop, elemwise_add');
    expect(kernelSummary(ref.trace)).toBe('reference');
    for (const r of ours.trace) expect(r.stage, r.node).toBeDefined();
    for (const name of HEAD_NAMES) expect(Array.from(ours.heads.get(name)!.data)).toEqual(Array.from(ref.heads.get(name)!.data));
  });

  it('an input of another size than the plan is a SHAPE error with both shapes', async () => {
    await expect(forward(plan, tensor([1, 3, 40, 70]))).rejects.toThrow("[forward data] input (1,3,40,70) does not match the plan's (1,3,40,72) [N,C,H,W]");
  });

  it('keeping a node that does not exist is an OPTION error naming it', async () => {
    await expect(forward(plan, input, { keep: ['crop7'] })).rejects.toThrow("keep: no node 'crop7' in the graph");
  });
});
