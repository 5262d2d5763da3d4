/**
 * Host-side cost of a kernel result: gpu.js's webasm backend copies every result out of the
 * kernel's shared memory with `slice` (a fresh Float32Array: zeroed, page-faulted), against the
 * same copy into a buffer reused from a pool (src/ops/gpu/device.ts `take` / `give`). The size is
 * rf_c1_aggr's output at 640×640 (16 blocks × 82 × 84 cells × 4 = 0.44 M values, 1.8 MB); median of 15.
 * Usage, compiled as harness.ts says:  node .../bench/kernels/host-copies.js
 */
const n = 16 * 82 * 84 * 4;
const shared = new Float32Array(new SharedArrayBuffer(n * 4));
const reused = new Float32Array(n);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fresh: number[] = [];
const pooled: number[] = [];
for (let r = 0; r < 15; r++) {
  let t = performance.now();
  const copy = shared.slice(0, n);
  fresh.push(performance.now() - t);
  t = performance.now();
  reused.set(shared.subarray(0, n));
  pooled.push(performance.now() - t);
  if (copy.length !== n) throw new Error('short copy');
}
console.log(`${(n * 4 / 1e6).toFixed(1)} MB result: slice into a fresh array ${median(fresh).toFixed(2)} ms (max ${Math.max(...fresh).toFixed(2)}), copy into a reused one ${median(pooled).toFixed(2)} ms (max ${Math.max(...pooled).toFixed(2)})`);
