/**
 * `explain`: one detection walked through in the seed's order, as data for the report (report.ts)
 * and PNG figures, for either RetinaFace-mnet model (its descriptor names the heads; with the mask
 * model's type head, each stride also gets its mask probability map). The detection itself is detectFaces (detect/detect.ts) at one scale, run on the
 * engine's backend but on the unfused plan, so every MXNet node exists; the network's heads are recorded on the way and the
 * per-stride pictures are made from them with the same functions detect() uses
 * (strideProposals, anchorsPlane), so the report shows exactly what produced the faces.
 */
import { generateAnchorsFpn } from '../anchors/generate-anchors.js';
import { anchorsPlane } from '../anchors/plane.js';
import { chooseScales, detectFaces, type Face } from '../detect/detect.js';
import { strideHeadNames, type ModelDescriptor } from '../detect/descriptor.js';
import type { ResolvedOptions } from '../detect/options.js';
import { strideProposals } from '../detect/proposals.js';
import type { Engine } from '../detect/engine.js';
import { RetinaFaceError } from '../errors.js';
import { drawDetections, type Rgb } from '../image/draw.js';
import type { FloatMap } from '../image/heatmap.js';
import type { RgbImage } from '../image/rgb-image.js';
import { forward, kernelSummary, type NodeRun } from '../net/forward.js';
import { buildPlan, type Plan } from '../net/graph.js';
import { pictureTensor } from '../net/input.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Model } from '../weights/model.js';
import { alignmentStory, type AlignmentStory } from './alignment.js';
import { channelTiles, drawBoxes, preview, probabilityOverlay } from './figures.js';

/**
 * The pyramid's lateral convolution of each stride, the same names in both models (stages.ts):
 * the backbone output each one reads is the map that feeds the pyramid at that stride.
 */
const LATERALS: Record<number, string> = { 8: 'rf_c1_red_conv', 16: 'rf_c2_lateral', 32: 'rf_c3_lateral' };

const ANCHOR_COLOURS: readonly Rgb[] = [[255, 64, 64], [64, 160, 255]];

export interface Figure {
  /** File name beside the report. */
  file: string;
  png: RgbImage;
  caption: string;
}

export interface StrideStory {
  stride: number;
  mapShape: Shape;
  /** Best face probability on this map and where. */
  best: { score: number; x: number; y: number };
  /** The two anchors at that cell, original pixels. */
  anchors: { box: number[]; side: number }[];
  proposals: number;
  figures: Figure[];
}

export interface Story {
  file: string;
  original: { width: number; height: number };
  options: ResolvedOptions;
  scale: number;
  resized: { width: number; height: number };
  backend: string;
  kernel: string;
  plan: Plan;
  /** The model's descriptor: its name, heads and defaults. */
  descriptor: ModelDescriptor;
  /** Per stride: the backbone output that feeds the pyramid, and the SSH output its face heads read. */
  pyramid: { stride: number; backbone: string; ssh: string }[];
  /** Feature-map channel figures by node name. */
  features: Map<string, Figure>;
  strides: StrideStory[];
  preNms: number;
  faces: Face[];
  /** The faces aligned for recognition (InsightFace's norm_crop). */
  alignment: AlignmentStory;
  figures: { input: Figure; faces: Figure };
  /** ms per stage: decode, resize, backbone, fpn, ssh, heads, decode per stride, nms. */
  timing: [string, number][];
}

