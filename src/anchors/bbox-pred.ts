/**
 * Box decoding (`RetinaFace.bbox_pred`, retinaface.py; the `nonlinear_pred` of
 * rcnn/processing/bbox_transform.py) and clipping (`clip_boxes`, same file). Legend: N boxes; a box is
 * [x1, y1, x2, y2], a delta [dx, dy, dw, dh].
 *
 * The network predicts each face box relative to its anchor, as in Faster R-CNN: a shift of the centre
 * in units of the anchor's size and a log-scale change of width and height,
 *
 *   w = x2 − x1 + 1,  cx = x1 + 0.5·(w − 1)          (the +1 pixel convention)
 *   cx' = dx·w + cx,  w' = exp(dw)·w
 *   x1' = cx' − 0.5·(w' − 1),  x2' = cx' + 0.5·(w' − 1)   (and alike for y, h)
 *
 * The original casts the anchors to float64 first, so everything is float64 except exp(dw): numpy
 * evaluates `np.exp` of the float32 deltas in float32, with its own vector kernel (numpy-exp.ts), and
 * only then multiplies by the float64 width.
 */
import { numpyExpFloat32 } from './numpy-exp.js';

/**
 * `bbox_pred` (retinaface.py): decode box deltas against their anchors.
 * @param boxes (N, 4) anchors x1, y1, x2, y2 (float32, as anchorsPlane gives them)
 * @param deltas (N, 4) dx, dy, dw, dh (float32 network output)
 * @returns (N, 4) float64 x1, y1, x2, y2
 */
export function bboxPred(boxes: Float32Array, deltas: Float32Array): Float64Array {
  const n = boxes.length / 4;
  const pred = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const [x1, y1, x2, y2] = boxes.subarray(i * 4, i * 4 + 4);
    const [dx, dy, dw, dh] = deltas.subarray(i * 4, i * 4 + 4);
    const width = x2 - x1 + 1;
    const height = y2 - y1 + 1;
    const ctrX = x1 + 0.5 * (width - 1);
    const ctrY = y1 + 0.5 * (height - 1);

    const predCtrX = dx * width + ctrX;
    const predCtrY = dy * height + ctrY;
    const predW = numpyExpFloat32(dw) * width;
    const predH = numpyExpFloat32(dh) * height;

    pred[i * 4] = predCtrX - 0.5 * (predW - 1);
    pred[i * 4 + 1] = predCtrY - 0.5 * (predH - 1);
    pred[i * 4 + 2] = predCtrX + 0.5 * (predW - 1);
    pred[i * 4 + 3] = predCtrY + 0.5 * (predH - 1);
  }
  return pred;
}

/**
 * `clip_boxes` (rcnn/processing/bbox_transform.py): x into [0, imWidth − 1], y into [0, imHeight − 1].
 * Like the original it clips in place and returns the same array.
 * @param boxes (N, 4) x1, y1, x2, y2
 * @returns boxes, clipped
 */
export function clipBoxes(boxes: Float64Array, imHeight: number, imWidth: number): Float64Array {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = Math.max(Math.min(boxes[i], imWidth - 1), 0);
    boxes[i + 1] = Math.max(Math.min(boxes[i + 1], imHeight - 1), 0);
    boxes[i + 2] = Math.max(Math.min(boxes[i + 2], imWidth - 1), 0);
    boxes[i + 3] = Math.max(Math.min(boxes[i + 3], imHeight - 1), 0);
  }
  return boxes;
}
