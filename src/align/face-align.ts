/**
 * InsightFace's five-point face alignment (`python-package/insightface/utils/face_align.py`):
 * `estimate_norm` finds the similarity transform that moves the five landmarks (left eye, right
 * eye, nose, left and right mouth corner) onto ArcFace's reference points, and `norm_crop` warps
 * the image with it into the size×size crop recognition models are trained on.
 *
 * `arcface_dst` is laid out for 112×112. For a size that is a multiple of 112 it is scaled by
 * size/112; for a multiple of 128 it is scaled by size/128 and moved right by 8·size/128 (the 128
 * crop keeps the face the size of the 112 one, centred). The reference is float32, as in the
 * original, and so is the arithmetic on it (umeyama.ts).
 */
import { RetinaFaceError } from '../errors.js';
import type { RgbImage } from '../image/rgb-image.js';
import { f32 } from './float32.js';
import { umeyama } from './umeyama.js';
import { warpAffine, type Affine } from './warp-affine.js';

export type Landmarks = readonly (readonly [number, number])[];

/** ArcFace's five reference points in a 112×112 crop: eyes, nose, mouth corners. */
export const ARCFACE_DST: Landmarks = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
].map(([x, y]) => [f32(x), f32(y)] as const);

/** A crop size estimate_norm accepts (a positive multiple of 112 or 128), or an OPTION error naming `option`. */
export function checkCropSize(option: string, size: unknown): number {
  if (!(typeof size === 'number' && Number.isInteger(size) && size > 0 && (size % 112 === 0 || size % 128 === 0))) {
    throw new RetinaFaceError('OPTION', `option ${option}: ${JSON.stringify(size)} must be a positive multiple of 112 or 128 (InsightFace's estimate_norm)`);
  }
  return size;
}

/** `arcface_dst` for a crop of `size` pixels (float32, as `arcface_dst * ratio` then `[:, 0] += diff_x`). */
export function referencePoints(size: number): Landmarks {
  checkCropSize('size', size);
  const ratio = size % 112 === 0 ? size / 112 : size / 128;
  const diffX = size % 112 === 0 ? 0 : 8 * ratio;
  return ARCFACE_DST.map(([x, y]) => [f32(f32(x * f32(ratio)) + f32(diffX)), f32(y * f32(ratio))] as const);
}

/** The five landmarks as float32 points, or a LANDMARKS error naming what is wrong with them. */
function checkedLandmarks(landmarks: Landmarks): Landmarks {
  if (!Array.isArray(landmarks) || landmarks.length !== 5 || !landmarks.every((p) => Array.isArray(p) && p.length === 2)) {
    throw new RetinaFaceError('LANDMARKS', 'landmarks: expected five [x, y] points (left eye, right eye, nose, left and right mouth corner)');
  }
  const bad = landmarks.findIndex((p) => !p.every((v: unknown) => typeof v === 'number' && Number.isFinite(f32(v))));
  if (bad >= 0) {
    throw new RetinaFaceError('LANDMARKS', `landmarks: point ${bad} is [${landmarks[bad].join(', ')}], not finite float32 coordinates`);
  }
  return landmarks.map(([x, y]) => [f32(x), f32(y)] as const);
}

/** `estimate_norm(lmk, image_size)`: the 2×3 transform from image pixels to the aligned crop. */
export function estimateNorm(landmarks: Landmarks, size = 112): Affine {
  const M = umeyama(checkedLandmarks(landmarks), referencePoints(size));
  if (!M.every(Number.isFinite)) {
    throw new RetinaFaceError('LANDMARKS', `landmarks: the alignment transform overflows (${M.join(', ')})`);
  }
  return M;
}

export interface AlignedFace {
  /** (size, size, 3) uint8 RGB. */
  pixels: Uint8Array;
  width: number;
  height: number;
  /** The 2×3 transform, row-major, from original-image pixels to the crop (`M` of norm_crop). */
  matrix: Affine;
}

/** `norm_crop(img, landmark, image_size)`: the aligned size×size face. */
export function normCrop(image: RgbImage, landmarks: Landmarks, size = 112): AlignedFace {
  const matrix = estimateNorm(landmarks, size);
  const { data } = warpAffine(image, matrix, size, size);
  return { pixels: data, width: size, height: size, matrix };
}
