/**
 * The explain report's alignment section: what a recognition model is handed after detection. Each
 * face's five landmarks go through InsightFace's `norm_crop` (align/face-align.ts): the similarity
 * transform M onto ArcFace's reference points, then the warp. The figures show the crops as the
 * model sees them, and the same crops enlarged with the reference points (white) under the face's
 * own landmarks carried by M (the landmark colours of the faces figure): how far apart they are is
 * what the least-squares fit could not remove.
 */
import { referencePoints, type AlignedFace, type Landmarks } from '../align/face-align.js';
import { alignFaces } from '../detect/align-face.js';
import type { Face } from '../detect/detect.js';
import { drawDot, LANDMARK_COLOURS, type Rgb } from '../image/draw.js';
import { rgbImage, type RgbImage } from '../image/rgb-image.js';
import type { Figure } from './explain.js';

export const CROP_SIZE = 112;
const ZOOM = 2;
const GAP = 8;
const BACKGROUND: Rgb = [40, 40, 40];
const REFERENCE_COLOUR: Rgb = [255, 255, 255];

export interface AlignedStory {
  landmarks: Face['landmarks'];
  /** The crop, or why there is none. */
  aligned?: AlignedFace;
  alignError?: string;
  /** The landmarks carried into the crop by M, and their mean distance to the reference points (crop pixels). */
  mapped?: [number, number][];
  residual?: number;
}

export interface AlignmentStory {
  size: number;
  reference: Landmarks;
  faces: AlignedStory[];
  figures: Figure[];
}

/** (x, y) through the 2×3 matrix m. */
function apply(m: AlignedFace['matrix'], [x, y]: readonly number[]): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** The crops side by side on a dark strip, each `zoom` times (nearest neighbour). */
function strip(crops: readonly AlignedFace[], size: number, zoom: number): RgbImage {
  const side = size * zoom;
  const out = rgbImage(crops.length * (side + GAP) + GAP, side + 2 * GAP);
  for (let i = 0; i < out.data.length; i += 3) out.data.set(BACKGROUND, i);
  crops.forEach((crop, n) => {
    const left = GAP + n * (side + GAP);
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        // strip pixel (GAP + y, left + x) shows crop pixel (y / zoom, x / zoom)
        const from = (Math.floor(y / zoom) * size + Math.floor(x / zoom)) * 3;
        out.data.set(crop.pixels.subarray(from, from + 3), ((GAP + y) * out.width + left + x) * 3);
      }
    }
  });
  return out;
}

export function alignmentStory(image: RgbImage, faces: readonly Face[], size = CROP_SIZE): AlignmentStory {
  const reference = referencePoints(size);
  const stories: AlignedStory[] = alignFaces(image, [...faces], size).map(({ landmarks, aligned, alignError }) => {
    if (aligned === undefined) return { landmarks, alignError };
    const mapped = landmarks.map((p) => apply(aligned.matrix, p));
    const residual = mapped.reduce((s, [x, y], k) => s + Math.hypot(x - reference[k][0], y - reference[k][1]), 0) / mapped.length;
    return { landmarks, aligned, mapped, residual };
  });
  const done = stories.filter((s) => s.aligned !== undefined);
  const plain = strip(done.map((s) => s.aligned!), size, 1);
  const marked = strip(done.map((s) => s.aligned!), size, ZOOM);
  done.forEach((s, n) => {
    const at = ([x, y]: readonly number[]) => [GAP + n * (size * ZOOM + GAP) + Math.round(x * ZOOM), GAP + Math.round(y * ZOOM)];
    for (const p of reference) drawDot(marked, at(p)[0], at(p)[1], 4, REFERENCE_COLOUR);
    s.mapped!.forEach((p, k) => drawDot(marked, at(p)[0], at(p)[1], 2, LANDMARK_COLOURS[k]));
  });
  return {
    size,
    reference,
    faces: stories,
    figures: [
      { file: 'aligned.png', png: plain, caption: `the ${done.length} aligned ${size}×${size} crops, as a recognition model receives them (norm_crop)` },
      { file: 'aligned-points.png', png: marked, caption: `the same crops at ${ZOOM}×: ArcFace's reference points (white) and each face's landmarks carried by its transform M (eyes, nose, mouth corners in the landmark colours)` },
    ],
  };
}
