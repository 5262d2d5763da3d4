/**
 * `retinaface bench --json` at a tiny size (64×64 forward, one run, detect at scale 0.05) on the
 * reference, the wasm (default) and the gpu backend: exactly one line of JSON with every field the issue names, of
 * the right type. No timing is asserted: the machine is shared.
 */
import { describe, expect, it, vi } from 'vitest';
import { run as bench } from '../../src/cli/bench.js';

const MODEL = new URL('../../../shared/models/mnet.25', import.meta.url).pathname;

async function capture(argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
  try {
    return { code: await bench(argv), text: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

const spread = { median: expect.any(Number), min: expect.any(Number), max: expect.any(Number) };

describe('retinaface bench --json', () => {
  for (const [backend, kernel] of [['cpu', /^reference$/], ['wasm', /^wasm-simd128( ×\d threads)? \+ reference Reshape$/], ['gpujs', /^(WebAssemblyKernel|HeadlessGLKernel)$/]] as const) {
    it(`${backend}: one JSON line with backend, kernel, size, forward_ms, detect_ms, cold_start_ms, forward_peak_rss_mb, peak_rss_mb, kernels`, async () => {
      const r = await capture(['--model', MODEL, '--size', '64x48', '--runs', '1', '--backend', backend, '--scale', '0.05', '--json']);
      expect(r.code).toBe(0);
      expect(r.text.endsWith('\n')).toBe(true);
      expect(r.text.trim().split('\n')).toHaveLength(1);
      const result = JSON.parse(r.text);
      expect(Object.keys(result)).toEqual(['backend', 'kernel', 'size', 'forward_ms', 'detect_ms', 'cold_start_ms', 'forward_peak_rss_mb', 'peak_rss_mb', 'kernels']);
      expect(result.kernels.length).toBeGreaterThan(70);
      expect(result.kernels[0]).toMatchObject({ node: expect.stringMatching(/^mobilenet0_/), op: 'Convolution', stage: 'backbone', kernel: expect.any(String), ms: expect.any(Number) });
      expect(result.kernels.filter((k: { kernel: string }) => k.kernel === 'reference').length > 0).toBe(backend !== 'gpujs');
      expect(result).toMatchObject({ backend, size: '64x48', forward_ms: spread, detect_ms: { ...spread, image: expect.stringMatching(/t1\.jpg$/), runs: 1 } });
      expect(result.kernel).toMatch(kernel);
      expect(result.forward_ms.min).toBeLessThanOrEqual(result.forward_ms.median);
      expect(result.forward_ms.median).toBeLessThanOrEqual(result.forward_ms.max);
      expect(result.cold_start_ms).toBeGreaterThan(0);
      expect(result.forward_peak_rss_mb).toBeGreaterThan(0);
      expect(result.peak_rss_mb).toBeGreaterThanOrEqual(result.forward_peak_rss_mb); // maxRSS only grows
    });
  }

  it('--model mnet_cov2 (wasm): the mask model benchmarks the same way, its first node the graph\'s own input scaling', async () => {
    const r = await capture(['--model', 'mnet_cov2', '--size', '64x48', '--runs', '1', '--scale', '0.05', '--json']);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.text);
    expect(result.kernels.length).toBeGreaterThan(100); // the fused plan: BatchNorm and relu folded into the 74 convolutions
    expect(result.kernels.slice(0, 3).map((k: { op: string }) => k.op)).toEqual(['_minus_scalar', '_mul_scalar', 'Convolution']);
    expect(result.kernels.filter((k: { op: string }) => k.op === 'SoftmaxActivation')).toHaveLength(6);
    expect(result.kernel).toMatch(/^wasm-simd128( ×\d threads)? \+ reference Reshape$/);
  });

  it('a malformed --size is a usage error naming the flag', async () => {
    await expect(capture(['--size', '64', '--json'])).rejects.toThrow(/--size must be WxH/);
  });
});
