/**
 * JPEG → RGB, decoded by our own code as libjpeg (cv2.imread) decodes it.
 *
 * A JPEG file is a chain of segments: FF D8 (SOI), then markers FF xx each followed by a big-endian
 * u16 length that counts itself (APPn, DQT, DHT, SOFn, ...), up to SOS, after which entropy-coded
 * data runs to the next marker; FF D9 (EOI) ends the file. The frame header SOFn holds precision
 * (bits), height, width and the components; APP1 "Exif\0\0" holds the orientation (exif.ts).
 *
 * We walk the whole file first (`readJpegHeader`), so that (1) a decompression bomb — a few hundred
 * bytes claiming 100000×100000 pixels, or 7000×7000 with almost no data — is refused from SOFn and
 * the data size before anything is allocated, (2) the codings we do not decode (lossless,
 * hierarchical, arithmetic, 12-bit) are named, (3) a cut file is named as such at once, and (4) the
 * EXIF block and the segments the decoder needs are found. The decoder's work is bounded by blocks
 * × scans, which the walk bounds by the pixel limit and MAX_SCANS.
 *
 * Then, as libjpeg with its defaults: Huffman decoding of every scan into quantised coefficients
 * (jpeg-huffman.ts, jpeg-scan.ts: baseline and progressive, restart intervals, interleaved or not,
 * 1, 3 or 4 components), ISLOW IDCT (jpeg-idct.ts), "fancy" triangle-filter chroma upsampling
 * (jpeg-upsample.ts), fixed-point colour conversion and OpenCV's CMYK rule (jpeg-color.ts), with
 * the colour space guessed as libjpeg guesses it (`colorSpace` below). The pixels are cv2.imread's
 * bit for bit on the golden files (test/image/decode.test.ts). No global is touched.
 *
 * A truncated file (no EOI marker) is an error here, found by the walk. The original's cv2.imread
 * would instead return the rows it managed to decode with the rest gray, a silently different
 * picture we prefer not to reproduce.
 */
import { h2v2YcbcrRow, ROW_CONVERTERS, type JpegColorSpace } from './jpeg-color.js';
import { h2v2YcbcrSimd } from './jpeg-color-wasm.js';
import { idctBlockRow, type SamplePlane } from './jpeg-idct.js';
import { decodeCoefficients, DECODER_SEGMENTS, type FrameComponent, type JpegFrame, type JpegSegment } from './jpeg-scan.js';
import { h2v2ColumnSums, upsampleRow } from './jpeg-upsample.js';
import { formatPixels, imageError } from './image-error.js';
import { pixelBuffer, rgbImage, type PixelBuffer, type RgbImage } from './rgb-image.js';

export interface JpegHeader {
  width: number;
  height: number;
  /** 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** The TIFF block of the first APP1 "Exif\0\0" segment, if any. */
  exif?: Uint8Array;
  /** The colour transform of an APP14 "Adobe" segment, if any: 0 none (RGB or CMYK), 1 YCbCr, 2 YCCK. */
  adobeTransform?: number;
  /** An APP0 "JFIF\0" segment was seen (libjpeg's `saw_JFIF_marker`: JFIF implies YCbCr). */
  jfif: boolean;
  /** The component identifiers of SOFn, in frame order. */
  componentIds: number[];
  /** The frame header, for the decoder. */
  frame: JpegFrame;
  /** DQT, DHT, DRI and SOS segments in file order, for the decoder. */
  segments: JpegSegment[];
}

/** SOFn markers we do not decode, by what they are. */
const UNSUPPORTED_SOF: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'differential sequential', 0xc6: 'differential progressive', 0xc7: 'differential lossless',
  0xc9: 'arithmetic-coded sequential', 0xca: 'arithmetic-coded progressive', 0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded differential sequential', 0xce: 'arithmetic-coded differential progressive', 0xcf: 'arithmetic-coded differential lossless',
};

