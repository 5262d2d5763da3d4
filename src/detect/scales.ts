/**
 * Which scales to run the network at. InsightFace resizes the photo so its short side reaches a
 * target, unless that would push the long side past a cap (`test.py`):
 *
 *   im_scale = target_size / min(h, w);  if round(im_scale · max(h, w)) > max_size: im_scale = max_size / max(h, w)
 *
 * The multi-scale test (`test_widerface.py`) takes that scale for target 800 / max 1200 and runs
 * the pyramid TEST_SCALES / target_size · im_scale, e.g. [500, 800, 1100, 1400, 1700] / 800 · im_scale.
 */

/** test.py's single scale: short side to `targetSize`, long side capped at `maxSize`. */
export function targetScale(height: number, width: number, targetSize: number, maxSize: number): number {
  const sizeMin = Math.min(height, width);
  const sizeMax = Math.max(height, width);
  let imScale = targetSize / sizeMin;
  // np.round is round-half-to-even; Math.round rounds half up. Only an exact .5 differs.
  if (roundHalfEven(imScale * sizeMax) > maxSize) imScale = maxSize / sizeMax;
  return imScale;
}

/** test_widerface.py's pyramid: each of `pyramid` (e.g. [500, 800, ...]) relative to `targetSize`. */
export function pyramidScales(height: number, width: number, targetSize: number, maxSize: number, pyramid: readonly number[]): number[] {
  const imScale = targetScale(height, width, targetSize, maxSize);
  return pyramid.map((s) => (s / targetSize) * imScale);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
