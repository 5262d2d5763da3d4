/**
 * Access to ../shared/golden (or $RETINAFACE_GOLDEN) and the one tensor checker every golden test
 * uses: shape first, then |ours - golden| <= tol * max(1, max|golden|) (the rule in the golden
 * README), printing the node, shape, worst element and the first pairs on failure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, type NpyArray } from '../../src/tensor/npy.js';
import { formatShape, type Shape } from '../../src/tensor/shape.js';

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

/** A golden float32 array (throws if the file holds another dtype). */
export function readGoldenF32(caseName: string, file: string): { shape: number[]; data: Float32Array } {
  const a = readGolden(caseName, file);
  if (a.dtype !== '<f4') throw new Error(`${caseName}/${file}: expected <f4, got ${a.dtype}`);
  return a;
}

export function readManifest(caseName: string): any {
  return JSON.parse(readFileSync(goldenPath(caseName, 'manifest.json'), 'utf8'));
}

export interface CloseReport {
  maxAbs: number;
  maxRel: number;
  worst: number;
}

/** max |a-b| and the same relative to max(1, max|b|). */
export function compareArrays(ours: ArrayLike<number>, ref: ArrayLike<number>): CloseReport {
  let maxAbs = 0;
  let worst = 0;
  let refMax = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= maxAbs)) { maxAbs = d; worst = i; }  // NaN counts as worst
    refMax = Math.max(refMax, Math.abs(ref[i]));
  }
  return { maxAbs, maxRel: maxAbs / Math.max(1, refMax), worst };
}

export function expectTensorClose(
  name: string,
  ours: { shape: Shape; data: ArrayLike<number> },
  ref: { shape: Shape; data: ArrayLike<number> },
  tol = 1e-4,
): CloseReport {
  if (formatShape(ours.shape) !== formatShape(ref.shape)) {
    throw new Error(`${name}: shape ${formatShape(ours.shape)} != golden ${formatShape(ref.shape)}`);
  }
  const r = compareArrays(ours.data, ref.data);
  if (!(r.maxRel <= tol)) {
    const pairs = Array.from({ length: Math.min(5, ref.data.length) }, (_, i) => `${ours.data[i]} vs ${ref.data[i]}`).join('; ');
    throw new Error(
      `${name} ${formatShape(ref.shape)}: max abs diff ${r.maxAbs.toExponential(3)}, rel ${r.maxRel.toExponential(3)} > ${tol} ` +
        `at flat index ${r.worst} (ours ${ours.data[r.worst]}, golden ${ref.data[r.worst]}); first pairs: ${pairs}`,
    );
  }
  return r;
}
