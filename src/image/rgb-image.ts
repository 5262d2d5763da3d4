/**
 * The one in-memory picture every image function passes around: 8-bit RGB, interleaved, row-major,
 * H×W×3 — the layout of the golden `pixels.npy` / `resized.npy` (cv2.imread's BGR turned into RGB,
 * as the original's `detect()` does with `im[:, :, 2 - i]`). Legend: H/W height/width in pixels,
 * (y, x) a pixel, c the channel 0 = R, 1 = G, 2 = B; pixel (y, x) channel c is at `(y*W + x)*3 + c`.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** (H, W, 3) uint8 RGB. */
  data: Uint8Array;
}

/** A W×H image, all black unless `data` (H×W×3 values) is given. */
export function rgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  const n = width * height * 3;
  if (data !== undefined && data.length !== n) {
    throw new Error(`rgbImage ${width}x${height}: data has ${data.length} values, expected ${n} (H*W*3)`);
  }
  return { width, height, data: data ?? new Uint8Array(n) };
}

/** A buffer of the caller's for a decoded picture's pixels (decode.ts DecodeOptions.output): at least `bytes` long. */
export type PixelBuffer = (bytes: number) => Uint8Array;

/** `output`'s first `bytes` bytes, or a new array. */
export function pixelBuffer(output: PixelBuffer | undefined, bytes: number): Uint8Array {
  if (output === undefined) return new Uint8Array(bytes);
  const buffer = output(bytes);
  if (buffer.length < bytes) throw new RangeError(`decode: the output buffer holds ${buffer.length} bytes, the picture needs ${bytes}`);
  return buffer.subarray(0, bytes);
}

/**
 * A PixelBuffer for decoding picture after picture: one buffer, grown to the largest picture asked
 * for so far and never shrunk (so photos of mixed sizes settle on the largest one's, no more), each
 * call's picture at its start. Whoever uses it must be done with one picture before decoding the next.
 */
export function growingBuffer(): PixelBuffer {
  let buffer = new Uint8Array(0);
  return (bytes) => {
    if (buffer.length < bytes) {
      buffer = new Uint8Array(0);  // the old buffer can go before the new one is made
      buffer = new Uint8Array(bytes);
    }
    return buffer;
  };
}
