/**
 * JPEG → RGB with jpeg-js, behind a header check of our own.
 *
 * A JPEG file is a chain of segments: FF D8 (SOI), then markers FF xx each followed by a big-endian
 * u16 length that counts itself (APPn, DQT, DHT, SOFn, ...), up to SOS, after which entropy-coded
 * data runs to FF D9 (EOI). The frame header SOFn holds precision (bits), height, width and the
 * number of components; APP1 "Exif\0\0" holds the orientation (exif.ts).
 *
 * We walk the whole file before handing it to jpeg-js, so that (1) a decompression bomb — a few
 * hundred bytes claiming 100000×100000 pixels, or 7000×7000 with almost no data — is refused from
 * SOFn and the data size before anything is allocated, (2) the codings jpeg-js cannot decode
 * (lossless, hierarchical, arithmetic, 12-bit) are named instead of producing garbage, (3) a cut
 * file is named as such at once, and (4) the EXIF block is found. jpeg-js's own work is bounded by
 * blocks × scans (it reads past the end of a scan as zero bits but never loops without
 * progress), which the walk bounds by the pixel limit and MAX_SCANS.
 *
 * jpeg-js does the entropy decoding: baseline and progressive Huffman JPEG with 1 (gray), 3 or 4
 * components (it refuses 4 without an Adobe APP14 marker). From its quantised coefficients on, the
 * pixels are libjpeg's as cv2.imread gets them, bit for bit on the golden photos (4:2:0 and 4:4:4,
 * test/image/decode.test.ts): ISLOW IDCT (jpeg-idct.ts), "fancy" triangle-filter chroma
 * upsampling (jpeg-upsample.ts), fixed-point colour conversion and OpenCV's CMYK rule
 * (jpeg-color.ts), with the colour space guessed as libjpeg guesses it (`colorSpace` below).
 * jpeg-js's own IDCT (poppler's) and nearest-sample upsampling differ from libjpeg's by up to 31
 * levels on sharp colour edges; how we get at its coefficients is in jpeg-coefficients.ts.
 *
 * A truncated file (no EOI marker) is an error here, found by the walk; jpeg-js would fail on it
 * too ("marker was not found"), after decoding the whole frame. The original's cv2.imread would
 * instead return the rows it managed to decode with the rest gray, a silently different picture we
 * prefer not to reproduce.
 */
import { decodeCoefficients, type JpegJsComponent } from './jpeg-coefficients.js';
import { planesToRgb, type JpegColorSpace } from './jpeg-color.js';
import { idctPlane } from './jpeg-idct.js';
import { upsample } from './jpeg-upsample.js';
import { formatPixels, imageError } from './image-error.js';
import { rgbImage, type RgbImage } from './rgb-image.js';

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
}

/** SOFn markers jpeg-js does not decode, by what they are. */
const UNSUPPORTED_SOF: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'differential sequential', 0xc6: 'differential progressive', 0xc7: 'differential lossless',
  0xc9: 'arithmetic-coded sequential', 0xca: 'arithmetic-coded progressive', 0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded differential sequential', 0xce: 'arithmetic-coded differential progressive', 0xcf: 'arithmetic-coded differential lossless',
};

const hex = (m: number) => `FF${m.toString(16).toUpperCase().padStart(2, '0')}`;

/**
 * Scans past this many are refused. Progressive encoders write about 10 (libjpeg's default script
 * for colour) and the most elaborate scripts about 20; jpeg-js walks every block of the image in
 * every scan, so a few kilobytes of empty scans could otherwise keep it busy for minutes.
 */
export const MAX_SCANS = 100;

interface Frame {
  marker: number;
  width: number;
  height: number;
  components: number;
  /** Horizontal and vertical sampling factor of each component (1..4). */
  sampling: Array<[number, number]>;
  /** Component identifiers, in frame order. */
  ids: number[];
}

/**
 * Walks the whole file, segment by segment and over the entropy-coded data of every scan, to EOI,
 * and throws IMAGE errors naming what is wrong. Besides the frame header and EXIF it checks what
 * would make jpeg-js do much work for nothing: a missing EOI (the file was cut), more than one
 * frame, sampling factors outside 1..4 (what the standard allows), a size over `maxPixels`, more
 * than MAX_SCANS scans, image data too short for the frame, and four components without an Adobe
 * marker (jpeg-js's colour stage refuses them, and jpeg-coefficients.ts stops jpeg-js before it). The last is a lower bound that
 * holds for every valid file (checkDataSize), so a 300-byte file claiming 7000×7000 pixels is
 * refused here instead of allocating jpeg-js's 256 bytes per block.
 */
export function readJpegHeader(bytes: Uint8Array, where: string, maxPixels = Infinity): JpegHeader {
  let frame: Frame | undefined;
  let exif: Uint8Array | undefined;
  let adobeTransform: number | undefined;
  let jfif = false;
  let scans = 0;
  let dataBytes = 0;
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
      if (frame.components === 4 && adobeTransform === undefined) {
        throw imageError(where, 'JPEG with 4 components and no Adobe (APP14) marker is not supported: CMYK or YCCK is not said');
      }
      return { width: frame.width, height: frame.height, components: frame.components, exif, adobeTransform, jfif, componentIds: frame.ids };
    }
    if (offset + 2 > bytes.length) throw imageError(where, `truncated JPEG: the file ends inside the ${hex(marker)} segment header`);
    const length = (bytes[offset] << 8) | bytes[offset + 1];
    if (length < 2 || offset + length > bytes.length) {
      throw imageError(where, `truncated JPEG: segment ${hex(marker)} at byte ${offset - 2} claims ${length} bytes, ${bytes.length - offset} remain`);
    }
    const body = bytes.subarray(offset + 2, offset + length);
    offset += length;

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

