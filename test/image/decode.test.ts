import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 as zlibCrc } from 'node:zlib';
import jpegJs from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { RetinaFaceError } from '../../src/errors.js';
import { imagesDir } from '../helpers/golden.js';
import { absDiff, expectSameImage, goldenImage } from './golden-image.js';
import { flatJpeg, flatProgressiveJpeg, jpegHeaderOnly, makePng, pngHeaderOnly, type PngSpec } from './make-image.js';

const photo = (name: string) => new Uint8Array(readFileSync(join(imagesDir, name)));

/** The RGB of pixel (y, x). */
function rgbAt(img: { width: number; data: Uint8Array }, y: number, x: number): number[] {
  const i = (y * img.width + x) * 3;
  return [img.data[i], img.data[i + 1], img.data[i + 2]];
}

/**
 * The JPEG with its component ids replaced, in the frame header (SOF0/SOF2) and in every scan
 * header (SOS), where the old ids are mapped to the new ones.
 */
function withComponentIds(jpeg: Uint8Array, ids: number[]): Uint8Array {
  const out = jpeg.slice();
  const renamed = new Map<number, number>();
  for (let o = 2; o + 4 <= out.length;) {
    const marker = out[o + 1];
    const length = (out[o + 2] << 8) | out[o + 3];
    if (marker === 0xc0 || marker === 0xc2) {
      ids.forEach((id, k) => { renamed.set(out[o + 10 + 3 * k], id); out[o + 10 + 3 * k] = id; });
    }
    if (marker === 0xda) {
      for (let k = 0; k < out[o + 4]; k++) out[o + 5 + 2 * k] = renamed.get(out[o + 5 + 2 * k]) ?? out[o + 5 + 2 * k];
      // skip the entropy-coded data to the next marker that is not RSTn or a stuffed 00
      o += 2 + length;
      while (o + 1 < out.length && !(out[o] === 0xff && out[o + 1] !== 0 && (out[o + 1] < 0xd0 || out[o + 1] > 0xd7))) o++;
      continue;
    }
    if (marker === 0xd9) break;
    o += 2 + length;
  }
  return out;
}

/** An APP0 "JFIF" segment (version 1.01, no density, no thumbnail) inserted after SOI. */
function withJfif(jpeg: Uint8Array): Uint8Array {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  return Uint8Array.from([...jpeg.subarray(0, 2), ...app0, ...jpeg.subarray(2)]);
}

/** Every decode failure: a RetinaFaceError, code IMAGE, one line starting with `where`. */
function expectImageError(bytes: Uint8Array, where: string, pattern: RegExp, options: { maxPixels?: number } = {}): void {
  let caught: unknown;
  try { decodeImage(bytes, { where, ...options }); } catch (e) { caught = e; }
  expect(caught, `${where} should fail`).toBeInstanceOf(RetinaFaceError);
  const err = caught as RetinaFaceError;
  expect(err.code).toBe('IMAGE');
  expect(err.message).not.toContain('\n');
  expect(err.message.startsWith(`${where}: `), err.message).toBe(true);
  expect(err.message).toMatch(pattern);
}

