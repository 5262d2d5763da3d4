import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run as convert } from '../../src/cli/convert.js';
import { findModelFiles, loadModel } from '../../src/weights/load.js';
import { readMxnetParams } from '../../src/weights/mxnet-params.js';
import { asyncErrorOf } from './expect-error.js';
import { modelDir, paramsFile, scratchDir, symbolFile } from './model-files.js';

/** A directory with links to the real model files under the given names. */
function dirWith(files: Record<string, string>): string {
  const dir = scratchDir();
  for (const [name, target] of Object.entries(files)) symlinkSync(target, join(dir, name));
  return dir;
}

/** Runs `retinaface convert` in-process and returns what it printed. */
async function runConvert(argv: string[]): Promise<string> {
  const write = process.stdout.write;
  let printed = '';
  process.stdout.write = ((chunk: string) => { printed += chunk; return true; }) as typeof process.stdout.write;
  try {
    expect(await convert(argv)).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  return printed;
}

describe('loadModel', () => {
  it('loads the MXNet checkpoint from its directory', async () => {
    const model = await loadModel(modelDir);
    expect(model.source).toBe(paramsFile);
    expect(model.symbol.nodes.length).toBe(436);
    expect(model.params.size).toBe(273);
    expect(model.params.get('mobilenet0_conv0_weight')!.shape).toEqual([8, 3, 3, 3]);
  });

  it('loads from the .params file itself, with the sibling symbol', async () => {
    const model = await loadModel(paramsFile);
    expect(model.params.size).toBe(273);
  });

  it('converts to safetensors and loads that to the same parameters', async () => {
    const dir = scratchDir();
    const out = join(dir, 'mnet.25.safetensors');
    const printed = await runConvert(['--model', modelDir, '--out', out]);
    expect(printed).toMatch(new RegExp(`^converted 273 tensors \\(\\d+ arg, \\d+ aux\\) from ${paramsFile} to ${out}, \\d+ bytes\\n$`));
    for (const path of [out, dir]) {
      const model = await loadModel(path);
      expect(model.source).toBe(out);
      expect(model.symbol.nodes.length).toBe(436);
      const original = readMxnetParams(paramsFile).params;
      expect([...model.params.keys()].sort()).toEqual([...original.keys()].sort());
      for (const [name, t] of original) expect(Buffer.from(model.params.get(name)!.data.buffer).equals(Buffer.from(t.data.buffer)), name).toBe(true);
    }
  });

  it('refuses a directory holding two epochs, listing them', async () => {
    const dir = dirWith({ 'mnet.25-symbol.json': symbolFile, 'mnet.25-0000.params': paramsFile, 'mnet.25-0001.params': paramsFile });
    expect(await asyncErrorOf(() => loadModel(dir))).toBe(
      `${dir}: holds 2 models (mnet.25-0000.params, mnet.25-0001.params); give the one to use as the model path`,
    );
    expect((await loadModel(join(dir, 'mnet.25-0001.params'))).params.size).toBe(273);
    expect(await asyncErrorOf(() => loadModel(join(dir, 'mnet.25-symbol.json')))).toBe(
      `${join(dir, 'mnet.25-symbol.json')}: 2 epochs beside it (mnet.25-0000.params, mnet.25-0001.params); give the .params file to use`,
    );
  });

  it('takes the -symbol.json as the model path when one <prefix>-NNNN.params is beside it', async () => {
    expect((await loadModel(symbolFile)).params.size).toBe(273);
    const dir = dirWith({ 'mnet.25-symbol.json': symbolFile });
    expect(await asyncErrorOf(() => loadModel(join(dir, 'mnet.25-symbol.json')))).toBe(`${join(dir, 'mnet.25-symbol.json')}: no mnet.25-NNNN.params beside it`);
  });

  it('names the missing symbol file', async () => {
    const dir = dirWith({ 'mnet.25-0000.params': paramsFile });
    expect(await asyncErrorOf(() => loadModel(dir))).toBe(`${join(dir, 'mnet.25-symbol.json')}: cannot read (ENOENT)`);
  });

  it('refuses a directory without a model and a file that is not one', async () => {
    const dir = scratchDir();
    expect(await asyncErrorOf(() => loadModel(dir))).toMatch(/: no model inside \(looked for <prefix>-NNNN\.params with <prefix>-symbol\.json, or a \.safetensors file\)$/);
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'not a model');
    expect(await asyncErrorOf(() => loadModel(notes))).toBe(`${notes}: not a model file (expected a directory, a .safetensors file, a <prefix>-NNNN.params or a <prefix>-symbol.json file)`);
  });

  it('checks the parameters against the symbol', async () => {
    const dir = scratchDir();
    copyFileSync(paramsFile, join(dir, 'm-0000.params'));
    const symbol = JSON.parse(readFileSync(symbolFile, 'utf8'));
    const conv0 = symbol.nodes.find((n: { name: string }) => n.name === 'mobilenet0_conv0_weight');
    conv0.attrs.__shape__ = '(8L, 3L, 5L, 5L)';
    writeFileSync(join(dir, 'm-symbol.json'), JSON.stringify(symbol));
    expect(await asyncErrorOf(() => loadModel(dir))).toBe(
      `${join(dir, 'm-0000.params')}: 1 parameter(s) do not match the symbol: mobilenet0_conv0_weight is (8,3,3,3) but the symbol says (8,3,5,5)`,
    );
  });
});

