/**
 * The kernel benchmarks' shared harness: seeded inputs, a check against the reference op before
 * any timing (a variant that disagrees is reported and not timed), then the minimum of several
 * runs after a warm-up call (minimum, because other processes share the two cores and only ever
 * add time).
 *
 * Run a benchmark by compiling the repo with tsc into a folder under node_modules (so `gpu.js`
 * resolves) and starting the compiled file, e.g.
 *   npx tsc -p tsconfig.json --outDir node_modules/.cache/rf-bench
 *   node node_modules/.cache/rf-bench/bench/kernels/convolution-dense.js [mode]
 * where mode is a gpu.js mode of src/ops/gpu/device.ts (default webasm; headlessgl under xvfb-run).
 */
import { GPU_MODES, type GpuMode } from '../../src/ops/gpu/device.js';

export function modeFromArgv(): GpuMode {
  const mode = (process.argv[2] ?? 'webasm') as GpuMode;
  if (!GPU_MODES.includes(mode)) throw new Error(`unknown mode ${mode}: one of ${GPU_MODES.join(', ')}`);
  return mode;
}

/** Uniform values in [-1, 1) from a fixed seed (mulberry32). */
export function seeded(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

/** max |a − b| / max(1, max |b|): the golden README's rule. */
export function relativeError(ours: Float32Array, ref: Float32Array): number {
  let maxAbs = 0;
  let refMax = 0;
  for (let i = 0; i < ref.length; i++) {
    const d = Math.abs(ours[i] - ref[i]);
    if (!(d <= maxAbs)) maxAbs = d;
    refMax = Math.max(refMax, Math.abs(ref[i]));
  }
  return maxAbs / Math.max(1, refMax);
}

export interface Variant {
  name: string;
  /** One call of the variant (this is what is timed); returns its raw output. */
  run: () => Promise<unknown>;
  /** The raw output as NCHW, for the check (not timed). */
  nchw: (raw: unknown) => Float32Array;
  /** The kernel class that ran, read after the first call. */
  kernelClass: () => string;
}

/** Checks each variant against `ref`, times the ones that agree, prints one row each. */
export async function compare(title: string, flop: number, ref: Float32Array, variants: Variant[], runs = 5): Promise<void> {
  console.log(`${title}: ${(flop / 1e6).toFixed(1)} MFLOP, min of ${runs} runs after one warm-up`);
  for (const v of variants) {
    const first = performance.now();
    const raw = await v.run();
    const firstMs = performance.now() - first;
    const err = relativeError(v.nchw(raw), ref);
    if (!(err <= 1e-4)) {
      console.log(`  ${v.name.padEnd(44)} DISAGREES with the reference: rel err ${err.toExponential(2)}`);
      continue;
    }
    let best = Infinity;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      await v.run();
      best = Math.min(best, performance.now() - t0);
    }
    console.log(
      `  ${v.name.padEnd(44)} ${best.toFixed(1).padStart(7)} ms ${(flop / best / 1e6).toFixed(2).padStart(6)} GFLOP/s` +
        `  first call ${firstMs.toFixed(0)} ms  rel err ${err.toExponential(1)}  ${v.kernelClass()}`,
    );
  }
}