/** SOFn: precision, height, width, then (id, sampling factors h·16+v, quantisation table) per component. */
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
  const sampling: Array<[number, number]> = [];
  const ids: number[] = [];
  for (let k = 0; k < components; k++) {
    const h = body[7 + 3 * k] >> 4;
    const v = body[7 + 3 * k] & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw imageError(where, `corrupt JPEG: component ${k} has sampling factors ${h}x${v}, the standard allows 1 to 4`);
    sampling.push([h, v]);
    ids.push(body[6 + 3 * k]);
  }
  return { marker, width, height, components, sampling, ids };
}

/**
 * Entropy-coded data of at least two bits per 8×8 block of each component in sequential JPEG (a DC
 * code and at least one AC code, end-of-block or a coefficient, each at least one bit), one bit in
 * progressive JPEG (the DC code of its DC-first scan; AC scans can skip thousands of blocks with
 * one end-of-band run).
 */
function checkDataSize(frame: Frame, dataBytes: number, where: string): void {
  const hMax = Math.max(...frame.sampling.map(([h]) => h));
  const vMax = Math.max(...frame.sampling.map(([, v]) => v));
  let blocks = 0;
  for (const [h, v] of frame.sampling) {
    // component blocks: the frame's 8×8 blocks scaled by the component's share of the sampling
    blocks += Math.ceil((Math.ceil(frame.width / 8) * h) / hMax) * Math.ceil((Math.ceil(frame.height / 8) * v) / vMax);
  }
  const progressive = frame.marker === 0xc2;
  const needed = Math.ceil((blocks * (progressive ? 1 : 2)) / 8);
  if (dataBytes < needed) {
    throw imageError(where, `corrupt JPEG: ${dataBytes} bytes of image data cannot hold ${formatPixels(frame.width, frame.height)} in ${frame.components} components (${blocks} blocks of 8x8 at ${progressive ? '1 bit (progressive)' : '2 bits (sequential)'} or more need ${needed} bytes)`);
  }
}

/**
 * What jpeg-js's own IDCT would have tripped over (it is stopped before it, jpeg-coefficients.ts):
 * a component no scan gave blocks to, or one whose quantisation table (DQT) never came.
 */
function checkComponent(c: JpegJsComponent, k: number, width: number, height: number, where: string): void {
  const rows = Math.ceil(height / 8);
  const columns = Math.ceil(width / 8);
  if (!Array.isArray(c.blocks) || c.blocks.length < rows || c.blocks.slice(0, rows).some((row) => !Array.isArray(row) || row.length < columns)) {
    throw imageError(where, `corrupt JPEG: component ${k} has no coefficients for its ${width}x${height} samples`);
  }
  if (!(c.quantizationTable?.length === 64)) throw imageError(where, `corrupt JPEG: component ${k} has no quantisation table (DQT)`);
}

/**
 * How libjpeg reads the components (jdapimin.c `default_decompress_parms`): 1 is gray; 3 are YCbCr
 * under a JFIF marker, else RGB under an Adobe marker with transform 0, else RGB if the component
 * ids are 'R', 'G', 'B', else YCbCr; 4 are CMYK under Adobe transform 0, else YCCK. (libjpeg also
 * takes 4 components without an Adobe marker as CMYK; jpeg-js refuses them, and so do we.)
 */
function colorSpace(header: JpegHeader): JpegColorSpace {
  if (header.components === 1) return 'gray';
  if (header.components === 4) return header.adobeTransform === 0 ? 'cmyk' : 'ycck';
  if (header.jfif) return 'ycbcr';
  if (header.adobeTransform !== undefined) return header.adobeTransform === 0 ? 'rgb' : 'ycbcr';
  return header.componentIds.join() === '82,71,66' ? 'rgb' : 'ycbcr';
}

/**
 * Decodes a JPEG whose header `readJpegHeader` accepted and whose size is within `maxPixels`, as
 * libjpeg with its defaults (cv2.imread) does: jpeg-js's entropy-decoded coefficients
 * (jpeg-coefficients.ts) → ISLOW IDCT per component (jpeg-idct.ts) → fancy upsampling to W×H
 * (jpeg-upsample.ts) → colour conversion (jpeg-color.ts).
 */
export function decodeJpeg(bytes: Uint8Array, header: JpegHeader, maxPixels: number, where: string): RgbImage {
  // jpeg-js keeps one component per distinct id, in ascending id order; the frame lists them in its own order
  const distinctIds = [...new Set(header.componentIds)].sort((a, b) => a - b);
  let decoded: JpegJsComponent[];
  try {
    decoded = decodeCoefficients(bytes, distinctIds.length, {
      // jpeg-js's own limits stay as a backstop behind the header check: the pixel limit, and memory
      // at 32 bytes a pixel (its DCT blocks take 4 bytes per sample, up to 4 components)
      maxResolutionInMP: maxPixels / 1e6,
      maxMemoryUsageInMB: Math.ceil((maxPixels * 32) / 2 ** 20) + 16,
    });
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw imageError(where, `corrupt or truncated JPEG ${formatPixels(header.width, header.height)}: ${reason}`);
  }
  const { width: W, height: H } = header;
  const components = header.componentIds.map((id) => decoded[distinctIds.indexOf(id)]);
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  const planes = components.map((c, k) => {
    // the component's own size, libjpeg's downsampled_width × downsampled_height
    const width = Math.ceil((W * c.h) / hMax);
    const height = Math.ceil((H * c.v) / vMax);
    checkComponent(c, k, width, height, where);
    return upsample(idctPlane(c.blocks, c.quantizationTable, width, height), c.h, c.v, hMax, vMax, W, H);
  });
  return rgbImage(W, H, planesToRgb(planes, colorSpace(header), W, H));
}
