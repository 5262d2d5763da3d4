import { describe, expect, it } from 'vitest';
import { RetinaFaceError } from '../../src/errors.js';
import { groundTruthFromLabelLines, parseGtJson, parseLabelTxt } from '../../src/train/ground-truth.js';

describe('GT.json', () => {
  it('reads boxes and landmarks; a face without landmarks gets five missing points', () => {
    const gt = parseGtJson(
      JSON.stringify([
        { box: [10, 20, 50.5, 70], landmarks: [[20, 30, 1], [40, 30, 1], [30, 40, 0], [22, 55, 1], [38, 55, 1]] },
        { box: [100, 100, 120, 130] },
      ]),
      'gt.json',
    );
    expect(Array.from(gt.boxes)).toEqual([10, 20, 50.5, 70, 100, 100, 120, 130]);
    expect(Array.from(gt.landmarks.subarray(0, 9))).toEqual([20, 30, 1, 40, 30, 1, 30, 40, 0]);
    expect(Array.from(gt.landmarks.subarray(15))).toEqual(new Array(15).fill(-1));
  });

  it('names the file and the face in its errors', () => {
    expect(() => parseGtJson('{', 'gt.json')).toThrow(/^gt\.json: not JSON/);
    expect(() => parseGtJson('[{"box": [1, 2, 3]}]', 'gt.json')).toThrow(/gt\.json: face 0: "box" must be \[x1, y1, x2, y2\]/);
    expect(() => parseGtJson('[{"box": [1, 2, 3, 4], "landmarks": [[1, 2, 1]]}]', 'gt.json')).toThrow(/face 0: "landmarks" must be five/);
    expect(() => parseGtJson('[{"box": [10, 2, 3, 4]}]', 'gt.json')).toThrow(/^gt\.json: face 0: "box" \[10,2,3,4\] has x2 < x1 or y2 < y1$/);
    const badFlag = JSON.stringify([{ box: [1, 2, 3, 4], landmarks: [[1, 2, 1], [1, 2, 1], [1, 2, 2], [1, 2, 1], [1, 2, 1]] }]);
    expect(() => parseGtJson(badFlag, 'gt.json')).toThrow(/face 0: "landmarks" must be five \[x, y, v\] with v 1 visible, 0 occluded or -1 missing/);
  });

  it('throws one-line RetinaFaceErrors', () => {
    for (const text of ['{', '[{"box": [1, 2, 3]}]', '[{"box": [10, 2, 3, 4]}]']) {
      let caught: unknown;
      try {
        parseGtJson(text, 'gt.json');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(RetinaFaceError);
      expect((caught as Error).message).not.toContain('\n');
    }
  });
});

describe('label.txt (rcnn/dataset/retinaface.py)', () => {
  const text = [
    '# 0--Parade/0_Parade_marchingband_1_849.jpg',
    '449 330 122 149 488.906 373.643 0.0 542.089 376.442 0.0 515.031 412.83 1.0 485.174 425.893 0.0 538.357 431.491 0.0 0.82',
    '# other.jpg',
    '10 10 5 5 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0 -1.0',
    '90 95 20 20',
    '30 30 0 10',
  ].join('\n');

  it('groups face lines under their image name', () => {
    const images = parseLabelTxt(text, 'label.txt');
    expect([...images.keys()]).toEqual(['0--Parade/0_Parade_marchingband_1_849.jpg', 'other.jpg']);
    expect(images.get('other.jpg')).toHaveLength(3);
  });

  it('turns x y w h into x1 y1 x2 y2 and the file visibility (0 visible, 1 occluded) into flags 1 / 0', () => {
    const lines = parseLabelTxt(text, 'label.txt').get('0--Parade/0_Parade_marchingband_1_849.jpg')!;
    const gt = groundTruthFromLabelLines(lines, 1024, 768, 'label.txt');
    expect(Array.from(gt.boxes)).toEqual([449, 330, 571, 479]);
    expect(Array.from(gt.landmarks)).toEqual(
      Array.from(Float32Array.from([488.906, 373.643, 1, 542.089, 376.442, 1, 515.031, 412.83, 0, 485.174, 425.893, 1, 538.357, 431.491, 1])),
    );
  });

  it('keeps missing points at -1, clips x2/y2 to the image, drops empty boxes, fills box-only lines as missing', () => {
    const gt = groundTruthFromLabelLines(parseLabelTxt(text, 'label.txt').get('other.jpg')!, 100, 100, 'label.txt');
    expect(Array.from(gt.boxes)).toEqual([10, 10, 15, 15, 90, 95, 100, 100]);
    expect(Array.from(gt.landmarks)).toEqual(new Array(30).fill(-1));
  });

  it('rejects a face line before any image name', () => {
    expect(() => parseLabelTxt('1 2 3 4', 'label.txt')).toThrow(/label\.txt:1: a face line before the first '# name' line/);
  });

  it('rejects what the original asserts or cannot reshape: partial lines, missing points with v != -1, negative v', () => {
    const missingPoint = '-1 -1 -1';
    const line = (last: string, first = missingPoint) => ['1 1 5 5', first, missingPoint, missingPoint, missingPoint, last, '0.5'].join(' ');
    expect(() => groundTruthFromLabelLines(['1 1 5 5 7 7'], 100, 100, 'label.txt')).toThrow(/label\.txt: face line '1 1 5 5 7 7' needs .* got 6 fields/);
    expect(() => groundTruthFromLabelLines([line(missingPoint, '-1 -1 0')], 100, 100, 'label.txt')).toThrow(/point 0 \(-1, -1\) has visibility 0/);
    expect(() => groundTruthFromLabelLines([line('3 4 -1')], 100, 100, 'label.txt')).toThrow(/point 4 \(3, 4\) has visibility -1/);
    expect(Array.from(groundTruthFromLabelLines([line('3 4 2')], 100, 100, 'label.txt').landmarks.subarray(12))).toEqual([3, 4, 0]);
  });
});
