/**
 * A golden float32 tensor read from a copy of the file's bytes: `readNpy` slices its input with
 * `.slice`, which on the Node Buffer `readGoldenF32` passes is a view, so the data would start at
 * the file header (reported to the lead; test/anchors/golden-arrays.ts works around it the same way).
 */
import { readFileSync } from 'node:fs';
import { readNpyFloat32 } from '../../src/tensor/npy.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { goldenPath } from '../helpers/golden.js';

export function goldenTensor(caseName: string, file: string): Tensor {
  const p = goldenPath(caseName, file);
  const a = readNpyFloat32(new Uint8Array(readFileSync(p)), p);
  return tensor(a.shape, a.data);
}
