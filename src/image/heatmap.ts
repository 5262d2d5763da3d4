/**
 * A float map (a score map, an activation channel) laid over a picture, for the explain report.
 * The map is stretched to the image by nearest neighbour — each map cell becomes a block of pixels,
 * which is the honest picture of a stride-8/16/32 feature map — coloured with the "jet" colormap
 * and blended: out = (1 − alpha)·image + alpha·colour.
 *
 * Jet, for t in [0, 1]: r = clamp(1.5 − |4t − 3|), g = clamp(1.5 − |4t − 2|), b = clamp(1.5 − |4t − 1|)
 * (dark blue at 0, green-yellow in the middle, dark red at 1).
 */
import { type Rgb } from './draw.js';
import { type RgbImage } from './rgb-image.js';

/** A 2-D float map: (H, W) row-major. */
export interface FloatMap {
  width: number;
  height: number;
  data: Float32Array;
}

/** The jet colour of t (clamped to [0, 1]) in 0..255 RGB. */
export function jet(t: number): Rgb {
  const u = Math.min(1, Math.max(0, t));
  const ramp = (centre: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * u - centre))));
  return [ramp(3), ramp(2), ramp(1)];
}

/**
 * A copy of `img` with `map` over it. Values are scaled from `range` (default: the map's own min and
 * max) to [0, 1] before colouring.
 */
export function heatmapOverlay(img: RgbImage, map: FloatMap, options: { alpha?: number; range?: [number, number] } = {}): RgbImage {
  const alpha = options.alpha ?? 0.5;
  let [lo, hi] = options.range ?? [Infinity, -Infinity];
  if (options.range === undefined) for (const v of map.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  const span = hi > lo ? hi - lo : 1;
  const out: RgbImage = { width: img.width, height: img.height, data: img.data.slice() };
  for (let y = 0; y < img.height; y++) {
    const my = Math.min(map.height - 1, Math.floor((y * map.height) / img.height));
    for (let x = 0; x < img.width; x++) {
      // pixel (y, x) lies in map cell (my, mx)
      const mx = Math.min(map.width - 1, Math.floor((x * map.width) / img.width));
      const colour = jet((map.data[my * map.width + mx] - lo) / span);
      const i = (y * img.width + x) * 3;
      for (let c = 0; c < 3; c++) out.data[i + c] = Math.round((1 - alpha) * img.data[i + c] + alpha * colour[c]);
    }
  }
  return out;
}
