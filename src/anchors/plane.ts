/**
 * Anchors over a whole feature map (rcnn/cython/anchors.pyx, called through `anchors_plane` in
 * rcnn/processing/generate_anchor.py). Legend: H, W feature-map height and width, A anchors per
 * position, K = H·W positions, s stride.
 *
 * Feature position (y, x) looks at input pixel (x·s, y·s), so its anchors are the A base anchors
 * shifted by (x·s, y·s, x·s, y·s). The rows come out in the order the heads are read in
 * (`transpose(0, 2, 3, 1)` of an NCHW head): row = (y·W + x)·A + a. The original writes into a float32
 * array, so each coordinate is the float32 sum base + shift.
 */

/**
 * `anchors_plane` (rcnn/processing/generate_anchor.py → anchors_cython, rcnn/cython/anchors.pyx).
 * @param baseAnchors (A, 4) the level's base anchors (generateAnchorsFpn)
 * @returns (K·A, 4) float32, row (y·W + x)·A + a
 */
export function anchorsPlane(height: number, width: number, stride: number, baseAnchors: Float32Array): Float32Array {
  const A = baseAnchors.length / 4;
  const anchors = new Float32Array(height * width * A * 4);
  // feature position (y, x), shifted by (sx, sy) input pixels
  for (let y = 0; y < height; y++) {
    const sy = y * stride;
    for (let x = 0; x < width; x++) {
      const sx = x * stride;
      // anchor a at that position
      for (let a = 0; a < A; a++) {
        const row = ((y * width + x) * A + a) * 4;
        anchors[row] = baseAnchors[a * 4] + sx;
        anchors[row + 1] = baseAnchors[a * 4 + 1] + sy;
        anchors[row + 2] = baseAnchors[a * 4 + 2] + sx;
        anchors[row + 3] = baseAnchors[a * 4 + 3] + sy;
      }
    }
  }
  return anchors;
}
