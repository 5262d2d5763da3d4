/**
 * The nine heads of each golden photo case (heads-t1/t3/t4/t6, network input from resized.npy)
 * through the gpu.js fast path: the fused plan (net/fuse.ts) on webasm, within the golden
 * tolerance. Full-size inputs (1024 on the short side), so one backend only.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/net/forward.js';
import { fuse } from '../../src/net/fuse.js';
import { buildPlan } from '../../src/net/graph.js';
import { HEAD_NAMES } from '../../src/net/heads.js';
import { inputTensor } from '../../src/net/input.js';
import { createGpuBackend } from '../../src/ops/gpu/backend.js';
import { readNpy, readNpyFloat32 } from '../../src/tensor/npy.js';
import { loadModel } from '../../src/weights/load.js';
import { expectTensorClose, goldenPath } from '../helpers/golden.js';

/** The bytes are copied first because readNpy's `.slice` is a view on a Node Buffer (reported). */
const readCopy = (caseName: string, file: string) => new Uint8Array(readFileSync(goldenPath(caseName, file)));

const model = await loadModel();

describe('heads through the gpu.js fast path on webasm', () => {
  const backend = createGpuBackend('webasm');
  afterAll(() => backend.destroy());

  for (const caseName of ['heads-t1', 'heads-t3', 'heads-t4', 'heads-t6']) {
    it(caseName, async () => {
      const resized = readNpy(readCopy(caseName, 'resized.npy'), caseName);
      const [H, W] = resized.shape;
      const input = inputTensor(resized.data as Uint8Array, W, H);
      const { heads } = await forward(fuse(buildPlan(model, H, W)), input, { backend });
      expect([...heads.keys()]).toEqual(HEAD_NAMES);
      for (const name of HEAD_NAMES) {
        expectTensorClose(`${caseName} ${name}`, heads.get(name)!, readNpyFloat32(readCopy(caseName, `${name}.npy`), name));
      }
      expect([...backend.device.ran]).toEqual(['WebAssemblyKernel']);
    });
  }
});
