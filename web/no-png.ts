/**
 * Stand-in for `pngjs` and `node:zlib` in the browser bundle (vite.config.ts aliases both here).
 * The engine's PNG decoder (src/image/png.ts) inflates with Node's zlib; in the page, images other
 * than JPEG are decoded by the browser (createImageBitmap → ImageData) and handed to detect as
 * pixels, so these are never called.
 */
function unavailable(): never {
  throw new Error('PNG decoding by the engine needs Node.js; in the browser the page decodes PNGs itself');
}

export const inflateSync = unavailable;
export default { PNG: { sync: { read: unavailable } } };
