/**
 * Our JPEG decoder against cv2.imread (libjpeg-turbo) on every file of golden/decode/: baseline
 * 4:2:0, 4:2:2 and 4:4:4, optimised Huffman tables, restart intervals, progressive (spectral
 * selection and successive approximation, with and without restarts), gray, Adobe CMYK, a 5×7
 * image of one partial MCU, and the progressive photo t5.jpg. Bit for bit, no tolerance; and again
 * into one reused buffer larger than each picture and filled with junk (DecodeOptions.output), as a
 * detector decodes photo after photo: every byte must be overwritten.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/image/decode.js';
import { goldenDir } from '../helpers/golden.js';
import { absDiff, expectSameImage, goldenImage } from './golden-image.js';

const manifest = JSON.parse(readFileSync(join(goldenDir, 'decode/manifest.json'), 'utf8')) as { files: Record<string, { pixels: string; made_by: string }> };

describe('JPEG decoding vs cv2.imread (golden decode/): bit for bit', () => {
  for (const [file, { pixels, made_by }] of Object.entries(manifest.files)) {
    it(`${file} (${made_by})`, () => {
      const ours = decodeImage(new Uint8Array(readFileSync(join(goldenDir, 'decode', file))), { where: file });
      const ref = goldenImage('decode', pixels);
      const { max, mean } = absDiff(ours, ref);
      console.log(`${file} ${ours.width}x${ours.height}: max |diff| ${max}, mean ${mean.toFixed(3)}`);
      expectSameImage(file, ours, ref);
      expect(max).toBe(0);
    });
  }

  const reused = { buffer: new Uint8Array(0) };
  for (const [file, { pixels }] of Object.entries(manifest.files)) {
    it(`${file} into a reused buffer of junk`, () => {
      const ref = goldenImage('decode', pixels);
      if (reused.buffer.length < ref.data.length + 7) reused.buffer = new Uint8Array(ref.data.length + 7);
      reused.buffer.fill(0xa5);
      const ours = decodeImage(new Uint8Array(readFileSync(join(goldenDir, 'decode', file))), { where: file, output: () => reused.buffer });
      expect(ours.data.buffer).toBe(reused.buffer.buffer);
      expectSameImage(file, ours, ref);
    });
  }
});