describe('photos vs cv2.imread (golden heads-*/pixels.npy): bit for bit', () => {
  // jpeg-js 0.4.4's own pixels (poppler IDCT, nearest chroma) differed from OpenCV 4.6's libjpeg by
  // t1 max 24 mean 0.925, t3 max 4 mean 0.500, t4 max 31 mean 0.985, t6 max 4 mean 0.493; through
  // our entropy decoder and jpeg-idct/upsample/color every value matches. t1 and t4 are 4:2:0 (h2v2
  // fancy upsampling), t3 and t6 4:4:4 under an Adobe marker (t6 with all quantisation steps 1).
  for (const t of ['t1', 't3', 't4', 't6']) {
    it(`${t}.jpg: identical to cv2.imread`, () => {
      const ours = decodeImage(photo(`${t}.jpg`), { where: `${t}.jpg` });
      const ref = goldenImage(`heads-${t}`, 'pixels.npy');
      const d = absDiff(ours, ref);
      console.log(`${t}.jpg ${ref.width}x${ref.height}: max |diff| ${d.max}, mean ${d.mean.toFixed(3)}`);
      expectSameImage(`${t}.jpg`, ours, ref);
    });
  }

  it('component ids in another order (t4 with ids 3, 2, 1 in SOF and SOS) decode the same', () => {
    const ours = decodeImage(withComponentIds(photo('t4.jpg'), [3, 2, 1]), { where: 't4-ids.jpg' });
    expectSameImage('t4-ids.jpg', ours, goldenImage('heads-t4', 'pixels.npy'));
  });

  it('a Node Buffer straight from readFileSync decodes the same (a view into a larger pool)', () => {
    const viaBuffer = decodeImage(readFileSync(join(imagesDir, 't4.jpg')));
    expect(viaBuffer.data).toEqual(decodeImage(photo('t4.jpg')).data);
    const png = makePng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [1, 2, 3, 4, 5, 6] });
    const pooled = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(png)]).subarray(3);
    expect(Array.from(decodeImage(pooled).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('t2.jpg (5334x2767, 14.8 MP) and t5.jpg (progressive, 2000x1500) decode', () => {
    const t2 = decodeImage(photo('t2.jpg'), { where: 't2.jpg' });
    expect([t2.width, t2.height]).toEqual([5334, 2767]);
    const t5bytes = photo('t5.jpg');
    expect(t5bytes.findIndex((b, i) => b === 0xff && t5bytes[i + 1] === 0xc2)).toBeGreaterThan(0);  // SOF2: progressive
    const t5 = decodeImage(t5bytes, { where: 't5.jpg' });
    expect([t5.width, t5.height]).toEqual([2000, 1500]);
    // not a flat gray failure: the picture has contrast
    let min = 255;
    let max = 0;
    for (const v of t5.data) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(max - min).toBeGreaterThan(100);
  });
});

describe('JPEG colour models (flat 8×8 blocks built by hand: quantisation 1, so each block decodes to its value exactly)', () => {
  const expectRgb = (got: number[], want: number[]) => expect(got).toEqual(want);

  it('gray (1 component): R = G = B = Y', () => {
    const img = decodeImage(flatJpeg([[30], [200]]));
    expect([img.width, img.height]).toEqual([16, 8]);
    expectRgb(rgbAt(img, 4, 3), [30, 30, 30]);
    expectRgb(rgbAt(img, 4, 12), [200, 200, 200]);
  });

  it('YCbCr (3 components, no marker): the JFIF conversion in jdcolor.c fixed point', () => {
    // Y 100, Cb 128, Cr 200: R = 100 + ((91881·72 + 2^15) >> 16) = 201,
    // G = 100 + ((−22554·0 + 2^15 − 46802·72) >> 16) = 100 − 51 = 49, B = 100 + 0
    expectRgb(rgbAt(decodeImage(flatJpeg([[100, 128, 200]])), 3, 3), [201, 49, 100]);
    // Y 200, Cb 30, Cr 250: R = 200 + 171 clamps to 255, G = 200 + ((2243060 − 5709844) >> 16) = 147, B = 200 − 174 = 26
    expectRgb(rgbAt(decodeImage(flatJpeg([[200, 30, 250]])), 3, 3), [255, 147, 26]);
  });

  it('RGB (3 components, Adobe transform 0): samples are R, G, B as stored', () => {
    expectRgb(rgbAt(decodeImage(flatJpeg([[100, 128, 200]], 0)), 3, 3), [100, 128, 200]);
  });

  it('the colour space is guessed as libjpeg guesses it: JFIF beats Adobe 0, ids R, G, B mean RGB', () => {
    expectRgb(rgbAt(decodeImage(withJfif(flatJpeg([[100, 128, 200]], 0))), 3, 3), [201, 49, 100]);
    expectRgb(rgbAt(decodeImage(withComponentIds(flatJpeg([[100, 128, 200]]), [82, 71, 66])), 3, 3), [100, 128, 200]);
    expectRgb(rgbAt(decodeImage(withJfif(withComponentIds(flatJpeg([[100, 128, 200]]), [82, 71, 66]))), 3, 3), [201, 49, 100]);
    expectRgb(rgbAt(decodeImage(withComponentIds(flatJpeg([[100, 128, 200]]), [7, 8, 9])), 3, 3), [201, 49, 100]);
  });

  it('Adobe CMYK (transform 0): R = K - ((255 - C)·K >> 8) on the stored values, as OpenCV', () => {
    const [c, m, y, k] = [40, 128, 250, 200];
    const cv = (v: number) => k - (((255 - v) * k) >> 8);
    expectRgb(rgbAt(decodeImage(flatJpeg([[c, m, y, k]], 0)), 3, 3), [cv(c), cv(m), cv(y)]);
  });

  it('Adobe YCCK (transform 2): YCbCr → inverted CMY, then the CMYK rule', () => {
    // Cb = Cr = 128 makes the YCC part gray: C = M = Y' = 255 - Y, so each channel is K - ((255 - (255 - Y))·K >> 8)
    const [Y, k] = [60, 180];
    const v = k - ((Y * k) >> 8);
    expectRgb(rgbAt(decodeImage(flatJpeg([[Y, 128, 128, k]], 2)), 3, 3), [v, v, v]);
  });

  it('restart markers (DRI 1, RSTn after every block, DC predictions reset)', () => {
    const img = decodeImage(flatJpeg([[30], [200], [90], [10], [250], [60], [70], [80], [90], [100]], undefined, true));
    expect(img.width).toBe(80);
    [30, 200, 90, 10, 250, 60, 70, 80, 90, 100].forEach((v, b) => expectRgb(rgbAt(img, 4, 8 * b + 3), [v, v, v]));
  });

  it('progressive (SOF2: DC first at Al 1, DC refinement, one AC scan per component), gray and YCbCr', () => {
    const gray = decodeImage(flatProgressiveJpeg([[30], [201]]));
    expect([gray.width, gray.height]).toEqual([16, 8]);
    expectRgb(rgbAt(gray, 4, 3), [30, 30, 30]);
    expectRgb(rgbAt(gray, 4, 12), [201, 201, 201]);
    expectRgb(rgbAt(decodeImage(flatProgressiveJpeg([[100, 128, 200], [77, 128, 128]])), 3, 11), [77, 77, 77]);
    expectRgb(rgbAt(decodeImage(flatProgressiveJpeg([[100, 128, 200]])), 3, 3), [201, 49, 100]);
  });

  it('4 components without an Adobe marker are CMYK, as libjpeg takes them (jdapimin.c default_decompress_parms)', () => {
    const [c, m, y, k] = [40, 128, 250, 200];
    const cv = (v: number) => k - (((255 - v) * k) >> 8);
    expectRgb(rgbAt(decodeImage(flatJpeg([[c, m, y, k]])), 3, 3), [cv(c), cv(m), cv(y)]);
  });
});

