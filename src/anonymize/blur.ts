/**
 * Blur inside a region: three passes of a box blur along x, then three along y, which together are
 * a close approximation of a Gaussian of σ ≈ r (each pass of width 2r + 1 adds variance r(r + 1)/3;
 * the central limit theorem does the rest: Wells, "Efficient synthesis of Gaussian filters by
 * cascaded uniform filters", 1986). Box passes cost the same for any radius (a running sum), so a
 * face 500 pixels tall costs per pixel what a face 20 pixels tall does.
 *
 * The result inside the region is, bit for bit, that of blurring the whole image with its border
 * pixels repeated outwards: we blur only a patch reaching 3r beyond the region on every side (or to
 * the image's edge), and a pass disturbs at most r pixels at a patch edge that is not the image's,
 * so three of them leave the region untouched by the cut. Only pixels inside the region are written.
 *
 * Integer arithmetic throughout (sums of bytes, each pass rounded half up), so the output is the
 * same on every machine. Legend: W/H the image, PW/PH the patch, (py, px) a patch pixel.
 */
import type { RgbImage } from '../image/rgb-image.js';
import { inRegion, type Region } from './region.js';

const PASSES = 3;

/** Blurs the pixels of `img` inside `region` in place, box passes of radius `r` (≥ 1). */
export function blurRegion(img: RgbImage, region: Region, r: number): void {
  const { width: W, height: H, data } = img;
  const reach = PASSES * r;
  const px0 = Math.max(0, region.x0 - reach);
  const py0 = Math.max(0, region.y0 - reach);
  const PW = Math.min(W - 1, region.x1 + reach) - px0 + 1;
  const PH = Math.min(H - 1, region.y1 + reach) - py0 + 1;
  let plane = new Int32Array(PW * PH);
  let other = new Int32Array(PW * PH);
  const line = new Int32Array(Math.max(PW, PH));
  for (let c = 0; c < 3; c++) {
    // channel c of the patch, planar
    for (let py = 0; py < PH; py++) {
      for (let px = 0; px < PW; px++) plane[py * PW + px] = data[((py0 + py) * W + px0 + px) * 3 + c];
    }
    for (let pass = 0; pass < PASSES; pass++) {
      // along x: each row py is a line of PW samples, 1 apart
      for (let py = 0; py < PH; py++) boxLine(plane, other, py * PW, 1, PW, r, line);
      [plane, other] = [other, plane];
    }
    for (let pass = 0; pass < PASSES; pass++) {
      // along y: each column px is a line of PH samples, PW apart
      for (let px = 0; px < PW; px++) boxLine(plane, other, px, PW, PH, r, line);
      [plane, other] = [other, plane];
    }
    for (let y = region.y0; y <= region.y1; y++) {
      for (let x = region.x0; x <= region.x1; x++) {
        if (inRegion(region, x, y)) data[(y * W + x) * 3 + c] = plane[(y - py0) * PW + x - px0];
      }
    }
  }
}

/**
 * One box pass over a line of `n` samples starting at `start`, `step` apart: sample i becomes the
 * rounded mean of samples i − r … i + r, indices clamped to the line (the edge sample repeated).
 */
function boxLine(src: Int32Array, dst: Int32Array, start: number, step: number, n: number, r: number, line: Int32Array): void {
  for (let i = 0; i < n; i++) line[i] = src[start + i * step];
  const at = (i: number) => line[i < 0 ? 0 : i >= n ? n - 1 : i];
  const width = 2 * r + 1;
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += at(k);
  for (let i = 0; i < n; i++) {
    // sum holds samples i − r … i + r
    dst[start + i * step] = Math.floor((2 * sum + width) / (2 * width));
    sum += at(i + r + 1) - at(i - r);
  }
}
