/**
 * The nine heads of the four photos at the detector's own input size (`resized.npy`, H×W×3 RGB
 * uint8 → inputTensor), on the reference path. The largest input is t4 at 1024×1820.
 */
import { describe, expect, it } from 'vitest';
import { forward } from '../../src/net/forward.js';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { inputTensor } from '../../src/net/input.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenTensor, readGoldenU8 } from '../helpers/golden.js';

const model = loadModel(new URL('../../../shared/models/mnet.25', import.meta.url).pathname);

describe('inputTensor', () => {
  it('HWC RGB bytes → (1, 3, H, W) float32 0..255, no mean/std', () => {
    // a 1×2 image: pixel (0,0) = (1, 2, 3), pixel (0,1) = (250, 0, 255)
    const t = inputTensor(new Uint8Array([1, 2, 3, 250, 0, 255]), 2, 1);
    expect(t.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(t.data)).toEqual([1, 250, 2, 0, 3, 255]);
  });
  it('a byte count that does not fit is a SHAPE error with the numbers', () => {
    expect(() => inputTensor(new Uint8Array(5), 2, 1)).toThrow('[input data] 5 bytes do not make an RGB image of 1×2 (needs 6) [H,W,3]');
  });
});

for (const photo of ['t1', 't3', 't4', 't6']) {
  const caseName = `heads-${photo}`;
  describe(caseName, () => {
    it('the nine heads from resized.npy', async () => {
      const resized = readGoldenU8(caseName, 'resized.npy');
      const [H, W] = resized.shape;
      const plan = buildPlan(await model, H, W);
      const { heads } = await forward(plan, inputTensor(resized.data, W, H));
      expect([...heads.keys()]).toEqual(HEAD_NAMES);
      for (const name of HEAD_NAMES) {
        expectTensorClose(`${caseName} ${name}`, heads.get(name)!, readGoldenTensor(caseName, `${name}.npy`));
      }
    });
  });
}