describe('bad model files on disk: one WEIGHTS line naming the file', () => {
  const real = readFileSync(paramsFile);

  it('a model path that vanished between lookup and load', () => {
    const gone = join(scratchDir(), 'gone');
    return asyncErrorOf(async () => findModelFiles(gone)).then((m) => expect(m).toBe(`${gone}: cannot read (ENOENT)`));
  });

  it('truncated params, a symbol that is not JSON, a NaN weight', async () => {
    const cut = dirWith({ 'm-symbol.json': symbolFile });
    writeFileSync(join(cut, 'm-0000.params'), real.subarray(0, 100_000));
    expect(await asyncErrorOf(() => loadModel(cut))).toMatch(new RegExp(`^${join(cut, 'm-0000.params')}: truncated: the data of array #\\d+ of 273 \\(float32 \\([\\d,]+\\)\\) needs \\d+ bytes at offset \\d+, only \\d+ left$`));

    const text = dirWith({ 'm-0000.params': paramsFile });
    writeFileSync(join(text, 'm-symbol.json'), '{"nodes": [');
    expect(await asyncErrorOf(() => loadModel(text))).toMatch(new RegExp(`^${join(text, 'm-symbol.json')}: not valid JSON \\(`));

    // the last float32 of the file (the last array's last element, before the name table) set to NaN
    const nan = dirWith({ 'm-symbol.json': symbolFile });
    const bytes = new Uint8Array(real);
    const namesAt = bytes.length - [...readMxnetParams(paramsFile).params.keys()].reduce((n, name) => n + 8 + 4 + name.length, 8);
    new DataView(bytes.buffer, bytes.byteOffset).setFloat32(namesAt - 4, NaN, true);
    writeFileSync(join(nan, 'm-0000.params'), bytes);
    expect(await asyncErrorOf(() => loadModel(nan))).toMatch(new RegExp(`^${join(nan, 'm-0000.params')}: tensor \\w+ holds NaN at flat index \\d+ \\(weights must be finite\\)$`));
  });

  it('a .safetensors that is not one', async () => {
    const file = join(scratchDir(), 'm.safetensors');
    writeFileSync(file, 'hello world, not tensors');
    expect(await asyncErrorOf(() => loadModel(file))).toMatch(new RegExp(`^${file}: header length \\d+ does not fit in the 16 bytes after it$`));
  });
});

describe('retinaface convert', () => {
  it('needs --out FILE.safetensors', async () => {
    expect(await asyncErrorOf(() => convert(['--model', modelDir]), 'USAGE')).toBe('convert: --out FILE.safetensors is required');
    expect(await asyncErrorOf(() => convert(['--out', 'x.bin']), 'USAGE')).toBe('convert: --out FILE.safetensors is required');
  });

  it('reports an output it cannot write', async () => {
    const out = join(scratchDir(), 'no', 'such', 'dir.safetensors');
    expect(await asyncErrorOf(() => convert(['--model', modelDir, '--out', out]), 'IO')).toBe(`${out}: cannot write (ENOENT)`);
  });
});
