/**
 * The `dump` and `compare` commands end to end on the reference backend: dump every node for the
 * golden layers-t4-328x168 input, compare with the golden folder (all within tolerance), then
 * spoil one node and see compare fail on exactly that node.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run as compare } from '../../src/cli/compare.js';
import { run as dump } from '../../src/cli/dump.js';
import { readNpyFloat32, writeNpyFloat32 } from '../../src/tensor/npy.js';
import { goldenPath } from '../helpers/golden.js';

const MODEL = new URL('../../../shared/models/mnet.25', import.meta.url).pathname;
const golden = goldenPath('layers-t4-328x168', '');
const out = mkdtempSync(join(tmpdir(), 'rf-dump-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Runs a command, returning its exit code and what it printed. */
async function capture(command: (argv: string[]) => Promise<number>, argv: string[]): Promise<{ code: number; text: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (lines.push(String(s)), true));
  try {
    return { code: await command(argv), text: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('retinaface dump / compare', () => {
  it('dump writes data.npy, 162 node files and a manifest in graph order', async () => {
    const r = await capture(dump, ['--model', MODEL, '--input', join(golden, 'data.npy'), '--out', out]);
    expect(r.code).toBe(0);
    expect(r.text).toMatch(/^dumped 163 tensors for input \(1,3,168,328\) to .* \(backend cpu, forward \d+ ms\)\n$/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const goldenFiles = Object.keys(JSON.parse(readFileSync(join(golden, 'manifest.json'), 'utf8')).files);
    expect(Object.keys(manifest.files)).toEqual(goldenFiles);
  });

  it('compare against the golden folder: one row per node in graph order, exit 0', async () => {
    const r = await capture(compare, [golden, out]);
    expect(r.code).toBe(0);
    const rows = r.text.trim().split('\n');
    expect(rows).toHaveLength(1 + 163 + 1);
    expect(rows[1]).toMatch(/^data +\(1,3,168,328\) +0\.00e\+0 +0\.00e\+0$/);
    expect(rows[2]).toMatch(/^mobilenet0_conv0_fwd +\(1,8,84,164\) /);
    expect(rows.at(-1)).toBe('all 163 nodes within tol 0.0001·max(1, max|ref|)');
  });

  it('a spoiled node fails by name, with exit 1', async () => {
    const file = join(out, 'rf_c2_aggr.npy');
    const t = readNpyFloat32(new Uint8Array(readFileSync(file)), file);
    t.data[17] += 0.5;
    writeFileSync(file, writeNpyFloat32(t.shape, t.data));
    const r = await capture(compare, [golden, out, '--tol', '1e-4']);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/\nrf_c2_aggr +\(1,64,11,21\) +5\.0\de-1 +.* OVER\n/);
    expect(r.text.trim().split('\n').at(-1)).toBe('1 of 163 nodes over tol 0.0001·max(1, max|ref|): first rf_c2_aggr');
  });

  it('a NaN fails its node even when a later element is close, and is reported as such', async () => {
    const file = join(out, 'rf_c1_aggr.npy');
    const t = readNpyFloat32(new Uint8Array(readFileSync(file)), file);
    t.data[3] = NaN;
    writeFileSync(file, writeNpyFloat32(t.shape, t.data));
    const r = await capture(compare, [golden, out]);
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/\nrf_c1_aggr +\(1,64,21,41\) +NaN +NaN  NaN at 3\n/);
    expect(r.text.trim().split('\n').at(-1)).toBe('2 of 163 nodes over tol 0.0001·max(1, max|ref|): first rf_c2_aggr, then rf_c1_aggr');
  });

  it('dump --verbose on wasm lists every node with its stage and the kernel that ran it, reference where wasm has none', async () => {
    const r = await capture(dump, ['--model', MODEL, '--input', join(golden, 'data.npy'), '--out', join(out, 'wasm'), '--nodes', 'crop0', '--backend', 'wasm', '--verbose']);
    expect(r.code).toBe(0);
    const rows = r.text.trim().split('\n');
    expect(rows[0]).toMatch(/^node +op +stage +kernel +time$/);
    expect(rows).toHaveLength(1 + 162 + 1);
    expect(rows[1]).toMatch(/^mobilenet0_conv0_fwd +Convolution +backbone +wasm-simd128( ×\d threads)? +\d+\.\d\d ms$/);
    expect(rows.find((row) => row.startsWith('mobilenet0_batchnorm0_fwd '))).toMatch(/ BatchNorm +backbone +reference +\d/);
    expect(rows.find((row) => row.startsWith('crop0 '))).toMatch(/ Crop +fpn +wasm-simd128/);
    expect(rows.find((row) => row.startsWith('face_rpn_cls_score_reshape_stride32 '))).toMatch(/ Reshape +heads +reference +\d/);
  });

  it('usage errors: a bad --backend, a missing --out', async () => {
    await expect(dump(['--input', 'x.npy', '--out', out, '--backend', 'tpu'])).rejects.toThrow("dump: --backend must be one of cpu, wasm, gpujs, gpujs-webasm, gpujs-headlessgl, gpujs-webgl2, got 'tpu'");
    await expect(dump(['--input', 'x.npy'])).rejects.toThrow('dump: --input FILE and --out DIR are required');
  });
});
