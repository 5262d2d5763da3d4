import { describe, expect, it } from 'vitest';
import { numpyExpFloat32 } from '../../src/anchors/numpy-exp.js';
import { mulberry32 } from '../helpers/random.js';

/** Distance in float32 units in the last place between two positive float32 values. */
function ulps(a: number, b: number): number {
  const buf = new Float32Array([a, b]);
  const bits = new Int32Array(buf.buffer);
  return Math.abs(bits[0] - bits[1]);
}

describe('numpy float32 exp', () => {
  it('handles the special values like numpy', () => {
    expect(numpyExpFloat32(NaN)).toBeNaN();
    expect(numpyExpFloat32(0)).toBe(1);
    expect(numpyExpFloat32(88.72283935546875)).toBe(Infinity);
    expect(numpyExpFloat32(Infinity)).toBe(Infinity);
    expect(numpyExpFloat32(-103.97208404541015625)).toBe(0);
    expect(numpyExpFloat32(-Infinity)).toBe(0);
  });

  it('stays within the kernel\'s documented 2.52 ulp of the true exp, down into denormals', () => {
    const rand = mulberry32(11);
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround(-87 + rand() * 175);
      const ours = numpyExpFloat32(x);
      expect(ours, `x=${x}`).toBe(Math.fround(ours));
      if (Math.abs(x) < 87) expect(ulps(ours, Math.fround(Math.exp(x))), `x=${x}`).toBeLessThanOrEqual(3);
    }
    // denormal results: still close in absolute terms
    for (const x of [-90, -95, -100, -103.9]) expect(Math.abs(numpyExpFloat32(Math.fround(x)) - Math.exp(x))).toBeLessThan(2 ** -149 * 2);
  });
});
