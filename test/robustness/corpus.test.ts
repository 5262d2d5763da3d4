/**
 * The batch corpus decoded in-process: each bad image gives its one-line IMAGE error naming the
 * file, each good one decodes (the batch test runs the same corpus through `retinaface detect`).
 */
import { describe, expect, it } from 'vitest';
import { RetinaFaceError } from '../../src/errors.js';
import { decodeImage } from '../../src/image/decode.js';
import { badImages, goodImages } from './corpus.js';

describe('batch corpus through decodeImage', () => {
  for (const { file, bytes, error } of badImages()) {
    it(`${file}: ${error!.source}`, () => {
      let caught: unknown;
      try { decodeImage(bytes, { where: file }); } catch (e) { caught = e; }
      expect(caught).toBeInstanceOf(RetinaFaceError);
      expect((caught as RetinaFaceError).code).toBe('IMAGE');
      expect((caught as Error).message).toMatch(new RegExp(`^${file.replace('.', '\\.')}: `));
      expect((caught as Error).message).toMatch(error!);
    });
  }
  for (const { file, bytes } of goodImages()) {
    it(`${file} decodes`, () => {
      const img = decodeImage(bytes, { where: file });
      expect(img.data.length).toBe(img.width * img.height * 3);
      expect(img.width).toBeGreaterThan(0);
    });
  }
});
