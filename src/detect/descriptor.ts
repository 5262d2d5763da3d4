/**
 * What the original code knows about a model that its symbol does not say: which network config
 * decodes it, and the defaults of the model's own test script. InsightFace keeps these in Python
 * (`RetinaFace.__init__(network='net3')`, `RetinaFaceCoV(network='net3l')`, the `test.py` beside
 * each), so they travel with the model here as a descriptor, never guessed from the file:
 *
 * - the network config: the anchor table (anchors/config.ts), `landmark_std` (landmark deltas are
 *   multiplied by it before `landmark_pred`: 1.0 for net3, 0.2 for net3l) and the heads per stride;
 * - the test script's defaults: score threshold, the target / max size of the input, NMS, and for
 *   the mask model the mask score from which a face is drawn as masked.
 *
 * Each released model has a built-in entry, keyed by its name and the SHA-256 of its
 * `-symbol.json`: a model is recognised by that checksum whatever its path or format (a converted
 * `.safetensors` carries the symbol text unchanged). Anything else is one WEIGHTS error that names
 * the checksum and the known models; a caller may then give a descriptor of its own (option
 * `descriptor`), or pick a built-in by name for a modified symbol. Both models go through the same
 * code in detect.ts: nothing there names either.
 */
import { ANCHOR_CONFIG, type AnchorLevel } from '../anchors/config.js';
import { RetinaFaceError } from '../errors.js';
import { opDef } from '../ops/registry.js';
import { HEAD_KINDS, headName, headNames, type HeadKind } from '../net/heads.js';
import type { Model } from '../weights/model.js';

/** The defaults of a model's own test script; detect options override them. */
export interface ScriptDefaults {
  readonly threshold: number;
  readonly nmsThreshold: number;
  /** Short side of the network input. */
  readonly targetSize: number;
  /** Cap for its long side. */
  readonly maxSize: number;
  /** Mask models: a face is drawn as masked at mask score ≥ this. */
  readonly maskThreshold?: number;
}

export interface ModelDescriptor {
  /** As InsightFace released it: 'mnet.25', 'mnet_cov2'. */
  readonly name: string;
  /** SHA-256 of the `-symbol.json` (hex); a caller's own descriptor may leave it out. */
  readonly symbolSha256?: string;
  /** The original's network config name: 'net3', 'net3l'. */
  readonly network: string;
  /** Strides and anchors, in the order of the heads. */
  readonly anchors: readonly AnchorLevel[];
  /** landmark_std: the landmark deltas are multiplied by it (in float32) before landmark_pred. */
  readonly landmarkStd: number;
  /** The heads of each stride in the symbol's order; 'type_prob_reshape' gives faces a mask score. */
  readonly heads: readonly HeadKind[];
  /** Where the defaults come from. */
  readonly testScript: string;
  readonly defaults: ScriptDefaults;
}

/** The head tensors' names of one stride. */
export interface StrideHeadNames {
  readonly stride: number;
  readonly cls: string;
  readonly bbox: string;
  readonly landmark: string;
  /** Mask models only. */
  readonly type?: string;
}

export const BUILTIN_DESCRIPTORS: readonly ModelDescriptor[] = [
  {
    name: 'mnet.25',
    symbolSha256: 'e38fc6293fc25e07974203f1b4d5f244019b41c96ade4e275029426dab5e2ad3',
    network: 'net3',
    anchors: ANCHOR_CONFIG,
    landmarkStd: 1,
    heads: HEAD_KINDS,
    testScript: 'detection/retinaface/test.py',
    defaults: { threshold: 0.5, nmsThreshold: 0.4, targetSize: 1024, maxSize: 1980 },
  },
  {
    name: 'mnet_cov2',
    symbolSha256: '8a108493b06eeb01045c0260d26232fc1f94a23894125f06ff0fa80a3d0a6364',
    // RetinaFaceCoV.__init__: net3l is net3's anchor table with landmark_std 0.2
    network: 'net3l',
    anchors: ANCHOR_CONFIG,
    landmarkStd: 0.2,
    heads: [...HEAD_KINDS, 'type_prob_reshape'],
    testScript: 'detection/retinaface_anticov/test.py',
    defaults: { threshold: 0.8, nmsThreshold: 0.4, targetSize: 640, maxSize: 1080, maskThreshold: 0.2 },
  },
];

/** The bundled default model's (weights/locate.ts DEFAULT_MODEL). */
export const DEFAULT_DESCRIPTOR: ModelDescriptor = BUILTIN_DESCRIPTORS[0];

/**
 * The descriptor of `model`: `given` when it is one (a built-in's name or a descriptor object),
 * else the built-in whose symbol checksum is the model's. Either way the model's outputs must be
 * the descriptor's heads, in order. An op the engine does not know is reported first (UNSUPPORTED,
 * naming op and node): it says more about an edited symbol than its unknown checksum does.
 */
export function describeModel(model: Model, given?: ModelDescriptor | string): ModelDescriptor {
  for (const node of model.symbol.nodes) if (node.op !== 'null') opDef(node.op, node.name);
  const known = BUILTIN_DESCRIPTORS.map((d) => `${d.name} (${d.network})`).join(', ');
  let descriptor: ModelDescriptor | undefined;
  if (typeof given === 'string') {
    descriptor = BUILTIN_DESCRIPTORS.find((d) => d.name === given);
    if (descriptor === undefined) throw new RetinaFaceError('OPTION', `option descriptor: '${given}' is not a built-in model (known: ${known})`);
  } else {
    descriptor = given ?? BUILTIN_DESCRIPTORS.find((d) => d.symbolSha256 === model.symbolSha256);
    if (descriptor === undefined) {
      throw new RetinaFaceError(
        'WEIGHTS',
        `${model.source}: unknown model (symbol sha256 ${model.symbolSha256.slice(0, 16)}…); known: ${known}; give a descriptor (option descriptor, --descriptor NAME) to say how to decode it`,
      );
    }
  }
  const missing = HEAD_KINDS.filter((k) => !descriptor.heads.includes(k));
  if (missing.length > 0) throw new RetinaFaceError('OPTION', `option descriptor: ${descriptor.name}'s heads lack ${missing.join(', ')}: detect needs the face scores, boxes and landmarks of every stride`);
  const want = headNames(descriptor.heads, descriptor.anchors.map((a) => a.stride));
  const have = model.symbol.heads.map(([i]) => model.symbol.nodes[i].name);
  if (want.join() !== have.join()) {
    throw new RetinaFaceError('WEIGHTS', `${model.source}: the symbol's outputs (${have.join(', ')}) are not the heads of ${descriptor.name} (${want.join(', ')})`);
  }
  return descriptor;
}

/** Per stride, the names of its head tensors. */
export function strideHeadNames(descriptor: ModelDescriptor): StrideHeadNames[] {
  const hasType = descriptor.heads.includes('type_prob_reshape');
  return descriptor.anchors.map(({ stride }) => ({
    stride,
    cls: headName('cls_prob_reshape', stride),
    bbox: headName('bbox_pred', stride),
    landmark: headName('landmark_pred', stride),
    ...(hasType ? { type: headName('type_prob_reshape', stride) } : {}),
  }));
}
