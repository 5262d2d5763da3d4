/**
 * `detect --crops DIR [--crop-size 112]`: every face found, aligned for a recognition model
 * (InsightFace's norm_crop, src/align) and written as `DIR/<image stem>_<i>.png`, i the face's
 * 0-based index in that image's faces. The JSON face gets `"crop": "<path>"`; a face whose landmarks
 * admit no alignment (or that has none, with --vote) gets `"cropSkipped": "<reason>"` instead, and
 * the reason is one line on stderr — the image and its other faces go on.
 */
import { checkCropSize } from '../align/face-align.js';
import type { Face } from '../detect/detect.js';
import { RetinaFaceError } from '../errors.js';
import { encodePng } from '../image/encode.js';
import { rgbImage } from '../image/rgb-image.js';
import { numberValue, type ParsedArgs } from './args.js';
import { writeOut } from './write-out.js';

export const CROP_FLAGS = ['crops', 'crop-size'] as const;

export const CROP_HELP = `  --crops DIR         write each face aligned for recognition (InsightFace norm_crop) as DIR/<image>_<i>.png
  --crop-size N       side of the aligned crops, a multiple of 112 or 128 (default 112)
`;

export interface CropSettings {
  readonly dir: string;
  readonly size: number;
}

/** A face as the CLI reports it with --crops: the crop's path, or why it has none. */
export type CroppedFace = Omit<Face, 'aligned' | 'alignError'> & ({ crop: string } | { cropSkipped: string });

/** --crops and --crop-size, checked before any work: a bad size is a usage error naming the flag. */
export function cropOptions(command: string, args: ParsedArgs): CropSettings | undefined {
  const dir = args.values.get('crops');
  const sizeText = args.values.get('crop-size');
  if (dir === undefined) {
    if (sizeText !== undefined) throw new RetinaFaceError('USAGE', `${command}: --crop-size needs --crops DIR (see retinaface ${command} --help)`);
    return undefined;
  }
  const size = numberValue(command, args, 'crop-size') ?? 112;
  try {
    return { dir, size: checkCropSize('crop-size', size) };
  } catch (err) {
    throw new RetinaFaceError('USAGE', `${command}: ${(err as Error).message.replace(/^option crop-size/, '--crop-size')} (see retinaface ${command} --help)`);
  }
}

/**
 * Writes the aligned faces of one image (detected with `align: size`) as `<stem>_<i>.png`; returns
 * the faces as the CLI reports them, and one stderr line per skipped crop.
 */
export function writeCrops(c: CropSettings, stem: string, file: string, faces: readonly Face[]): { faces: CroppedFace[]; warnings: string[] } {
  const warnings: string[] = [];
  const reported = faces.map(({ aligned, alignError, ...face }, i): CroppedFace => {
    if (aligned === undefined) {
      const reason = alignError ?? 'not aligned';
      warnings.push(`warning: ${file}: face ${i}: crop skipped: ${reason}`);
      return { ...face, cropSkipped: reason };
    }
    return { ...face, crop: writeOut(c.dir, `${stem}_${i}.png`, encodePng(rgbImage(aligned.width, aligned.height, aligned.pixels))) };
  });
  return { faces: reported, warnings };
}
