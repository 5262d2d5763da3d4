/**
 * Golden pictures (H×W×3 uint8 `.npy`) as RgbImages, and the bit-exact and per-photo statistics
 * the image tests report.
 */
import { expect } from 'vitest';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import type { ResizeTarget } from '../../src/image/resize.js';
import { readGoldenU8, readManifest } from '../helpers/golden.js';

export function goldenImage(caseName: string, file: string): RgbImage {
  const a = readGoldenU8(caseName, file);
  if (a.shape.length !== 3 || a.shape[2] !== 3) throw new Error(`${caseName}/${file}: not an H×W×3 uint8 image`);
  return rgbImage(a.shape[1], a.shape[0], a.data);
}

/** Bit-exact comparison; on failure names the count of differing values and the first one. */
export function expectSameImage(name: string, ours: RgbImage, ref: RgbImage): void {
  expect(`${ours.width}x${ours.height}`, `${name} size`).toBe(`${ref.width}x${ref.height}`);
  let diffs = 0;
  let first = -1;
  for (let i = 0; i < ref.data.length; i++) {
    if (ours.data[i] !== ref.data[i]) { diffs++; if (first < 0) first = i; }
  }
  if (diffs > 0) {
    const px = Math.floor(first / 3);
    throw new Error(`${name}: ${diffs} of ${ref.data.length} values differ; first at (y=${Math.floor(px / ref.width)}, x=${px % ref.width}, c=${first % 3}): ours ${ours.data[first]}, golden ${ref.data[first]}`);
  }
}

/** max and mean |a − b| over all values of two same-size images. */
export function absDiff(a: RgbImage, b: RgbImage): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = Math.abs(a.data[i] - b.data[i]);
    if (d > max) max = d;
    sum += d;
  }
  return { max, mean: sum / a.data.length };
}

/**
 * The golden resize/ cases: each output file, what cv2 was asked (`what`) and that as a target:
 * the factor is the exact Python float printed in `what`; the dsize case names its size.
 */
export function goldenResizeCases(): { file: string; what: string; target: ResizeTarget }[] {
  const manifest = readManifest('resize');
  return Object.entries<any>(manifest.files).filter(([file]) => file !== 'src.npy').map(([file, entry]) => {
    const fx = /fx=fy=([0-9.e-]+)/.exec(entry.what)?.[1];
    const target: ResizeTarget = fx !== undefined ? { fx: Number(fx), fy: Number(fx) } : { width: entry.shape[1], height: entry.shape[0] };
    return { file, what: entry.what, target };
  });
}
