/**
 * Golden pictures (H×W×3 uint8 `.npy`) as RgbImages, and the bit-exact and per-photo statistics
 * the image tests report. The file bytes are copied into a plain Uint8Array before parsing because
 * `readNpy` slices its input with `.slice`, which on a Node Buffer is a view and would hand back the
 * header too.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { readNpy } from '../../src/tensor/npy.js';
import { goldenPath } from '../helpers/golden.js';

export function goldenImage(caseName: string, file: string): RgbImage {
  const p = goldenPath(caseName, file);
  const a = readNpy(new Uint8Array(readFileSync(p)), p);
  if (a.dtype !== '|u1' || a.shape.length !== 3 || a.shape[2] !== 3) throw new Error(`${caseName}/${file}: not an H×W×3 uint8 image`);
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
