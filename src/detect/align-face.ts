/**
 * Aligned face crops in the API: `alignFace(image, landmarks, { size })` for any five landmarks, and
 * the `align` option of detect, which crops every face found. Both run InsightFace's `norm_crop`
 * (align/face-align.ts); a face whose landmarks admit no alignment gets `alignError` (one line)
 * instead of `aligned`, never an image of NaNs.
 */
import { checkCropSize, normCrop, type AlignedFace } from '../align/face-align.js';
import { RetinaFaceError } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../image/decode.js';
import type { RgbImage } from '../image/rgb-image.js';
import type { Face, Point } from './detect.js';
import { toImage, type ImageInput, type ImageOptions } from './image-input.js';

export type { AlignedFace };

export interface AlignOptions extends ImageOptions {
  /** Side of the square crop: a multiple of 112 (ArcFace's layout scaled) or of 128. Default 112. */
  size?: number;
}

/** The face with these five landmarks (left eye, right eye, nose, left / right mouth corner), aligned as ArcFace expects. */
export function alignFace(image: ImageInput, landmarks: readonly Point[], options: AlignOptions = {}): AlignedFace {
  const size = checkCropSize('size', options.size ?? 112);
  const picture = toImage(image, { exif: options.exif, maxPixels: options.maxPixels ?? DEFAULT_MAX_PIXELS }, 'alignFace');
  return normCrop(picture, landmarks, size);
}

/** detect's `align`: each face gets `aligned`, or `alignError` when its landmarks cannot be aligned. */
export function alignFaces(image: RgbImage, faces: Face[], size: number): Face[] {
  return faces.map((face) => {
    if (face.landmarks.length === 0) return { ...face, alignError: 'no landmarks to align (bbox_vote keeps none)' };
    try {
      return { ...face, aligned: normCrop(image, face.landmarks, size) };
    } catch (e) {
      if (e instanceof RetinaFaceError && e.code === 'LANDMARKS') return { ...face, alignError: e.message };
      throw e;
    }
  });
}
