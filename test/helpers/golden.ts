/**
 * Access to ../shared/golden (or $RETINAFACE_GOLDEN) and the one tensor checker every golden test
 * uses: src/tensor/compare.ts's rule (shape first, no NaN, |ours - golden| <= tol * max(1,
 * max|golden|), the golden README's), printing the node, shape, worst element and the first pairs
 * on failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, type NpyArray, type NpyDtype } from '../../src/tensor/npy.js';
import { closeness, DEFAULT_TOL, type Closeness } from '../../src/tensor/compare.js';
import { formatShape, type Shape } from '../../src/tensor/shape.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDir = resolve(repoRoot, '../shared');
export const goldenDir = process.env.RETINAFACE_GOLDEN ?? join(sharedDir, 'golden');
export const imagesDir = join(sharedDir, 'images');

if (!existsSync(goldenDir)) {
  throw new Error(`golden data not found at ${goldenDir}: put the shared folder beside the repo or set RETINAFACE_GOLDEN`);
}

export function goldenPath(caseName: string, file: string): string {
  return join(goldenDir, caseName, file);
}

export function readGolden(caseName: string, file: string): NpyArray {
  const p = goldenPath(caseName, file);
  return readNpy(readFileSync(p), p);
}

/** A golden array of one dtype; another dtype is an error naming the file. */
export function readGoldenAs<D extends NpyDtype>(caseName: string, file: string, dtype: D): Extract<NpyArray, { dtype: D }> {
  const a = readGolden(caseName, file);
  if (a.dtype !== dtype) throw new Error(`${caseName}/${file}: expected ${dtype}, got ${a.dtype}`);
  return a as Extract<NpyArray, { dtype: D }>;
}

export function readGoldenF32(caseName: string, file: string): { shape: number[]; data: Float32Array } {
  return readGoldenAs(caseName, file, '<f4');
}

export function readGoldenF64(caseName: string, file: string): { shape: number[]; data: Float64Array } {
  return readGoldenAs(caseName, file, '<f8');
}

export function readGoldenU8(caseName: string, file: string): { shape: number[]; data: Uint8Array } {
  return readGoldenAs(caseName, file, '|u1');
}

/** A golden float32 or float64 array. */
export function readGoldenFloat(caseName: string, file: string): { shape: number[]; data: Float32Array | Float64Array } {
  const a = readGolden(caseName, file);
  if (a.dtype !== '<f4' && a.dtype !== '<f8') throw new Error(`${caseName}/${file}: expected float data, got ${a.dtype}`);
  return a;
}

/** Golden int64 indices as numbers. */
export function readGoldenIndices(caseName: string, file: string): number[] {
  return Array.from(readGoldenAs(caseName, file, '<i8').data, Number);
}

/** A golden float32 array as a Tensor. */
export function readGoldenTensor(caseName: string, file: string): Tensor {
  const a = readGoldenF32(caseName, file);
  return tensor(a.shape, a.data);
}

export function readManifest(caseName: string): any {
  return JSON.parse(readFileSync(goldenPath(caseName, 'manifest.json'), 'utf8'));
}

/**
 * Throws unless `ours` matches `ref` by src/tensor/compare.ts (the rule `retinaface compare`
 * applies): shapes equal, no NaN, max |ours − ref| ≤ tol · max(1, max |ref|). The message names the
 * tensor, the shape, the worst pair and the first five pairs.
 */
export function expectTensorClose(
  name: string,
  ours: { shape: Shape; data: ArrayLike<number> },
  ref: { shape: Shape; data: ArrayLike<number> },
  tol = DEFAULT_TOL,
): Closeness {
  const r = closeness(ours, ref, tol);
  if (r.mismatch !== undefined) throw new Error(`${name}: ${r.mismatch}`);
  if (!r.ok) {
    const pairs = Array.from({ length: Math.min(5, ref.data.length) }, (_, i) => `${ours.data[i]} vs ${ref.data[i]}`).join('; ');
    throw new Error(
      `${name} ${formatShape(ref.shape)}: max abs diff ${r.maxAbs.toExponential(3)}, rel ${r.maxRel.toExponential(3)} > ${tol} ` +
        `at flat index ${r.worst} (ours ${ours.data[r.worst]}, golden ${ref.data[r.worst]}); first pairs: ${pairs}`,
    );
  }
  return r;
}
