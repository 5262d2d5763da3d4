/**
 * Regression targets: what the network should output for an anchor so that decoding (`bbox_pred`,
 * `landmark_pred`) lands on the ground truth (rcnn/processing/bbox_transform.py). Legend: N anchor/gt
 * pairs, a box is [x1, y1, x2, y2], 5 landmark points each (x, y, flag).
 *
 * With the +1 convention (w = x2 − x1 + 1, cx = x1 + 0.5·(w − 1)) for anchor a and ground truth g:
 *
 *   dx = (g.cx − a.cx) / (a.w + 1e-14)    dw = log(g.w / a.w)
 *   dy = (g.cy − a.cy) / (a.h + 1e-14)    dh = log(g.h / a.h)
 *   landmark point p:  (g.px − a.cx) / (a.w + 1e-14),  (g.py − a.cy) / (a.h + 1e-14)
 *
 * the exact inverses of the decoders (BBOX_STDS and LANDMARK_STD are 1.0, so no division by stds).
 * The landmark flag (visible / occluded / missing) is not a target. The original gets float32 anchors
 * and float32 boxes, and numpy keeps every step in float32 (the Python scalars 1.0, 0.5 and 1e-14 do
 * not widen a float32 array): each step below is rounded to float32 (`f`) in the same order, so the
 * results agree to the last bit except where numpy's float32 `log` differs from a rounded double log
 * (one unit in the last place at most). The 1e-14 vanishes in float32 next to a width ≥ 1 but is kept
 * to show where it sits.
 */

const f = Math.fround;

/**
 * `nonlinear_transform` (rcnn/processing/bbox_transform.py), alias `bbox_transform` in rpn.py.
 * @param exRois (N, 4) anchors x1, y1, x2, y2
 * @param gtRois (N, C) ground-truth boxes, C ≥ 4 (a class column after the box is ignored)
 * @param gtColumns C, the row length of gtRois
 * @returns (N, 4) float32 dx, dy, dw, dh
 */
export function nonlinearTransform(exRois: Float32Array, gtRois: Float32Array, gtColumns = 4): Float32Array {
  const n = exRois.length / 4;
  const targets = new Float32Array(n * 4);
  // pair i: anchor exRois[i] against ground truth gtRois[i]
  for (let i = 0; i < n; i++) {
    const ex = centreForm(exRois, i * 4);
    const gt = centreForm(gtRois, i * gtColumns);
    targets[i * 4] = f(f(gt.ctrX - ex.ctrX) / f(ex.width + 1e-14));
    targets[i * 4 + 1] = f(f(gt.ctrY - ex.ctrY) / f(ex.height + 1e-14));
    targets[i * 4 + 2] = f(Math.log(f(gt.width / ex.width)));
    targets[i * 4 + 3] = f(Math.log(f(gt.height / ex.height)));
  }
  return targets;
}

/**
 * `landmark_transform` (rcnn/processing/bbox_transform.py).
 * @param exRois (N, 4) anchors x1, y1, x2, y2
 * @param gtLandmarks (N, 5, 3) x, y, flag
 * @returns (N, 10) float32 x0, y0, …, x4, y4 offsets
 */
export function landmarkTransform(exRois: Float32Array, gtLandmarks: Float32Array): Float32Array {
  const n = exRois.length / 4;
  const targets = new Float32Array(n * 10);
  // pair i: anchor exRois[i] against the landmarks of ground truth i
  for (let i = 0; i < n; i++) {
    const ex = centreForm(exRois, i * 4);
    // point p: its x and y (the flag at [i][p][2] is skipped)
    for (let p = 0; p < 5; p++) {
      const x = gtLandmarks[(i * 5 + p) * 3];
      const y = gtLandmarks[(i * 5 + p) * 3 + 1];
      targets[i * 10 + 2 * p] = f(f(x - ex.ctrX) / f(ex.width + 1e-14));
      targets[i * 10 + 2 * p + 1] = f(f(y - ex.ctrY) / f(ex.height + 1e-14));
    }
  }
  return targets;
}

/** Width, height and centre of the box at `offset` in float32 steps (+1 convention). */
function centreForm(boxes: Float32Array, offset: number): { width: number; height: number; ctrX: number; ctrY: number } {
  const [x1, y1, x2, y2] = [boxes[offset], boxes[offset + 1], boxes[offset + 2], boxes[offset + 3]];
  const width = f(f(x2 - x1) + 1);
  const height = f(f(y2 - y1) + 1);
  return { width, height, ctrX: f(x1 + f(0.5 * f(width - 1))), ctrY: f(y1 + f(0.5 * f(height - 1))) };
}