export async function explain(model: Model, file: string, image: RgbImage, decodeMs: number, o: ResolvedOptions, engine: Engine, descriptor: ModelDescriptor): Promise<Story> {
  const scales = chooseScales(image.height, image.width, o);
  if (scales.length !== 1 || o.flip) throw new RetinaFaceError('OPTION', 'explain walks one scale without flip: drop --scales with several values, --pyramid and --flip');
  const scale = scales[0];
  const timing: [string, number][] = [['decode the image (src/image/decode.ts)', decodeMs]];

  const inputOf = (name: string) => {
    const node = model.symbol.nodes.find((n) => n.name === name);
    if (node === undefined) throw new RetinaFaceError('UNSUPPORTED', `explain: ${model.source} has no node '${name}' (explain follows the RetinaFace-mnet layout)`);
    return model.symbol.nodes[node.inputs[0][0]].name;
  };
  const pyramid = descriptor.anchors.map(({ stride }) => ({ stride, backbone: inputOf(LATERALS[stride]), ssh: inputOf(`face_rpn_cls_score_stride${stride}`) }));
  const keep = [...pyramid.map((l) => l.backbone).reverse(), '_plus0', '_plus1', ...pyramid.map((l) => l.ssh).reverse()];
  let plan: Plan | undefined;
  let heads: ReadonlyMap<string, Tensor> = new Map();
  let kept: ReadonlyMap<string, Tensor> = new Map();
  let input: Tensor | undefined;
  let trace: readonly NodeRun[] = [];
  const t0 = performance.now();
  let networkStart = 0;
  let networkEnd = 0;
  const faces = await detectFaces(async (picture) => {
    // the textbook input, timed on its own (detect() on wasm resizes into the backend instead, ops/wasm/resize.ts)
    const x = pictureTensor(picture);
    networkStart = performance.now();
    input = x;
    plan = buildPlan(model, x.shape[2], x.shape[3]);
    const r = await forward(plan, x, { backend: engine.backend, keep });
    trace = r.trace;
    heads = r.heads;
    kept = r.nodes;
    networkEnd = performance.now();
    return r.heads;
  }, image, o, descriptor);
  const detectMs = performance.now() - t0;
  timing.push(['resize (cv2 INTER_LINEAR) and the input tensor (src/image/resize.ts, src/net/input.ts)', networkStart - t0]);
  for (const stage of ['backbone', 'fpn', 'ssh', 'heads'] as const) {
    const ms = trace.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.ms, 0);
    timing.push([`network: ${stage} (src/net/forward.ts)`, ms]);
  }
  timing.push(['decode, clip, threshold per stride, cpu_nms (src/detect/detect.ts)', detectMs - (networkEnd - t0)]);
  const t1 = performance.now();
  const alignment = alignmentStory(image, faces);
  timing.push(['align the faces: estimate_norm, warpAffine (src/align/face-align.ts)', performance.now() - t1]);

  const [, , H, W] = input!.shape;
  const p = preview(image);
  const features = new Map<string, Figure>();
  for (const name of keep) {
    const tiles = channelTiles(kept.get(name)!, 4);
    features.set(name, { file: `feature-${name}.png`, png: tiles.image, caption: `${name}: channels ${tiles.channels.join(', ')} (the four with the largest mean, numbered above each), jet colours, one block per map cell` });
  }

  // Per stride: the probability map (and the mask map), the anchors at its best cell, the proposals over threshold.
  const base = generateAnchorsFpn(descriptor.anchors);
  const strides: StrideStory[] = [];
  let preNms = 0;
  for (const names of strideHeadNames(descriptor)) {
    const { stride } = names;
    const cls = heads.get(names.cls)!;
    const [, twoA, h, w] = cls.shape;
    const A = twoA / 2;
    const prob = anchorMax(cls, A); // channels A.. are the face probabilities
    let best = { score: -1, x: 0, y: 0, a: 0 };
    for (let a = 0; a < A; a++) {
      for (let k = 0; k < h * w; k++) {
        const v = cls.data[(A + a) * h * w + k];
        if (v > best.score) best = { score: v, x: k % w, y: Math.floor(k / w), a };
      }
    }
    const type = names.type === undefined ? undefined : heads.get(names.type)!;
    const plane = anchorsPlane(h, w, stride, base.get(stride)!);
    const anchors = Array.from({ length: A }, (_, a) => {
      const row = (best.y * w + best.x) * A + a;
      const box = Array.from(plane.subarray(row * 4, row * 4 + 4), (v) => v / scale);
      return { box, side: plane[row * 4 + 2] - plane[row * 4] + 1 };
    });
    const proposals = strideProposals(
      { cls, bbox: heads.get(names.bbox)!, landmark: heads.get(names.landmark)!, type },
      stride, base.get(stride)!, H, W, o.threshold, descriptor,
    );
    const n = proposals.scores.length;
    preNms += n;
    const boxes = Array.from({ length: n }, (_, i) => ({ box: Array.from(proposals.boxes.subarray(i * 4, i * 4 + 4), (v) => v / scale), colour: [255, 255, 0] as Rgb }));
    strides.push({
      stride,
      mapShape: cls.shape,
      best,
      anchors,
      proposals: n,
      figures: [
        { file: `stride${stride}-probability.png`, png: probabilityOverlay(prob, stride, p, scale), caption: `face probability, the larger of the ${A} anchors per cell (blue 0 … red 1), ${h}×${w} cells of ${stride} px` },
        {
          file: `stride${stride}-anchors.png`,
          png: drawBoxes(p, anchors.map((an, a) => ({ box: an.box, colour: ANCHOR_COLOURS[a % 2], label: String(an.side) }))),
          caption: `the ${A} anchors of cell (y ${best.y}, x ${best.x}), the most face-like of this map (p = ${best.score.toFixed(3)}), drawn in original pixels`,
        },
        { file: `stride${stride}-proposals.png`, png: drawBoxes(p, boxes), caption: `${n} proposals with score ≥ ${o.threshold} after bbox_pred and clip_boxes, before NMS` },
        ...(type === undefined ? [] : [{
          file: `stride${stride}-mask.png`,
          png: probabilityOverlay(anchorMax(type, 2 * A), stride, p, scale),
          caption: `mask probability (the type head's third class, channels ${2 * A}..${3 * A - 1}), the larger of the ${A} anchors per cell (blue 0 … red 1), over every cell, face or not`,
        }]),
      ],
    });
  }

  const scaled = (f: Face) => ({ ...f, box: f.box.map((v) => v * p.k), landmarks: f.landmarks.map(([x, y]) => [x * p.k, y * p.k]) });
  const masked = descriptor.defaults.maskThreshold;
  return {
    file,
    original: { width: image.width, height: image.height },
    options: o,
    scale,
    resized: { width: W, height: H },
    backend: engine.backend.name,
    kernel: kernelSummary(trace),
    plan: plan!,
    descriptor,
    pyramid,
    features,
    strides,
    preNms,
    faces,
    alignment,
    figures: {
      input: { file: 'input.png', png: p.image, caption: `${file}, ${image.width}×${image.height} (shown at ${Math.round(p.k * 100)} %)` },
      faces: {
        file: 'faces.png',
        png: drawDetections(p.image, faces.map(scaled), { maskThreshold: masked }),
        caption: `${faces.length} faces after cpu_nms at IoU ${o.nmsThreshold}, with their five landmarks${masked === undefined ? '' : `; orange: mask probability ≥ ${masked} (the model's test script)`}`,
      },
    },
    timing,
  };
}

/** Per cell, the largest of the A anchor channels from `first` on (e.g. the face probabilities at A..2A−1). */
function anchorMax(head: Tensor, first: number): FloatMap {
  const [, , h, w] = head.shape;
  const A = head.shape[1] - first;
  const map: FloatMap = { width: w, height: h, data: new Float32Array(h * w) };
  for (let a = 0; a < A; a++) {
    for (let k = 0; k < h * w; k++) map.data[k] = Math.max(map.data[k], head.data[(first + a) * h * w + k]);
  }
  return map;
}
