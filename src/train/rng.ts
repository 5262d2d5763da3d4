/**
 * The random draws of training augmentation, from one seed. The original draws from Python's `random`
 * and NumPy's global generator (Mersenne Twister); we do not reproduce those streams, only the kinds
 * of draw (`random.choice`, `np.random.randint(low, high)` with high excluded, `random.uniform`), from
 * mulberry32: a 32-bit state, one multiply-xorshift round per draw, small and fast, and the same
 * sequence on every platform, so a seed names a crop.
 */

export interface Rng {
  /** Uniform in [0, 1). */
  random(): number;
  /** `np.random.randint(low, high)`: an integer in [low, high). */
  randint(low: number, high: number): number;
  /** `random.uniform(a, b)`: a number in [a, b). */
  uniform(a: number, b: number): number;
  /** `random.choice(items)`. */
  choice<T>(items: readonly T[]): T;
}

/** A generator seeded with `seed` (any integer; taken modulo 2^32). */
export function rng(seed: number): Rng {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    random,
    randint: (low, high) => low + Math.floor(random() * (high - low)),
    uniform: (a, b) => a + random() * (b - a),
    choice: (items) => items[Math.floor(random() * items.length)],
  };
}
