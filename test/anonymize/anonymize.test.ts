/**
 * anonymize() on generated pictures, where what must happen follows from the definitions:
 * - the region of a face is the box scaled about its centre, ellipse or box (hand-counted cases);
 * - `solid` paints exactly the region; no mode writes a pixel outside it (PNG in, PNG out, bit for bit);
 * - blur inside the region equals a whole-image three-pass box blur with repeated borders,
 *   computed here by direct summation (no running sums, no patch);
 * - strength grows with the face: a pattern as coarse as the face is wiped out at every size;
 * - the same input gives the same bytes, and bad options are one-line OPTION errors.
 */
import { describe, expect, it } from 'vitest';
import { anonymize, blockSize, blurRadius, type AnonymizeMode, type AnonymizeShape } from '../../src/anonymize/anonymize.js';
import { faceRegion } from '../../src/anonymize/region.js';
import { decodeImage } from '../../src/image/decode.js';
import { encodePng } from '../../src/image/encode.js';
import { rgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import { mulberry32 } from '../helpers/random.js';

const MODES: AnonymizeMode[] = ['blur', 'pixelate', 'solid'];
const SHAPES: AnonymizeShape[] = ['ellipse', 'box'];

function noise(width: number, height: number, seed: number): RgbImage {
  const rand = mulberry32(seed);
  return rgbImage(width, height, Uint8Array.from({ length: width * height * 3 }, () => Math.floor(rand() * 256)));
}

/** The region rule of src/anonymize/region.ts written out again: is pixel (y, x) inside? */
function inside(box: readonly number[], scale: number, shape: AnonymizeShape, x: number, y: number): boolean {
  const [x1, y1, x2, y2] = box;
  const u = (x - (x1 + x2) / 2) / (((x2 - x1) / 2) * scale);
  const v = (y - (y1 + y2) / 2) / (((y2 - y1) / 2) * scale);
  return shape === 'box' ? Math.abs(u) <= 1 && Math.abs(v) <= 1 : u * u + v * v <= 1;
}

function changedPixels(a: RgbImage, b: RgbImage): Set<number> {
  const changed = new Set<number>();
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) changed.add(Math.floor(i / 3));
  return changed;
}

describe('the region', () => {
  // box 10..20 square, scale 1: the disc of radius 5 about (15, 15) holds 81 lattice points (Gauss), the box 11×11
  it.each([
    ['ellipse', [10, 10, 20, 20], 1, 81],
    ['box', [10, 10, 20, 20], 1, 121],
    // 20×10 box at scale 1.3: columns 7..33, rows 8.5..21.5 → 9..21: 27 × 13
    ['box', [10, 10, 30, 20], 1.3, 351],
  ] as const)('solid %s of %j at scale %d fills exactly %d pixels', (shape, box, boxScale, count) => {
    const img = rgbImage(50, 40, new Uint8Array(50 * 40 * 3).fill(200));  // solid paints 128 grey
    const out = anonymize(img, [{ box }], { mode: 'solid', shape, boxScale });
    const changed = changedPixels(img, out);
    expect(changed.size).toBe(count);
    for (let p = 0; p < 50 * 40; p++) {
      expect(changed.has(p), `pixel (${Math.floor(p / 50)}, ${p % 50})`).toBe(inside(box, boxScale, shape, p % 50, Math.floor(p / 50)));
      if (changed.has(p)) expect(Array.from(out.data.subarray(p * 3, p * 3 + 3))).toEqual([128, 128, 128]);
    }
  });

  it('a box off the picture touches nothing; one half off is clipped', () => {
    expect(faceRegion([-50, -50, -10, -10], 1.3, 'ellipse', 40, 30)).toBeUndefined();
    expect(faceRegion([30, 20, 50, 40], 1, 'box', 40, 30)).toMatchObject({ x0: 30, y0: 20, x1: 39, y1: 29 });
  });
});

describe('pixels outside every enlarged box', () => {
  // one face over the left edge, two overlapping, one tiny
  const faces = [{ box: [-12, 30, 25, 75] }, { box: [60, 20, 110, 80] }, { box: [95, 50, 140, 100] }, { box: [150, 10, 156, 17] }];
  const img = noise(170, 120, 17);
  for (const mode of MODES) {
    for (const shape of SHAPES) {
      it(`${mode}, ${shape}: unchanged bit for bit through PNG, and the region is rewritten`, () => {
        const png = encodePng(img);
        const out = decodeImage(encodePng(anonymize(decodeImage(png), faces, { mode, shape })));
        const changed = changedPixels(img, out);
        let regionPixels = 0;
        for (let y = 0; y < img.height; y++) {
          for (let x = 0; x < img.width; x++) {
            const inAny = faces.some((f) => inside(f.box, 1.3, shape, x, y));
            if (!inAny) expect(changed.has(y * img.width + x), `pixel (${y}, ${x}) outside every region changed`).toBe(false);
            else regionPixels++;
          }
        }
        // noise: almost every pixel of a region gets a value it did not have
        expect(changed.size).toBeGreaterThan(0.9 * regionPixels);
      });
    }
  }
});

