/**
 * Bit-exactness machinery: a first reader can skip this file. Where it is used, read it as "sort
 * the indices by score"; it exists only so that equal scores keep the original's order.
 *
 * numpy's `argsort()` with its default `kind='quicksort'`, step for step (numpy 1.24,
 * numpy/core/src/npysort/quicksort.cpp `aquicksort_` and heapsort.cpp `aheapsort_`), so that equal
 * scores come out in exactly the order the original visits them. Legend: n values, `idx` the
 * permutation being sorted (numpy's `tosort`), [pl, pr] the slice still to sort.
 *
 * The algorithm is an introsort: median-of-three quicksort on slices longer than 16, insertion sort on
 * the rest, heapsort once the recursion is deeper than 2·floor(log2 n). It is not stable, so the order
 * of ties depends on these exact steps; only for n ≤ 16, where it is a plain insertion sort, are ties
 * kept in index order. NaN sorts after every number, as in numpy.
 * (numpy 1.25 and later may dispatch argsort to an AVX-512 sort with other tie orders; the golden data
 * and the original's environment use 1.24.)
 */

const SMALL_QUICKSORT = 15; // slices of at most 16 go to insertion sort
const STACK_SIZE = 128; // numpy's PYA_QS_STACK: 2 · bits of npy_intp

/** numpy's `Tag::less` for floats: a < b, with NaN after every number. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

/**
 * `np.argsort(v)` (kind 'quicksort'): indices that sort v ascending, ties in numpy's order.
 * @param v (n) values
 * @returns (n) indices
 */
export function argsort(v: ArrayLike<number>): Int32Array {
  const n = v.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;

  const swap = (i: number, j: number): void => {
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  };
  const stack = new Int32Array(STACK_SIZE);
  const depthStack = new Int32Array(STACK_SIZE);
  let sptr = 0;
  let psdepth = 0;
  let pl = 0;
  let pr = n - 1;
  let cdepth = 2 * (31 - Math.clz32(n)); // npy_get_msb(n) · 2

  for (;;) {
    if (cdepth < 0) {
      aheapsort(v, idx, pl, pr - pl + 1);
    } else {
      // quicksort partition of [pl, pr] around the median of first, middle and last
      while (pr - pl > SMALL_QUICKSORT) {
        const pm = pl + ((pr - pl) >> 1);
        if (less(v[idx[pm]], v[idx[pl]])) swap(pm, pl);
        if (less(v[idx[pr]], v[idx[pm]])) swap(pr, pm);
        if (less(v[idx[pm]], v[idx[pl]])) swap(pm, pl);
        const vp = v[idx[pm]];
        let pi = pl;
        let pj = pr - 1;
        swap(pm, pj);
        for (;;) {
          do ++pi; while (less(v[idx[pi]], vp));
          do --pj; while (less(vp, v[idx[pj]]));
          if (pi >= pj) break;
          swap(pi, pj);
        }
        swap(pi, pr - 1);
        // push the larger part, go on with the smaller
        if (pi - pl < pr - pi) {
          stack[sptr++] = pi + 1;
          stack[sptr++] = pr;
          pr = pi - 1;
        } else {
          stack[sptr++] = pl;
          stack[sptr++] = pi - 1;
          pl = pi + 1;
        }
        depthStack[psdepth++] = --cdepth;
      }
      // insertion sort of the short slice [pl, pr]: stable
      for (let pi = pl + 1; pi <= pr; pi++) {
        const vi = idx[pi];
        const vp = v[vi];
        let pj = pi;
        while (pj > pl && less(vp, v[idx[pj - 1]])) {
          idx[pj] = idx[pj - 1];
          pj--;
        }
        idx[pj] = vi;
      }
    }
    if (sptr === 0) break;
    pr = stack[--sptr];
    pl = stack[--sptr];
    cdepth = depthStack[--psdepth];
  }
  return idx;
}

/** numpy's `aheapsort_` on idx[start .. start + n): the fallback for too deep a recursion. */
function aheapsort(v: ArrayLike<number>, idx: Int32Array, start: number, n: number): void {
  // numpy indexes the heap from 1: a[k] is idx[start + k − 1]
  const a0 = start - 1;
  let i: number;
  let j: number;
  let tmp: number;
  // build the max-heap
  for (let l = n >> 1; l > 0; --l) {
    tmp = idx[a0 + l];
    for (i = l, j = l << 1; j <= n; ) {
      if (j < n && less(v[idx[a0 + j]], v[idx[a0 + j + 1]])) j += 1;
      if (!less(v[tmp], v[idx[a0 + j]])) break;
      idx[a0 + i] = idx[a0 + j];
      i = j;
      j += j;
    }
    idx[a0 + i] = tmp;
  }
  // move the maximum to the end, restore the heap on the rest
  for (; n > 1; ) {
    tmp = idx[a0 + n];
    idx[a0 + n] = idx[a0 + 1];
    n -= 1;
    for (i = 1, j = 2; j <= n; ) {
      if (j < n && less(v[idx[a0 + j]], v[idx[a0 + j + 1]])) j++;
      if (!less(v[tmp], v[idx[a0 + j]])) break;
      idx[a0 + i] = idx[a0 + j];
      i = j;
      j += j;
    }
    idx[a0 + i] = tmp;
  }
}
