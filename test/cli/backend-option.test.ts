/**
 * --backend's names: ours (cpu, wasm) and gpu.js's, prefixed gpujs so that gpu.js's webasm is not
 * taken for our wasm; the old gpu.js names still work, with a one-line note on stderr.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { backendOption } from '../../src/cli/detect.js';
import { BACKEND_NAMES, backendNamed } from '../../src/detect/engine.js';

const option = (...argv: string[]) => backendOption(parseArgs('detect', argv, { values: ['backend'], switches: [] }));

describe('--backend', () => {
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  afterEach(() => stderr.mockClear());

  it('takes every backend name as it is, silently; wasm when absent', () => {
    for (const name of BACKEND_NAMES) expect(option('--backend', name)).toBe(name);
    expect(option()).toBe('wasm');
    expect(stderr).not.toHaveBeenCalled();
  });

  for (const [old, now] of [['gpu', 'gpujs'], ['webasm', 'gpujs-webasm'], ['headlessgl', 'gpujs-headlessgl'], ['webgl2', 'gpujs-webgl2']]) {
    it(`${old} is an old name for ${now}: accepted, with one note`, () => {
      expect(option('--backend', old)).toBe(now);
      expect(stderr).toHaveBeenCalledTimes(1);
      expect(String(stderr.mock.calls[0][0])).toMatch(new RegExp(`^note: --backend ${old} is now called ${now} \\(.*\\)\\n$`));
    });
  }

  it('an unknown name is a usage error listing the names; no alias reaches past the gpu.js ones', () => {
    expect(() => option('--backend', 'tpu')).toThrow("detect: --backend must be one of cpu, wasm, gpujs, gpujs-webasm, gpujs-headlessgl, gpujs-webgl2, got 'tpu'");
    expect(backendNamed('toString')).toBeUndefined();
    expect(backendNamed('GPU')).toBeUndefined();
  });
});