/** The whole image blurred by three box passes along x then three along y, clamped borders, by direct sums. */
function referenceBlur(img: RgbImage, r: number): RgbImage {
  const { width: W, height: H } = img;
  let cur = Float64Array.from(img.data);
  const pass = (dx: number, dy: number) => {
    const next = new Float64Array(cur.length);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let k = -r; k <= r; k++) {
            const sx = Math.min(W - 1, Math.max(0, x + k * dx));
            const sy = Math.min(H - 1, Math.max(0, y + k * dy));
            sum += cur[(sy * W + sx) * 3 + c];
          }
          next[(y * W + x) * 3 + c] = Math.floor(sum / (2 * r + 1) + 0.5);  // rounded half up
        }
      }
    }
    cur = next;
  };
  for (let i = 0; i < 3; i++) pass(1, 0);
  for (let i = 0; i < 3; i++) pass(0, 1);
  return rgbImage(W, H, Uint8Array.from(cur));
}

describe('blur', () => {
  it.each([
    ['inside the picture', [40, 30, 72, 66]],
    ['at the top-left corner', [-6, -4, 26, 30]],
    ['wider than the picture', [-20, 10, 110, 70]],
  ])('%s: the region equals a whole-image blur', (_, box) => {
    const img = noise(90, 80, 5);
    const expected = referenceBlur(img, blurRadius(box));
    const out = anonymize(img, [{ box }], { mode: 'blur', shape: 'box' });
    const region = faceRegion(box, 1.3, 'box', 90, 80)!;
    for (let y = region.y0; y <= region.y1; y++) {
      for (let x = region.x0; x <= region.x1; x++) {
        const at = (y * 90 + x) * 3;
        expect(Array.from(out.data.subarray(at, at + 3)), `pixel (${y}, ${x})`).toEqual(Array.from(expected.data.subarray(at, at + 3)));
      }
    }
  });
});

describe('strength follows the face', () => {
  it('blur radius round(S/3) and block ceil(S/3) of the short side S', () => {
    expect([blurRadius([0, 0, 80, 100]), blockSize([0, 0, 80, 100])]).toEqual([27, 27]);
    expect([blurRadius([0, 0, 400, 320]), blockSize([0, 0, 400, 320])]).toEqual([107, 107]);
    expect([blurRadius([0, 0, 2, 2]), blockSize([0, 0, 2, 2])]).toEqual([1, 1]);
  });

  /** Vertical stripes of period P around a face of side 4·P: coarse detail at the face's own scale. */
  function stripes(side: number): RgbImage {
    const W = 3 * side;
    const img = rgbImage(W, W);
    for (let p = 0; p < W * W; p++) img.data.fill(Math.floor((p % W) / (side / 8)) % 2 ? 230 : 20, p * 3, p * 3 + 3);
    return img;
  }

  for (const side of [40, 160, 480]) {
    it(`a face ${side} px across keeps no stripe of its own scale (blur and pixelate)`, () => {
      const img = stripes(side);
      const box = [side, side, 2 * side, 2 * side];
      for (const mode of ['blur', 'pixelate'] as const) {
        const out = anonymize(img, [{ box }], { mode, shape: 'box' });
        // the middle half of the face, along one row: the stripes' 210-level swing is gone
        const row = Math.round(1.5 * side);
        const values: number[] = [];
        for (let x = Math.round(1.25 * side); x <= Math.round(1.75 * side); x++) values.push(out.data[(row * img.width + x) * 3]);
        const swing = Math.max(...values) - Math.min(...values);
        if (mode === 'blur') expect(swing, `${mode} at ${side} px`).toBeLessThan(21);
        // pixelate: at most 3 blocks over the middle half, each one flat; no block is a stripe
        else expect(new Set(values).size, `${mode} at ${side} px`).toBeLessThanOrEqual(3);
      }
    });
  }
});

describe('determinism and options', () => {
  it('the same input gives the same bytes in every mode', () => {
    const img = noise(64, 48, 3);
    for (const mode of MODES) {
      const faces = [{ box: [10.3, 8.7, 40.1, 44.9] }];
      expect(anonymize(img, faces, { mode }).data).toEqual(anonymize(img, faces, { mode }).data);
    }
  });

  it('leaves the input untouched and returns a new picture', () => {
    const img = noise(32, 32, 9);
    const copy = img.data.slice();
    anonymize(img, [{ box: [4, 4, 28, 28] }]);
    expect(img.data).toEqual(copy);
  });

  it.each([
    [{ mode: 'swirl' }, /^option mode: "swirl" is not one of blur, pixelate, solid$/],
    [{ shape: 'circle' }, /^option shape: "circle" is not one of ellipse, box$/],
    [{ boxScale: 0.5 }, /^option boxScale: 0\.5 must be a number from 1 to 10$/],
  ])('%j is refused', (options, message) => {
    expect(() => anonymize(noise(8, 8, 1), [], options as object)).toThrow(message);
  });

  it('a malformed box is refused with the box in the message', () => {
    expect(() => anonymize(noise(8, 8, 1), [{ box: [1, 2, Number.NaN, 4] }])).toThrow(/face box must be 4 finite numbers.*\[1,2,null,4\]/);
  });
});
