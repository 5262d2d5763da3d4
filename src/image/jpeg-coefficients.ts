/**
 * jpeg-js as an entropy decoder: its Huffman decoding (baseline and progressive, restart intervals)
 * fills one block of 64 quantised DCT coefficients per 8×8 block of each component, and those
 * blocks are what we keep; dequantisation, IDCT, upsampling and colour conversion are ours
 * (jpeg-idct.ts, jpeg-upsample.ts, jpeg-color.ts), so that the pixels are libjpeg's.
 *
 * jpeg-js 0.4.4 exports only `decode(bytes) → RGB`; the blocks live on component objects private
 * to its `parse` (lib/decoder.js: `frame.components[id] = {h, v, quantizationIdx}`, later given
 * `blocks`, `blocksPerLine`, `blocksPerColumn`), and are dropped once its own IDCT has run. The one
 * moment they can be seen from outside is the end of `parse`, after the last scan, when it gives
 * each component its table: `cp[j].quantizationTable = quantizationTables[...]`, for each id j in
 * `for (j in frame.components)` order, which for integer keys is ascending id. So for the duration of
 * one synchronous `decode` call we put an accessor named `quantizationTable` on Object.prototype:
 * the assignment, finding no own property, calls our setter with `this` = the component; we record
 * it and store the table as an ordinary own property. Once the frame's last component has its table,
 * the setter throws a private stop signal: that ends jpeg-js's `decode` before its own IDCT and
 * colour conversion, work we would discard (110 ms of a 1280×886 photo's 690 ms detect). Every
 * error of its parsing and entropy decoding is raised as before; the one refusal of its colour
 * stage, four components without an Adobe marker, is made by jpeg.ts's header walk. The accessor
 * is removed in `finally`, before any other code can run.
 *
 * This reads jpeg-js internals: package.json pins jpeg-js to exactly 0.4.4, and
 * test/image/decode.test.ts checks the capture and the golden pixels bit for bit, so a jpeg-js that
 * changes them fails loudly (here, if the components are not seen, or in the tests).
 */
import jpegJs from 'jpeg-js';

/** One component as jpeg-js leaves it after `parse` (the fields we read). */
export interface JpegJsComponent {
  /** Sampling factors. */
  h: number;
  v: number;
  /** [block row][block column] → (8, 8) quantised coefficients, natural (row-major) order; rows and columns padded to whole MCUs. */
  blocks: Int32Array[][];
  /** (8, 8) quantisation steps, natural order. */
  quantizationTable: Int32Array;
}

const HOOK = 'quantizationTable';

/** jpeg-js's own limits (its `decode` options of the same names). */
export interface JpegJsLimits {
  maxResolutionInMP: number;
  maxMemoryUsageInMB: number;
}

/** Thrown by the hook to end jpeg-js's decode once every component has been seen. */
const STOP = new Error('jpeg-js stopped after its entropy decoding');

/**
 * jpeg-js's components after `jpegJs.decode(bytes)` has entropy-decoded the frame of `count`
 * distinct component ids, one per id in ascending id order, and stopped (see the file comment).
 * Throws whatever jpeg-js throws; an Error if Object.prototype cannot take the hook (frozen, or
 * already holding a `quantizationTable`), which the caller turns into an IMAGE error.
 */
export function decodeCoefficients(bytes: Uint8Array, count: number, limits: JpegJsLimits): JpegJsComponent[] {
  if (Object.prototype.hasOwnProperty.call(Object.prototype, HOOK)) {
    throw new Error(`cannot observe jpeg-js's coefficients: Object.prototype already has a "${HOOK}" property`);
  }
  const components: JpegJsComponent[] = [];
  Object.defineProperty(Object.prototype, HOOK, {
    configurable: true,
    enumerable: false,
    set(this: JpegJsComponent, table: Int32Array) {
      components.push(this);
      Object.defineProperty(this, HOOK, { value: table, writable: true, enumerable: true, configurable: true });
      if (components.length === count) throw STOP;
    },
  });
  try {
    jpegJs.decode(bytes, { useTArray: true, formatAsRGBA: false, ...limits });
  } catch (e) {
    if (e !== STOP) throw e;
  } finally {
    delete (Object.prototype as Record<string, unknown>)[HOOK];
  }
  if (components.length !== count) {
    throw new Error(`jpeg-js showed ${components.length} components, the frame header has ${count} distinct ids (is it still 0.4.4?)`);
  }
  return components;
}
