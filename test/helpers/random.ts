/** Seeded randomness for tests (mulberry32): the same seed gives the same tensors on every run. */
import type { Shape } from '../../src/tensor/shape.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform values in [-1, 1). */
export function randomArray(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** Seeds per seeded case: its own, and this many − 1 after it. */
export const SEEDS_PER_CASE = 3;

/** A case's first seed, from its title (FNV-1a), so that filtering with `-t` changes no input. */
export function seedOf(title: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < title.length; i++) h = Math.imul(h ^ title.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** Draws tensors of uniform values in [-1, 1), one after another from one stream seeded with `seed`. */
export function randomTensors(seed: number): (shape: Shape) => Tensor {
  const rand = mulberry32(seed);
  return (shape) => {
    const t = tensor(shape);
    for (let i = 0; i < t.data.length; i++) t.data[i] = rand() * 2 - 1;
    return t;
  };
}

/**
 * Runs `body` once per seed of the case (seedOf(title), then the next SEEDS_PER_CASE − 1), with a
 * tensor source for that seed; a failure's message starts with the seed that failed.
 */
export async function withSeeds(title: string, body: (random: (shape: Shape) => Tensor, seed: number) => void | Promise<void>): Promise<void> {
  const first = seedOf(title);
  for (let seed = first; seed < first + SEEDS_PER_CASE; seed++) {
    try {
      await body(randomTensors(seed), seed);
    } catch (err) {
      if (err instanceof Error) err.message = `[seed ${seed}] ${err.message}`;
      throw err;
    }
  }
}
