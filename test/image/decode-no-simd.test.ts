/**
 * The JPEG decoder where WebAssembly SIMD is missing (an engine without it: `WebAssembly.validate`
 * refuses the kernels' module, so jpeg-color-wasm.ts's h2v2YcbcrSimd returns undefined): the 4:2:0
 * files of golden/decode/ then go through the JavaScript kernels (idctBlockRow, h2v2ColumnSums,
 * h2v2YcbcrRow), which must give cv2.imread's pixels bit for bit too. Node has SIMD, so
 * decode-golden.test.ts checks the SIMD path; this file stands in for the engines that lack it.
 * The module is loaded after the stub, so its cache of the compiled kernels starts empty here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { goldenDir } from '../helpers/golden.js';
import { absDiff, goldenImage } from './golden-image.js';

const manifest = JSON.parse(readFileSync(join(goldenDir, 'decode/manifest.json'), 'utf8')) as { files: Record<string, { pixels: string }> };

describe('JPEG decoding without WebAssembly SIMD (the JavaScript kernels) vs cv2.imread', () => {
  vi.spyOn(WebAssembly, 'validate').mockReturnValue(false);
  afterAll(() => { vi.restoreAllMocks(); });

  for (const file of ['baseline-420-q90.jpg', 'baseline-420-rst3.jpg', 'progressive-420.jpg', 'tiny-5x7.jpg']) {
    it(file, async () => {
      const { decodeImage } = await import('../../src/image/decode.js');
      const { h2v2YcbcrSimd } = await import('../../src/image/jpeg-color-wasm.js');
      const plane = { width: 8, height: 8, stride: 8, ring: 8, data: new Uint8Array(0) };
      expect(h2v2YcbcrSimd(16, plane, plane, plane)).toBeUndefined();
      const ours = decodeImage(new Uint8Array(readFileSync(join(goldenDir, 'decode', file))), { where: file });
      expect(absDiff(ours, goldenImage('decode', manifest.files[file].pixels)).max).toBe(0);
    });
  }
});
