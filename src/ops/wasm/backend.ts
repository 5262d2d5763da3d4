/**
 * The wasm backend of the forward pass (net/forward.ts `Backend`): hand-written WebAssembly SIMD
 * kernels for the convolutions (this folder), every activation in one WebAssembly.Memory in the
 * planar layout of memory.ts. Run it on a plan from net/fuse.ts to get BatchNorm and relu folded
 * into the convolutions. Single-threaded, no workers: it runs wherever WebAssembly SIMD does
 * (Node, browsers, edge workers).
 *
 * The data-movement ops of the FPN and SSH (relu, elemwise_add, Concat, UpSampling, Crop) are
 * short loops over the stored planes here; the rest (softmax and Reshape on the small score
 * heads, a BatchNorm left unfused) run the reference kernel on the downloaded tensor.
 */
import { RetinaFaceError } from '../../errors.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Backend } from '../../net/forward.js';
import { fusedRelu } from '../../net/fuse.js';
import type { PlanStep } from '../../net/graph.js';
import { convGeometry } from '../conv-geometry.js';
import { opDef } from '../registry.js';
import { prepareConvolution, type Floors, type WasmConvolution } from './convolution.js';
import { instantiateKernels } from './kernels.js';
import { planarDims, WasmMemory, type WasmTensor } from './memory.js';

export interface WasmBackend extends Backend<WasmTensor> {
  /** Releases the memory. */
  destroy(): void;
}

export function createWasmBackend(): WasmBackend {
  const memory = new WasmMemory();
  const kernels = instantiateKernels(memory.memory);
  const floorsAt = memory.alloc(4);
  memory.f32.set([0, -Infinity], floorsAt / 4);
  const floors: Floors = { relu: floorsAt, none: floorsAt + 4 };
  const convolutions = new WeakMap<PlanStep, WasmConvolution>();

  /** Stored floats of x, border included (zero there, so elementwise ops keep it zero). */
  const values = (x: WasmTensor) => {
    const { C, PS } = planarDims(x.shape);
    return memory.f32.subarray(x.offset / 4, x.offset / 4 + C * PS);
  };

  const run = (step: PlanStep, inputs: WasmTensor[]): WasmTensor => {
    const [x] = inputs;
    switch (step.op) {
      case 'Convolution': {
        let conv = convolutions.get(step);
        if (conv === undefined) {
          const [weight, bias] = step.params;
          const g = convGeometry(step.inputShapes[0], weight.shape, step.attrs);
          conv = prepareConvolution(memory, kernels, floors, step.name, g, { weight: weight.data, bias: bias?.data ?? new Float32Array(g.OC) }, fusedRelu(step));
          convolutions.set(step, conv);
        }
        return conv(x);
      }
      case 'Activation': {
        const out = memory.tensor(step.shape);
        const src = values(x);
        const dst = values(out);
        for (let i = 0; i < src.length; i++) dst[i] = src[i] > 0 ? src[i] : 0;
        return out;
      }
      case 'elemwise_add': {
        const out = memory.tensor(step.shape);
        const a = values(x);
        const b = values(inputs[1]);
        const dst = values(out);
        for (let i = 0; i < a.length; i++) dst[i] = a[i] + b[i];
        return out;
      }
      case 'Concat': {
        if (step.attrs.dim !== 1) throw unsupported(step, `dim=${step.attrs.dim}`, 'dim=1 (channels)');
        // inputs share H and W, so their planes have one stride: the result is their planes in order
        const out = memory.tensor(step.shape);
        const dst = values(out);
        let at = 0;
        for (const input of inputs) {
          const src = values(input);
          dst.set(src, at);
          at += src.length;
        }
        return out;
      }
      case 'UpSampling': {
        const s = step.attrs.scale;
        const out = memory.tensor(step.shape);
        const i = planarDims(x.shape);
        const o = planarDims(step.shape);
        const src = values(x);
        const dst = values(out);
        for (let c = 0; c < o.C; c++) {
          for (let y = 0; y < o.H; y++) {
            const from = c * i.PS + (Math.floor(y / s) + 1) * i.WP + 1;
            const to = c * o.PS + (y + 1) * o.WP + 1;
            for (let xx = 0; xx < o.W; xx++) dst[to + xx] = src[from + Math.floor(xx / s)];
          }
        }
        return out;
      }
      case 'Crop': {
        // the top-left H×W of x (offset (0, 0), ops/crop.ts)
        const out = memory.tensor(step.shape);
        const i = planarDims(x.shape);
        const o = planarDims(step.shape);
        const src = values(x);
        const dst = values(out);
        for (let c = 0; c < o.C; c++) {
          for (let y = 1; y <= o.H; y++) dst.set(src.subarray(c * i.PS + y * i.WP + 1, c * i.PS + y * i.WP + 1 + o.W), c * o.PS + y * o.WP + 1);
        }
        return out;
      }
      default: {
        const ins: Tensor[] = inputs.map((t) => memory.download(t));
        return memory.upload(opDef(step.op, step.name).reference(ins, step.params, step.attrs, step.shape));
      }
    }
  };

  return {
    name: 'wasm',
    upload: (t: Tensor) => memory.upload(t),
    run,
    download: (x) => memory.download(x),
    free: (x) => memory.freeTensor(x),
    destroy: () => {},
  };
}

function unsupported(step: PlanStep, what: string, supported: string): RetinaFaceError {
  return new RetinaFaceError('UNSUPPORTED', `[${step.op} ${step.name}] ${what} on the wasm path (supported: ${supported})`);
}