const hex = (m: number) => `FF${m.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Scans past this many are refused. Progressive encoders write about 10 (libjpeg's default script
 * for colour) and the most elaborate scripts about 20; the decoder walks every block of the image
 * in every scan, so a few kilobytes of empty scans could otherwise keep it busy for minutes.
 */
export const MAX_SCANS = 100;

interface Frame extends JpegFrame {
  marker: number;
}

/**
 * Walks the whole file, segment by segment and over the entropy-coded data of every scan, to EOI,
 * and throws IMAGE errors naming what is wrong. Besides the frame header, EXIF and the segments
 * the decoder needs, it checks what would make the decoder do much work for nothing: a missing EOI
 * (the file was cut), more than one frame, sampling factors outside 1..4 (what the standard
 * allows), a size over `maxPixels`, more than MAX_SCANS scans, and image data too short for the
 * frame. The last is a lower bound that holds for every valid file (checkDataSize), so a 300-byte
 * file claiming 7000×7000 pixels is refused here instead of allocating 128 bytes per block.
 */
export function readJpegHeader(bytes: Uint8Array, where: string, maxPixels = Infinity): JpegHeader {
  let frame: Frame | undefined;
  let exif: Uint8Array | undefined;
  let adobeTransform: number | undefined;
  let jfif = false;
  let scans = 0;
  let dataBytes = 0;
  const segments: JpegSegment[] = [];
  let offset = 2;  // after SOI
  for (;;) {
    // a marker: FF (any number of fill FFs) then the marker code
    if (offset >= bytes.length) {
      throw imageError(where, scans === 0
        ? `truncated JPEG: the file ends at byte ${bytes.length} before the image data`
        : `truncated JPEG: the file ends at byte ${bytes.length} without the end-of-image marker (FFD9)`);
    }
    if (bytes[offset] !== 0xff) throw imageError(where, `corrupt JPEG: expected a marker at byte ${offset}, found 0x${bytes[offset].toString(16)}`);
    while (offset < bytes.length && bytes[offset] === 0xff) offset++;
    if (offset >= bytes.length) continue;
    const marker = bytes[offset++];
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;  // TEM, RSTn: no length
    if (marker === 0xd9) {
      if (frame === undefined || scans === 0) throw imageError(where, `corrupt JPEG: end of image (FFD9) at byte ${offset - 2} before any image data`);
      checkDataSize(frame, dataBytes, where);
      const componentIds = frame.components.map((c) => c.id);
      return { width: frame.width, height: frame.height, components: componentIds.length, exif, adobeTransform, jfif, componentIds, frame, segments };
    }
    if (offset + 2 > bytes.length) throw imageError(where, `truncated JPEG: the file ends inside the ${hex(marker)} segment header`);
    const length = (bytes[offset] << 8) | bytes[offset + 1];
    if (length < 2 || offset + length > bytes.length) {
      throw imageError(where, `truncated JPEG: segment ${hex(marker)} at byte ${offset - 2} claims ${length} bytes, ${bytes.length - offset} remain`);
    }
    const body = bytes.subarray(offset + 2, offset + length);
    offset += length;
    if (DECODER_SEGMENTS.has(marker)) segments.push({ marker, body, data: offset });

    if (marker === 0xda) {  // SOS, then entropy-coded data up to the next marker that is not RSTn
      if (frame === undefined) throw imageError(where, 'corrupt JPEG: image data (SOS) before any frame header (SOFn)');
      if (++scans > MAX_SCANS) throw imageError(where, `corrupt JPEG: more than ${MAX_SCANS} scans (progressive JPEGs have about 10)`);
      const start = offset;
      while (offset < bytes.length && !(bytes[offset] === 0xff && offset + 1 < bytes.length && bytes[offset + 1] !== 0 && (bytes[offset + 1] < 0xd0 || bytes[offset + 1] > 0xd7))) offset++;
      dataBytes += offset - start;
      continue;
    }
    if (marker === 0xe1 && exif === undefined && body.length >= 6 && String.fromCharCode(...body.subarray(0, 6)) === 'Exif\0\0') {
      exif = body.subarray(6);
    }
    if (marker === 0xe0 && body.length >= 14 && String.fromCharCode(...body.subarray(0, 5)) === 'JFIF\0') jfif = true;
    if (marker === 0xee && body.length >= 12 && String.fromCharCode(...body.subarray(0, 5)) === 'Adobe') {
      adobeTransform = body[11];
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {  // SOFn (C4 DHT, C8 JPG, CC DAC are not frames)
      if (frame !== undefined) throw imageError(where, `corrupt JPEG: a second frame header (${hex(marker)}) at byte ${offset - length - 2}; only single-frame JPEGs are supported`);
      frame = readFrame(marker, body, maxPixels, where);
    }
  }
}

/** SOFn: precision, height, width, then (id, sampling factors h·16+v, quantisation table slot) per component. */
function readFrame(marker: number, body: Uint8Array, maxPixels: number, where: string): Frame {
  const kind = UNSUPPORTED_SOF[marker];
  if (kind !== undefined) throw imageError(where, `${kind} JPEG (${hex(marker)}) is not supported: only baseline and progressive Huffman JPEG`);
  if (body.length < 6) throw imageError(where, `corrupt JPEG: frame header ${hex(marker)} is ${body.length} bytes long`);
  const precision = body[0];
  const height = (body[1] << 8) | body[2];
  const width = (body[3] << 8) | body[4];
  const components = body[5];
  if (precision !== 8) throw imageError(where, `${precision}-bit JPEG is not supported: only 8-bit samples`);
  if (width === 0 || height === 0) throw imageError(where, `JPEG frame header gives an empty ${width}x${height} image (a height defined later by DNL is not supported)`);
  if (width * height > maxPixels) throw imageError(where, `JPEG of ${formatPixels(width, height)} is over the limit of ${(maxPixels / 1e6).toFixed(1)} MP (maxPixels)`);
  if (components !== 1 && components !== 3 && components !== 4) throw imageError(where, `JPEG with ${components} colour components is not supported (1 gray, 3 colour, 4 CMYK)`);
  if (body.length !== 6 + 3 * components) throw imageError(where, `corrupt JPEG: frame header ${hex(marker)} is ${body.length} bytes long, ${components} components need ${6 + 3 * components}`);
  const frameComponents: FrameComponent[] = [];
  for (let k = 0; k < components; k++) {
    const h = body[7 + 3 * k] >> 4;
    const v = body[7 + 3 * k] & 15;
    const tq = body[8 + 3 * k];
    if (h < 1 || h > 4 || v < 1 || v > 4) throw imageError(where, `corrupt JPEG: component ${k} has sampling factors ${h}x${v}, the standard allows 1 to 4`);
    if (tq > 3) throw imageError(where, `corrupt JPEG: component ${k} names quantisation table ${tq}, there are 0 to 3`);
    frameComponents.push({ id: body[6 + 3 * k], h, v, tq });
  }
  return { marker, width, height, progressive: marker === 0xc2, components: frameComponents };
}

/**
 * Entropy-coded data of at least two bits per 8×8 block of each component in sequential JPEG (a DC
 * code and at least one AC code, end-of-block or a coefficient, each at least one bit), one bit in
 * progressive JPEG (the DC code of its DC-first scan; AC scans can skip thousands of blocks with
 * one end-of-band run).
 */
function checkDataSize(frame: Frame, dataBytes: number, where: string): void {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  let blocks = 0;
  for (const { h, v } of frame.components) {
    // component blocks: the frame's 8×8 blocks scaled by the component's share of the sampling
    blocks += Math.ceil((Math.ceil(frame.width / 8) * h) / hMax) * Math.ceil((Math.ceil(frame.height / 8) * v) / vMax);
  }
  const progressive = frame.progressive;
  const needed = Math.ceil((blocks * (progressive ? 1 : 2)) / 8);
  if (dataBytes < needed) {
    throw imageError(where, `corrupt JPEG: ${dataBytes} bytes of image data cannot hold ${formatPixels(frame.width, frame.height)} in ${frame.components.length} components (${blocks} blocks of 8x8 at ${progressive ? '1 bit (progressive)' : '2 bits (sequential)'} or more need ${needed} bytes)`);
  }
}

/**
 * How libjpeg reads the components (jdapimin.c `default_decompress_parms`): 1 is gray; 3 are YCbCr
 * under a JFIF marker, else RGB under an Adobe marker with transform 0, else RGB if the component
 * ids are 'R', 'G', 'B', else YCbCr; 4 are CMYK without an Adobe marker or under Adobe transform 0,
 * else YCCK.
 */
function colorSpace(header: JpegHeader): JpegColorSpace {
  if (header.components === 1) return 'gray';
  if (header.components === 4) return header.adobeTransform === undefined || header.adobeTransform === 0 ? 'cmyk' : 'ycck';
  if (header.jfif) return 'ycbcr';
  if (header.adobeTransform !== undefined) return header.adobeTransform === 0 ? 'rgb' : 'ycbcr';
  return header.componentIds.join() === '82,71,66' ? 'rgb' : 'ycbcr';
}

/**
 * Decodes a JPEG whose header `readJpegHeader` accepted (so its size is within the pixel limit), as
 * libjpeg with its defaults (cv2.imread) does: entropy decoding to quantised coefficients
 * (jpeg-scan.ts) → ISLOW IDCT per component (jpeg-idct.ts) → fancy upsampling to W×H
 * (jpeg-upsample.ts) → colour conversion (jpeg-color.ts).
 *
 * The stages after the entropy decoding run as libjpeg's do, a band at a time: as each MCU row of
 * coefficients is complete (decodeCoefficients streams a one-scan sequential JPEG, so its
 * coefficients never exist whole), its block rows go through the IDCT into each component's band
 * of samples, and every output row whose samples are all there is upsampled and converted at once.
 * So neither the coefficients of the whole picture (for such JPEGs), nor a full-size sample plane,
 * nor a full-size chroma plane ever exists: for a 14.8 MP 4:2:0 photo that is 44 + 22 + 30 MB less
 * than stage by stage, leaving the 44 MB of RGB and bands of a few hundred kB.
 */
export function decodeJpeg(bytes: Uint8Array, header: JpegHeader, where: string, output?: PixelBuffer): RgbImage {
  const { width: W, height: H, frame } = header;
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const bands = frame.components.map(({ h, v }) => {
    // the component's own size, libjpeg's downsampled_width × downsampled_height
    const width = Math.ceil((W * h) / hMax);
    const height = Math.ceil((H * v) / vMax);
    const stride = 8 * Math.ceil(width / 8);
    // The band keeps 8·(v + 2) rows. Output rows are converted as soon as every component has the
    // rows they read (y − 1 .. y + 1 at y = floor(oy·v/vMax)), so after MCU row r the first waiting
    // output row reads this component from about row 8v·(r + 1) − 2v/vMin − 2 on; MCU row r + 1
    // writes rows up to 8v·(r + 2) − 1, overwriting those R rows back, which must stay below:
    // R > 8v + 2v/vMin + 1, and v/vMin ≤ 4 (a band of 8v rows fails the tests in jpeg-stages.test.ts).
    const ring = 8 * (v + 2);
    // its samples are allocated below, in the SIMD kernel's memory or on their own
    const plane: SamplePlane = { width, height, stride, ring, data: new Uint8Array(0) };
    return { h, v, plane, rowsDone: 0, full: h === hMax && v === vMax, row: new Uint8Array(W) };
  });
  // every output row is converted once, every byte written, so a reused buffer needs no clearing
  const rgb = pixelBuffer(output, W * H * 3);
  const space = colorSpace(header);
  const convert = ROW_CONVERTERS[space];
  const ws = new Int32Array(64);
  const colsum = new Int32Array(Math.max(...bands.map((b) => b.plane.width)) + 2);
  // 4:2:0 YCbCr with fancy upsampling (chroma over 2 samples wide): h2v2YcbcrRow does both steps
  const [luma, cb, cr] = bands;
  const fused = space === 'ycbcr' && hMax === 2 && vMax === 2 && luma.full && cb.h === 1 && cb.v === 1 && cr.h === 1 && cr.v === 1 && cb.plane.width > 2;
  // ... in WebAssembly SIMD where the engine has it, the bands then in its memory and the IDCT in
  // SIMD too (jpeg-color-wasm.ts)
  const simd = fused ? h2v2YcbcrSimd(W, luma.plane, cb.plane, cr.plane) : undefined;
  if (simd === undefined) for (const { plane } of bands) plane.data = new Uint8Array(plane.ring * plane.stride);
  const crSum = new Int32Array(fused && simd === undefined ? cr.plane.width + 2 : 0);
  // row oy of component k is src[k][at[k] ..]: its own band's row at full size, else `row` upsampled
  const empty = new Uint8Array(0);
  const src: Uint8Array[] = [empty, empty, empty, empty];
  const at = [0, 0, 0, 0];
  let oy = 0;
  /** Output row oy reads component rows up to floor(oy·v/vMax) + 1 (the row below, for the fancy filters). */
  const ready = () => bands.every((b) => Math.min(Math.floor((oy * b.v) / vMax) + 1, b.plane.height - 1) < b.rowsDone);

  decodeCoefficients(bytes, frame, header.segments, where, (r, stores) => {
    // MCU row r: block rows r·v .. r·v + v − 1 of each component (those with real samples) through the IDCT
    for (let k = 0; k < bands.length; k++) {
      const { plane, v } = bands[k];
      const c = stores[k];
      for (let j = 0; j < v && 8 * (r * v + j) < plane.height; j++) {
        const by = r * v + j;
        const rowOffset = ((8 * by) % plane.ring) * plane.stride;
        if (simd !== undefined) simd.idctBlockRow(k, c.coefficients, c.blocksPerLine, c.quant, plane.stride / 8, (r % c.mcuRowsHeld) * v + j, rowOffset, ws);
        else idctBlockRow(c.coefficients, c.blocksPerLine, c.quant, plane.stride / 8, (r % c.mcuRowsHeld) * v + j, plane.data, rowOffset, plane.stride, ws);
      }
      bands[k].rowsDone = Math.min(8 * v * (r + 1), plane.height);
    }
    for (; oy < H && ready(); oy++) {
      if (simd !== undefined) {
        simd.row(rgb, 3 * oy * W, oy);
        continue;
      }
      if (fused) {
        h2v2ColumnSums(cb.plane, oy, colsum);
        h2v2ColumnSums(cr.plane, oy, crSum);
        h2v2YcbcrRow(W, rgb, 3 * oy * W, luma.plane.data, (oy % luma.plane.ring) * luma.plane.stride, colsum, crSum, cb.plane.width);
        continue;
      }
      for (let k = 0; k < bands.length; k++) {
        const b = bands[k];
        if (b.full) {
          src[k] = b.plane.data;
          at[k] = (oy % b.plane.ring) * b.plane.stride;
        } else {
          upsampleRow(b.plane, b.h, b.v, hMax, vMax, W, oy, b.row, colsum);
          src[k] = b.row;
        }
      }
      convert(W, rgb, 3 * oy * W, src[0], at[0], src[1], at[1], src[2], at[2], src[3], at[3]);
    }
  });
  return rgbImage(W, H, rgb);
}
