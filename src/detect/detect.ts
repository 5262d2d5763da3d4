/**
 * RetinaFace.detect (retinaface.py, network 'net3'; RetinaFaceCoV.detect in retinaface_cov.py for
 * the mask model, 'net3l'), top to bottom in the seed's order:
 *
 *   for each scale (and, with flip, each of the plain and mirrored image):
 *     resize (cv2 INTER_LINEAR, fx = fy = scale) → input tensor → forward (the picture and the
 *       resize's taps go to the network together, net/input.ts pictureInput: the wasm backend
 *       resizes straight into its input, the others upload the reference's tensor)
 *     for each stride in the model's anchor config: proposals (anchors, scores, bbox_pred, clip,
 *       threshold; mask scores when the model has the type head)
 *     undo the flip, divide by the scale
 *   concatenate, sort by score, cpu_nms (or bbox_vote), landmarks and mask scores follow their boxes.
 *
 * What differs between models (anchors, landmark_std, heads) comes from the model's descriptor
 * (descriptor.ts); the default is the bundled mnet.25's.
 * The arithmetic follows the original's dtypes: boxes in float64 until they are handed to NMS as
 * float32, landmarks float32 throughout (the golden README's "Semantics" section).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { RgbImage } from '../image/rgb-image.js';
import type { AlignedFace } from '../align/face-align.js';
import type { PictureInput } from '../ops/backend.js';
import { pictureInput } from '../net/input.js';
import type { AnchorLevel } from '../anchors/config.js';
import { generateAnchorsFpn } from '../anchors/generate-anchors.js';
import { argsortDescending, cpuNms } from '../anchors/nms.js';
import { bboxVote } from '../anchors/bbox-vote.js';
import { strideProposals, type Proposals } from './proposals.js';
import { pyramidScales, targetScale } from './scales.js';
import type { ResolvedOptions } from './options.js';
import { DEFAULT_DESCRIPTOR, strideHeadNames, type ModelDescriptor } from './descriptor.js';

export type Point = [x: number, y: number];

export interface Face {
  /** x1, y1, x2, y2 in original-image pixels (the original's +1 convention: width = x2 - x1 + 1). */
  box: [number, number, number, number];
  /** Face probability. */
  score: number;
  /** Left eye, right eye, nose, left mouth corner, right mouth corner; empty with `vote`. */
  landmarks: Point[];
  /** Probability that the face wears a mask; only from mask models (mnet_cov2), absent with `vote`. */
  mask?: number;
  /** With detect's `align`: the face cropped and aligned by its landmarks (InsightFace's norm_crop). */
  aligned?: AlignedFace;
  /** With detect's `align`: why this face has no `aligned` (landmarks that admit no alignment). */
  alignError?: string;
}

/** Runs the network on a (1, 3, H, W) input (a picture and its resize) and returns its heads by name. */
export type RunNetwork = (input: PictureInput) => Promise<ReadonlyMap<string, Tensor>>;

const FLIP_LANDMARK_ORDER = [1, 0, 2, 4, 3]; // the eyes and the mouth corners swap sides

/** The scales detect() runs at for an image of this size. */
export function chooseScales(height: number, width: number, o: ResolvedOptions): readonly number[] {
  if (o.scales !== undefined) return o.scales;
  if (o.pyramid !== undefined) return pyramidScales(height, width, o.targetSize, o.maxSize, o.pyramid);
  return [targetScale(height, width, o.targetSize, o.maxSize)];
}

export async function detectFaces(run: RunNetwork, image: RgbImage, o: ResolvedOptions, descriptor: ModelDescriptor = DEFAULT_DESCRIPTOR): Promise<Face[]> {
  return merge(await detectProposals(run, image, o, descriptor), o);
}

/** Every stride's proposals of every scale and flip, in original-image pixels, before NMS. */
export async function detectProposals(run: RunNetwork, image: RgbImage, o: ResolvedOptions, descriptor: ModelDescriptor = DEFAULT_DESCRIPTOR): Promise<Proposals[]> {
  const found: Proposals[] = [];
  const anchors = baseAnchors(descriptor.anchors);
  for (const scale of chooseScales(image.height, image.width, o)) {
    for (const flip of o.flip ? [false, true] : [false]) {
      const input = pictureInput(image, scale, flip);
      const [, , height, width] = input.shape;
      const heads = await run(input);
      for (const names of strideHeadNames(descriptor)) {
        const p = strideProposals(
          {
            cls: heads.get(names.cls)!,
            bbox: heads.get(names.bbox)!,
            landmark: heads.get(names.landmark)!,
            type: names.type === undefined ? undefined : heads.get(names.type)!,
          },
          names.stride,
          anchors.get(names.stride)!,
          height,
          width,
          o.threshold,
          descriptor,
        );
        if (flip) unflip(p, width);
        toOriginalPixels(p, scale);
        found.push(p);
      }
    }
  }
  return found;
}

