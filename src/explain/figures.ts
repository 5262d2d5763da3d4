/**
 * The pictures of the explain report. Everything is drawn on a preview of the original photo (long
 * side at most PREVIEW_SIDE px) so the report stays small; a point (x, y) in original pixels is at
 * (x·k, y·k) in the preview, k = preview.width / original width.
 *
 * Feature maps are shown honestly: one block of pixels per map cell (nearest neighbour). Cell
 * (my, mx) of a stride-S map covers resized-image pixels [S·mx, S·mx + S) × [S·my, S·my + S)
 * (the map side is ceil(side / S), so the last cells hang over the image edge).
 * Legend: C channels, H/W map height/width, S stride.
 */
import { resizeLinear } from '../image/resize.js';
import type { RgbImage } from '../image/rgb-image.js';
import { rgbImage } from '../image/rgb-image.js';
import { drawText, strokeRect, type Rgb } from '../image/draw.js';
import { heatmapOverlay, jet, type FloatMap } from '../image/heatmap.js';
import type { Tensor } from '../tensor/tensor.js';

export const PREVIEW_SIDE = 800;

/** The photo at most PREVIEW_SIDE px on its long side, and its scale k. */
export function preview(img: RgbImage): { image: RgbImage; k: number } {
  const k = Math.min(1, PREVIEW_SIDE / Math.max(img.width, img.height));
  return { image: k === 1 ? img : resizeLinear(img, { fx: k, fy: k }), k };
}

/**
 * A (H, W) map of a stride-S feature map spread over the preview: preview pixel (x, y) shows the
 * cell holding resized pixel (x / k · imScale, y / k · imScale).
 */
export function mapOverPreview(map: FloatMap, stride: number, preview: RgbImage, k: number, imScale: number): FloatMap {
  const out = new Float32Array(preview.width * preview.height);
  for (let y = 0; y < preview.height; y++) {
    const my = Math.min(map.height - 1, Math.floor(((y + 0.5) / k) * imScale / stride));
    for (let x = 0; x < preview.width; x++) {
      const mx = Math.min(map.width - 1, Math.floor(((x + 0.5) / k) * imScale / stride));
      out[y * preview.width + x] = map.data[my * map.width + mx];
    }
  }
  return { width: preview.width, height: preview.height, data: out };
}

/** The face-probability map laid over the preview, probabilities 0..1 coloured by jet. */
export function probabilityOverlay(map: FloatMap, stride: number, p: { image: RgbImage; k: number }, imScale: number): RgbImage {
  return heatmapOverlay(p.image, mapOverPreview(map, stride, p.image, p.k, imScale), { alpha: 0.55, range: [0, 1] });
}

/** Boxes (original pixels) drawn on a copy of the preview, each with an optional label. */
export function drawBoxes(p: { image: RgbImage; k: number }, boxes: readonly { box: readonly number[]; colour: Rgb; label?: string }[]): RgbImage {
  const out: RgbImage = { ...p.image, data: p.image.data.slice() };
  for (const { box, colour, label } of boxes) {
    const [x1, y1, x2, y2] = box.map((v) => Math.round(v * p.k));
    strokeRect(out, x1, y1, x2, y2, colour, 2);
    if (label !== undefined) drawText(out, Math.max(0, x1 + 3), Math.max(0, y1 + 3), label, colour, 2);
  }
  return out;
}

/**
 * The `count` channels of a (1, C, H, W) activation with the largest mean, each min-max scaled
 * and coloured by jet, side by side, each scaled up by nearest neighbour to about `side` px high.
 */
export function channelTiles(t: Tensor, count: number, side = 160): { image: RgbImage; channels: number[] } {
  const [, C, H, W] = t.shape;
  const mean = (c: number) => {
    let s = 0;
    for (let i = 0; i < H * W; i++) s += t.data[c * H * W + i];
    return s / (H * W);
  };
  const means = Array.from({ length: C }, (_, c) => mean(c));
  const channels = [...means.keys()].sort((a, b) => means[b] - means[a]).slice(0, count);
  const zoom = Math.max(1, Math.floor(side / H));
  const gap = 6;
  const label = 12;
  const out = rgbImage(channels.length * (W * zoom + gap) - gap, H * zoom + label);
  out.data.fill(255);
  channels.forEach((c, n) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < H * W; i++) { lo = Math.min(lo, t.data[c * H * W + i]); hi = Math.max(hi, t.data[c * H * W + i]); }
    const x0 = n * (W * zoom + gap);
    for (let y = 0; y < H * zoom; y++) {
      for (let x = 0; x < W * zoom; x++) {
        // tile pixel (y, x) shows map cell (y / zoom, x / zoom) of channel c
        const v = t.data[c * H * W + Math.floor(y / zoom) * W + Math.floor(x / zoom)];
        const rgb = jet(hi > lo ? (v - lo) / (hi - lo) : 0);
        out.data.set(rgb, ((y + label) * out.width + x0 + x) * 3);
      }
    }
    drawText(out, x0, 2, String(c), [0, 0, 0], 2);
  });
  return { image: out, channels };
}
