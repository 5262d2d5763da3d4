/**
 * The one closeness rule of the project (shared/golden/README.md), used by `retinaface compare`
 * and by the tests' expectTensorClose: two tensors match when their shapes are equal and
 *
 *     max |ours − ref| ≤ tol · max(1, max |ref|)
 *
 * A NaN on either side fails (it is the worst pair, whatever comes after it), and so does a shape
 * or a data length that disagrees with the shape.
 */
import { formatShape, sameShape, size, type Shape } from './shape.js';

/** The golden README's tolerance for float32 activations. */
export const DEFAULT_TOL = 1e-4;

export interface Closeness {
  readonly ok: boolean;
  /** Why the values were not compared: the shapes, or a data length that does not fit its shape. */
  readonly mismatch?: string;
  /** max |ours − ref|; NaN when a pair holds a NaN. */
  readonly maxAbs: number;
  /** maxAbs / max(1, max |ref|). */
  readonly maxRel: number;
  /** Flat index of the worst pair (the first NaN, if any). */
  readonly worst: number;
}

export function closeness(
  ours: { shape: Shape; data: ArrayLike<number> },
  ref: { shape: Shape; data: ArrayLike<number> },
  tol = DEFAULT_TOL,
): Closeness {
  const failed = (mismatch: string): Closeness => ({ ok: false, mismatch, maxAbs: NaN, maxRel: NaN, worst: -1 });
  if (!sameShape(ours.shape, ref.shape)) return failed(`shape ${formatShape(ours.shape)}, reference ${formatShape(ref.shape)}`);
  for (const [who, t] of [['ours', ours], ['reference', ref]] as const) {
    if (t.data.length !== size(t.shape)) return failed(`${who}: ${t.data.length} values for shape ${formatShape(t.shape)}`);
  }
  let maxAbs = 0;
  let worst = 0;
  let refMax = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const d = Math.abs(ours.data[i] - ref.data[i]);
    if (Number.isNaN(d)) return { ok: false, maxAbs: NaN, maxRel: NaN, worst: i };
    if (d > maxAbs) [maxAbs, worst] = [d, i];
    refMax = Math.max(refMax, Math.abs(ref.data[i]));
  }
  const maxRel = maxAbs / Math.max(1, refMax);
  return { ok: maxRel <= tol, maxAbs, maxRel, worst };
}
