/**
 * The nine heads of each golden photo case (heads-t1/t3/t4/t6, network input from resized.npy)
 * through the gpu.js fast path: the fused plan (net/fuse.ts) on webasm, within the golden
 * tolerance. Full-size inputs (1024 on the short side), so one backend only.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { inputTensor } from '../../src/net/input.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, readGoldenF32, readGoldenU8 } from '../helpers/golden.js';


const model = await loadModel();

describe('heads through the gpu.js fast path on webasm', () => {
  const backend = createGpuBackend('webasm');
  afterAll(() => backend.destroy());

  for (const caseName of ['heads-t1', 'heads-t3', 'heads-t4', 'heads-t6']) {
    it(caseName, async () => {
      const resized = readGoldenU8(caseName, 'resized.npy');
      const [H, W] = resized.shape;
      const input = inputTensor(resized.data, W, H);
      const { heads } = await forward(fuse(buildPlan(model, H, W)), input, { backend });
      expect([...heads.keys()]).toEqual(HEAD_NAMES);
      for (const name of HEAD_NAMES) {
        expectTensorClose(`${caseName} ${name}`, heads.get(name)!, readGoldenF32(caseName, `${name}.npy`));
      }
      expect([...backend.device.ran]).toEqual(['WebAssemblyKernel']);
    });
  }
});
