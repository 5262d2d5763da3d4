/**
 * Pixelate inside a region: a grid of b×b blocks laid from the enlarged box's top-left pixel
 * (not from the image's edge, so a face cut by the border keeps its grid), each block painted with
 * the rounded mean colour of its pixels in the image. Only pixels inside the region are written;
 * the means read the whole block, including pixels just outside the region, which leaves nothing
 * of the face more recoverable. Integer arithmetic, so the output is the same on every machine.
 */
import type { RgbImage } from '../image/rgb-image.js';
import { inRegion, type Region } from './region.js';

/** Pixelates the pixels of `img` inside `region` in place, blocks of `b`×`b` pixels (b ≥ 1). */
export function pixelateRegion(img: RgbImage, region: Region, b: number): void {
  const { width: W, height: H, data } = img;
  // the grid's origin: the first pixel column and row of the enlarged box, before clipping
  const gx = Math.ceil(region.cx - region.rx);
  const gy = Math.ceil(region.cy - region.ry);
  const firstCol = Math.floor((region.x0 - gx) / b);
  const firstRow = Math.floor((region.y0 - gy) / b);
  for (let by = gy + firstRow * b; by <= region.y1; by += b) {
    for (let bx = gx + firstCol * b; bx <= region.x1; bx += b) {
      // block with top-left pixel (by, bx), clipped to the image
      const x0 = Math.max(0, bx);
      const y0 = Math.max(0, by);
      const x1 = Math.min(W - 1, bx + b - 1);
      const y1 = Math.min(H - 1, by + b - 1);
      const n = (x1 - x0 + 1) * (y1 - y0 + 1);
      const sum = [0, 0, 0];
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          for (let c = 0; c < 3; c++) sum[c] += data[(y * W + x) * 3 + c];
        }
      }
      const mean = sum.map((s) => Math.floor((2 * s + n) / (2 * n)));
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          if (!inRegion(region, x, y)) continue;
          for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = mean[c];
        }
      }
    }
  }
}
