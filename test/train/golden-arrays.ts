/**
 * Golden arrays for the training tests. The file bytes are copied into a plain Uint8Array before
 * parsing: `readNpy` copies its data with `.slice`, which on the Node Buffer that `readGolden` passes is
 * a view of Node's shared pool, so `.buffer` would start at the wrong byte.
 */
import { readFileSync } from 'node:fs';
import { readNpy } from '../../src/tensor/npy.js';
import { goldenPath } from '../helpers/golden.js';

export function goldenF32(caseName: string, file: string): { shape: number[]; data: Float32Array } {
  const p = goldenPath(caseName, file);
  const a = readNpy(new Uint8Array(readFileSync(p)), p);
  if (a.dtype !== '<f4') throw new Error(`${caseName}/${file}: expected float32, got ${a.dtype}`);
  return { shape: a.shape, data: a.data };
}

export function goldenU8(caseName: string, file: string): { shape: number[]; data: Uint8Array } {
  const p = goldenPath(caseName, file);
  const a = readNpy(new Uint8Array(readFileSync(p)), p);
  if (a.dtype !== '|u1') throw new Error(`${caseName}/${file}: expected uint8, got ${a.dtype}`);
  return { shape: a.shape, data: a.data };
}
