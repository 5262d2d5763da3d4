/**
 * Shape helpers shared by every op. Legend: N batch, C channels, H/W height/width.
 * Shapes are plain `number[]` in NCHW order; the helpers here count, compare and print them.
 */
import { RetinaFaceError } from '../errors.js';

export type Shape = readonly number[];

/** Number of elements of a tensor of this shape (1 for a scalar shape `[]`). */
export function size(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `(1,64,90,160)`: the form every error message uses. */
export function formatShape(shape: Shape): string {
  return `(${shape.join(',')})`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Throws the house shape error: `[op node] what (got) ..., expected (want)`.
 * `want` entries of -1 match any extent.
 */
export function expectShape(op: string, node: string, what: string, got: Shape, want: Shape): void {
  const ok = got.length === want.length && want.every((d, i) => d === -1 || d === got[i]);
  if (!ok) {
    const wanted = formatShape(want).replace(/-1/g, '*');
    throw new RetinaFaceError('SHAPE', `[${op} ${node}] ${what} ${formatShape(got)} does not match expected ${wanted}`);
  }
}