/** generate_anchors_fpn of an anchor table, by stride, computed once per table. */
const anchorsByTable = new WeakMap<readonly AnchorLevel[], Map<number, Float32Array>>();
function baseAnchors(table: readonly AnchorLevel[]): Map<number, Float32Array> {
  let anchors = anchorsByTable.get(table);
  if (anchors === undefined) anchorsByTable.set(table, (anchors = generateAnchorsFpn(table)));
  return anchors;
}

/**
 * Proposals found on the mirrored image, mapped back: x1' = W - x2 - 1, x2' = W - x1 - 1 (float64),
 * landmark x' = W - x - 1 (float32), points reordered so the left eye is the left eye again.
 */
function unflip(p: Proposals, width: number): void {
  const n = p.scores.length;
  for (let i = 0; i < n; i++) {
    const x1 = p.boxes[i * 4];
    const x2 = p.boxes[i * 4 + 2];
    p.boxes[i * 4] = width - x2 - 1;
    p.boxes[i * 4 + 2] = width - x1 - 1;
    const pts = p.landmarks.slice(i * 10, i * 10 + 10);
    for (let j = 0; j < 5; j++) {
      const from = FLIP_LANDMARK_ORDER[j];
      p.landmarks[i * 10 + 2 * j] = Math.fround(Math.fround(width - pts[2 * from]) - 1);
      p.landmarks[i * 10 + 2 * j + 1] = pts[2 * from + 1];
    }
  }
}

/** Boxes / im_scale in float64; landmarks / im_scale in float32 (numpy casts the scale down). */
function toOriginalPixels(p: Proposals, scale: number): void {
  for (let i = 0; i < p.boxes.length; i++) p.boxes[i] /= scale;
  const s32 = Math.fround(scale);
  for (let i = 0; i < p.landmarks.length; i++) p.landmarks[i] = Math.fround(p.landmarks[i] / s32);
}

/** All proposals of a detection in the order handed to NMS. */
export interface Candidates {
  /** (N, 5) float32 x1, y1, x2, y2, score, score-descending: the original's pre_det. */
  preDet: Float32Array;
  /** (N, 5, 2) float32 landmarks, in the same order. */
  landmarks: Float32Array;
  /** (N) float32 mask probabilities, in the same order; mask models only. */
  mask?: Float32Array;
}

/** vstack over strides (scales, flips), argsort()[::-1] of the scores, cast to float32: pre_det. */
export function candidates(found: readonly Proposals[]): Candidates {
  const n = found.reduce((sum, p) => sum + p.scores.length, 0);
  const scores = new Float32Array(n);
  const boxes = new Float64Array(n * 4);
  const landmarks = new Float32Array(n * 10);
  const mask = found.some((p) => p.mask !== undefined) ? new Float32Array(n) : undefined;
  let at = 0;
  for (const p of found) {
    scores.set(p.scores, at);
    boxes.set(p.boxes, at * 4);
    landmarks.set(p.landmarks, at * 10);
    if (p.mask !== undefined) mask?.set(p.mask, at);
    at += p.scores.length;
  }

  const order = argsortDescending(scores);
  const sorted: Candidates = { preDet: new Float32Array(n * 5), landmarks: new Float32Array(n * 10), mask: mask && new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const j = order[i];
    for (let c = 0; c < 4; c++) sorted.preDet[i * 5 + c] = boxes[j * 4 + c];
    sorted.preDet[i * 5 + 4] = scores[j];
    sorted.landmarks.set(landmarks.subarray(j * 10, j * 10 + 10), i * 10);
    if (mask !== undefined) sorted.mask![i] = mask[j];
  }
  return sorted;
}

/**
 * cpu_nms over pre_det (landmarks and mask scores follow their boxes; NMS sees only the five
 * columns of pre_det, as in RetinaFaceCoV), or bbox_vote.
 */
function merge(found: readonly Proposals[], o: ResolvedOptions): Face[] {
  const { preDet, landmarks, mask } = candidates(found);
  if (o.vote) {
    const det = bboxVote(preDet, o.nmsThreshold);
    const faces: Face[] = [];
    for (let i = 0; i < det.length / 5; i++) {
      faces.push({ box: box32(det, i * 5), score: Math.fround(det[i * 5 + 4]), landmarks: [] });
    }
    return faces;
  }
  return Array.from(cpuNms(preDet, o.nmsThreshold), (i) => {
    const landmarksOf: Point[] = [];
    for (let p = 0; p < 5; p++) landmarksOf.push([landmarks[i * 10 + 2 * p], landmarks[i * 10 + 2 * p + 1]]);
    const face: Face = { box: box32(preDet, i * 5), score: preDet[i * 5 + 4], landmarks: landmarksOf };
    if (mask !== undefined) face.mask = mask[i];
    return face;
  });
}

function box32(a: ArrayLike<number>, at: number): [number, number, number, number] {
  return [Math.fround(a[at]), Math.fround(a[at + 1]), Math.fround(a[at + 2]), Math.fround(a[at + 3])];
}
