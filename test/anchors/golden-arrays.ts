/**
 * Golden arrays for the anchor tests as plain numbers: float32/float64 data, int64 kept indices as
 * numbers. The file bytes are copied into a plain Uint8Array before parsing because `readNpy` slices
 * its input with `.slice`, which on a Node Buffer is a view and would hand back the header too.
 */
import { readFileSync } from 'node:fs';
import { readNpy } from '../../src/tensor/npy.js';
import { goldenPath } from '../helpers/golden.js';

export function golden(caseName: string, file: string): { shape: number[]; data: Float32Array | Float64Array } {
  const p = goldenPath(caseName, file);
  const a = readNpy(new Uint8Array(readFileSync(p)), p);
  if (a.dtype !== '<f4' && a.dtype !== '<f8') throw new Error(`${caseName}/${file}: expected float data, got ${a.dtype}`);
  return a;
}

export function goldenF32(caseName: string, file: string): { shape: number[]; data: Float32Array } {
  const a = golden(caseName, file);
  if (!(a.data instanceof Float32Array)) throw new Error(`${caseName}/${file}: expected float32`);
  return { shape: a.shape, data: a.data };
}

export function goldenF64(caseName: string, file: string): { shape: number[]; data: Float64Array } {
  const a = golden(caseName, file);
  if (!(a.data instanceof Float64Array)) throw new Error(`${caseName}/${file}: expected float64`);
  return { shape: a.shape, data: a.data };
}

export function goldenIndices(caseName: string, file: string): number[] {
  const p = goldenPath(caseName, file);
  const a = readNpy(new Uint8Array(readFileSync(p)), p);
  if (a.dtype !== '<i8') throw new Error(`${caseName}/${file}: expected int64, got ${a.dtype}`);
  return Array.from(a.data, Number);
}