describe('PNG variants (built by hand with node:zlib): alpha dropped, 16-bit to the high byte', () => {
  const W = 5;
  const H = 3;
  const n = W * H;
  const cases: { name: string; spec: Omit<PngSpec, 'width' | 'height' | 'interlace'>; expected: (p: number) => number[] }[] = [
    { name: 'gray 8-bit', spec: { bitDepth: 8, colorType: 0, samples: Array.from({ length: n }, (_, p) => p * 17) }, expected: (p) => [p * 17, p * 17, p * 17] },
    { name: 'gray 1-bit', spec: { bitDepth: 1, colorType: 0, samples: Array.from({ length: n }, (_, p) => p % 2) }, expected: (p) => new Array(3).fill((p % 2) * 255) },
    { name: 'gray 2-bit', spec: { bitDepth: 2, colorType: 0, samples: Array.from({ length: n }, (_, p) => p % 4) }, expected: (p) => new Array(3).fill((p % 4) * 85) },
    { name: 'gray 4-bit', spec: { bitDepth: 4, colorType: 0, samples: Array.from({ length: n }, (_, p) => p) }, expected: (p) => new Array(3).fill(p * 17) },
    { name: 'gray 16-bit', spec: { bitDepth: 16, colorType: 0, samples: Array.from({ length: n }, (_, p) => p * 4000 + 255) }, expected: (p) => new Array(3).fill(Math.floor((p * 4000 + 255) / 256)) },
    { name: 'gray+alpha 8-bit', spec: { bitDepth: 8, colorType: 4, samples: Array.from({ length: n }, (_, p) => [p * 10, p % 2 ? 0 : 255]).flat() }, expected: (p) => new Array(3).fill(p * 10) },
    { name: 'RGB 8-bit', spec: { bitDepth: 8, colorType: 2, samples: Array.from({ length: n }, (_, p) => [p, 100 + p, 255 - p]).flat() }, expected: (p) => [p, 100 + p, 255 - p] },
    { name: 'RGB 16-bit', spec: { bitDepth: 16, colorType: 2, samples: Array.from({ length: n }, (_, p) => [p * 4369, 0xff80, 0x7fff]).flat() }, expected: (p) => [(p * 4369) >> 8, 0xff, 0x7f] },
    { name: 'RGB 8-bit with a tRNS colour key (the keyed colour stays)', spec: { bitDepth: 8, colorType: 2, samples: Array.from({ length: n }, (_, p) => [p, 50, 60]).flat(), trns: [0, 3, 0, 50, 0, 60] }, expected: (p) => [p, 50, 60] },
    { name: 'RGBA 8-bit (transparent pixels keep their colour)', spec: { bitDepth: 8, colorType: 6, samples: Array.from({ length: n }, (_, p) => [p, 2 * p, 3 * p, p % 3 ? 0 : 128]).flat() }, expected: (p) => [p, 2 * p, 3 * p] },
    { name: 'RGBA 16-bit', spec: { bitDepth: 16, colorType: 6, samples: Array.from({ length: n }, (_, p) => [p * 1000, 65535, 256, 0]).flat() }, expected: (p) => [(p * 1000) >> 8, 255, 1] },
    {
      name: 'palette 4-bit with tRNS', spec: { bitDepth: 4, colorType: 3, samples: Array.from({ length: n }, (_, p) => p % 3), palette: [[255, 0, 0], [0, 255, 0], [10, 20, 30]], trns: [0, 128] },
      expected: (p) => [[255, 0, 0], [0, 255, 0], [10, 20, 30]][p % 3],
    },
    { name: 'palette 8-bit', spec: { bitDepth: 8, colorType: 3, samples: Array.from({ length: n }, (_, p) => p % 2), palette: [[1, 2, 3], [250, 251, 252]] }, expected: (p) => (p % 2 ? [250, 251, 252] : [1, 2, 3]) },
  ];
  for (const { name, spec, expected } of cases) {
    for (const interlace of [false, true]) {
      it(`${name}${interlace ? ', Adam7-interlaced' : ''}`, () => {
        const img = decodeImage(makePng({ width: W, height: H, interlace, ...spec }), { where: `${name}.png` });
        expect([img.width, img.height]).toEqual([W, H]);
        const want = Array.from({ length: n }, (_, p) => expected(p)).flat();
        expect(Array.from(img.data)).toEqual(want);
        // into a buffer of junk longer than the picture (DecodeOptions.output): every byte overwritten
        const junk = new Uint8Array(n * 3 + 5).fill(0xa5);
        const into = decodeImage(makePng({ width: W, height: H, interlace, ...spec }), { output: () => junk });
        expect([into.data.buffer === junk.buffer, ...into.data]).toEqual([true, ...want]);
      });
    }
  }

  it('bytes after IEND are ignored (libpng does)', () => {
    const png = makePng({ width: 2, height: 1, bitDepth: 8, colorType: 2, samples: [1, 2, 3, 4, 5, 6] });
    expect(Array.from(decodeImage(Uint8Array.from([...png, 0, 1, 2, 3])).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('tiny images decode (detection then finds nothing in them)', () => {
  it('1x1 PNG, plain and Adam7-interlaced (six of the seven passes empty), and 1x1 16-bit gray', () => {
    for (const interlace of [false, true]) {
      const img = decodeImage(makePng({ width: 1, height: 1, bitDepth: 8, colorType: 2, samples: [9, 8, 7], interlace }));
      expect([img.width, img.height, ...img.data]).toEqual([1, 1, 9, 8, 7]);
    }
    expect(Array.from(decodeImage(makePng({ width: 1, height: 1, bitDepth: 16, colorType: 0, samples: [0xabcd] })).data)).toEqual([0xab, 0xab, 0xab]);
  });

  it('1x1 JPEG (jpeg-js encoder) and 8x8 JPEG (one block)', () => {
    const one = decodeImage(new Uint8Array(jpegJs.encode({ width: 1, height: 1, data: Buffer.from([200, 100, 50, 255]) }, 95).data));
    expect([one.width, one.height]).toEqual([1, 1]);
    one.data.forEach((v, c) => expect(Math.abs(v - [200, 100, 50][c])).toBeLessThanOrEqual(3));
    const eight = decodeImage(flatJpeg([[128, 128, 128]]));
    expect([eight.width, eight.height]).toEqual([8, 8]);
  });
});

describe('bad input: one-line IMAGE errors naming the file', () => {
  const png = makePng({ width: 4, height: 4, bitDepth: 8, colorType: 2, samples: new Array(48).fill(7) });
  const t4 = photo('t4.jpg');

  it('empty file', () => expectImageError(new Uint8Array(0), 'empty.jpg', /not an image: the file is empty \(0 bytes\)/));
  it('text', () => expectImageError(new TextEncoder().encode('hello, this is not a picture\n'), 'notes.jpg', /not an image: 29 bytes starting with text "hello, this is n/));
  it('random bytes', () => {
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) % 251);
    expectImageError(bytes, 'noise.png', /not an image: 1000 bytes starting with 0d 97 26 b0/);
  });

  const signatures: [string, number[], RegExp][] = [
    ['WebP', [...new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 ')], /WebP images are not supported/],
    ['GIF', [...new TextEncoder().encode('GIF89a\x01\x00\x01\x00')], /GIF images are not supported/],
    ['BMP', [0x42, 0x4d, ...new Array(60).fill(0)], /BMP images are not supported/],
    ['TIFF (II)', [0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0], /TIFF images are not supported/],
    ['TIFF (MM)', [0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8], /TIFF images are not supported/],
    ['HEIC', [0, 0, 0, 24, ...new TextEncoder().encode('ftypheic\0\0\0\0mif1heic')], /HEIC\/HEIF images are not supported/],
    ['AVIF', [0, 0, 0, 28, ...new TextEncoder().encode('ftypavif\0\0\0\0avifmif1miaf')], /AVIF images are not supported/],
  ];
  for (const [name, bytes, pattern] of signatures) {
    it(`${name} is recognised by its magic bytes (named .jpg) and refused by name`, () => expectImageError(Uint8Array.from(bytes), 'photo.jpg', pattern));
  }

  it('truncated JPEG: at many points, including just before EOI', () => {
    for (const cut of [3, 20, 200, 700, Math.floor(t4.length / 2), t4.length - 100, t4.length - 2]) {
      expectImageError(t4.subarray(0, cut), `t4-cut-${cut}.jpg`, /truncated|corrupt/);
    }
  });

  it('JPEG whose segment lengths run past the end', () => {
    const bytes = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x10, 0x00, 1, 2, 3]);
    expectImageError(bytes, 'short.jpg', /truncated JPEG: segment FFE0 at byte 2 claims 4096 bytes, 5 remain/);
  });

  it('JPEG cut inside the image data: no end-of-image marker', () => {
    const flat = flatJpeg([[30], [200]]);
    expectImageError(flat.subarray(0, flat.length - 2), 'cut.jpg', /truncated JPEG: the file ends at byte \d+ without the end-of-image marker \(FFD9\)/);
  });

  it('JPEG structure the decoder would spend its time on: a second frame, sampling factors outside 1..4, too many scans', () => {
    const flat = flatJpeg([[30], [200]]);
    const sof = flat.findIndex((b, i) => b === 0xff && flat[i + 1] === 0xc0);
    const sofSegment = flat.subarray(sof, sof + 2 + 11);
    expectImageError(Uint8Array.from([...flat.subarray(0, sof), ...sofSegment, ...flat.subarray(sof)]), 'two.jpg', /corrupt JPEG: a second frame header \(FFC0\) at byte \d+; only single-frame JPEGs are supported/);
    const sampled = flat.slice();
    sampled[sof + 2 + 2 + 7] = 0x51;
    expectImageError(sampled, 'sampling.jpg', /corrupt JPEG: component 0 has sampling factors 5x1, the standard allows 1 to 4/);
    // the one scan (SOS to EOI) repeated 101 times
    const sos = flat.findIndex((b, i) => b === 0xff && flat[i + 1] === 0xda);
    const scan = Array.from(flat.subarray(sos, flat.length - 2));
    const many = Uint8Array.from([...flat.subarray(0, sos), ...new Array(101).fill(scan).flat(), 0xff, 0xd9]);
    expectImageError(many, 'scans.jpg', /corrupt JPEG: more than 100 scans \(progressive JPEGs have about 10\)/);
    const hundred = Uint8Array.from([...flat.subarray(0, sos), ...new Array(100).fill(scan).flat(), 0xff, 0xd9]);
    expect(decodeImage(hundred).width).toBe(16);
  });

  it('JPEG codings we do not decode (arithmetic, lossless, 12-bit) are named', () => {
    const sof = (marker: number, precision = 8) => Uint8Array.from([0xff, 0xd8, 0xff, marker, 0, 11, precision, 0, 8, 0, 8, 1, 1, 0x11, 0]);
    expectImageError(sof(0xc3), 'ls.jpg', /lossless JPEG \(FFC3\) is not supported/);
    expectImageError(sof(0xc9), 'ac.jpg', /arithmetic-coded sequential JPEG \(FFC9\) is not supported/);
    expectImageError(sof(0xc1, 12), 'deep.jpg', /12-bit JPEG is not supported/);
  });

  it('truncated PNG', () => {
    for (const cut of [8, 20, png.length - 30, png.length - 1]) {
      expectImageError(png.subarray(0, cut), `cut-${cut}.png`, /truncated PNG/);
    }
  });

  it('PNG with a bad CRC names the chunk', () => {
    const bad = png.slice();
    bad[bad.length - 20] ^= 0xff;  // inside the IDAT data
    expectImageError(bad, 'crc.png', /corrupt PNG: CRC mismatch in chunk "IDAT"/);
  });

  it('PNG whose zlib data is damaged (CRC recomputed) is refused, not decoded to black', () => {
    const idat = makePng({ width: 4, height: 4, bitDepth: 8, colorType: 2, samples: new Array(48).fill(7) });
    // replace the IDAT payload with non-zlib bytes of the same length, keeping the chunk valid
    const at = idat.findIndex((_, i) => String.fromCharCode(...idat.subarray(i, i + 4)) === 'IDAT');
    const len = new DataView(idat.buffer).getUint32(at - 4);
    const body = idat.slice(at, at + 4 + len);
    body.fill(0x55, 4);
    const crc = (zlibCrc(body) >>> 0);
    const broken = Uint8Array.from([...idat.subarray(0, at), ...body, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255, ...idat.subarray(at + 8 + len)]);
    expectImageError(broken, 'zlib.png', /corrupt PNG: the compressed image data \(IDAT\) is damaged/);
  });

  it('PNG whose image data is short of what IHDR needs', () => {
    const short = makePng({ width: 4, height: 4, bitDepth: 8, colorType: 2, samples: new Array(48).fill(7) });
    // claim 5 rows: IHDR height is bytes 20..23; recompute the IHDR CRC
    const bad = short.slice();
    bad[23] = 5;
    const crc = zlibCrc(bad.subarray(12, 29)) >>> 0;
    new DataView(bad.buffer).setUint32(29, crc);
    expectImageError(bad, 'short.png', /the image data inflates to 52 bytes, 4x5 8-bit RGB needs 65/);
  });
});

describe('decompression bombs are refused from the header, before any allocation', () => {
  it('PNG IHDR claiming 100000x100000', () => {
    const t0 = performance.now();
    expectImageError(pngHeaderOnly(100000, 100000), 'bomb.png', /PNG of 100000x100000 \(10000\.0 MP\) is over the limit of 50\.0 MP/);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('JPEG SOF0 claiming 65000x65000', () => {
    const t0 = performance.now();
    expectImageError(jpegHeaderOnly(65000, 65000), 'bomb.jpg', /JPEG of 65000x65000 \(4225\.0 MP\) is over the limit of 50\.0 MP/);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('JPEG claiming 7000x7000 (under the limit) with a few bytes of data: refused before the decoder allocates its blocks', () => {
    const t0 = performance.now();
    expectImageError(jpegHeaderOnly(7000, 7000), 'thin.jpg', /corrupt JPEG: 2 bytes of image data cannot hold 7000x7000 \(49\.0 MP\) in 3 components \(2296875 blocks of 8x8 at 2 bits \(sequential\) or more need 574219 bytes\)/);
    expect(performance.now() - t0).toBeLessThan(50);
  });

  it('the data bound lets the cheapest real files through (flat blocks: 6 bits a block sequential, 6 progressive; the bound is 2 and 1)', () => {
    // flat blocks are the cheapest there are: 4-bit DC codes and a 2-bit EOB, 1-bit refinement and EOB0 codes
    expect(decodeImage(flatJpeg(new Array(40).fill([128]))).width).toBe(320);
    expect(decodeImage(flatProgressiveJpeg(new Array(40).fill([128]))).width).toBe(320);
  });

  it('maxPixels is honoured both ways', () => {
    expectImageError(photo('t4.jpg'), 't4.jpg', /640x360 \(0\.2 MP\) is over the limit of 0\.1 MP/, { maxPixels: 100_000 });
    expect(decodeImage(photo('t4.jpg'), { maxPixels: 640 * 360 }).width).toBe(640);
  });
});
