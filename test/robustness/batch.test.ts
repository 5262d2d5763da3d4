/**
 * The acceptance batch of issue 6: every bad image of the corpus (corpus.ts) and every good one,
 * with a real photo, a missing file and a directory (standing for its one image), interleaved in a
 * seeded order, written to a temp dir and given to ONE `retinaface detect --json` process. It must
 * give one entry per input in input order (bad ones `{file, error}` naming the file in one line,
 * good ones detected), one `error: <file>: ...` line on stderr per bad input and nothing else there
 * (no stack trace), and exit 1. Then the usage errors (exit 2 with a hint, before the model loads) and bad model files
 * (exit 1, one line naming the file), each a process of its own.
 *
 * The CLI runs as users run it, `node dist/cli/main.js`, from the current sources transpiled into a
 * private temp folder (test/helpers/transpile.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesDir, sharedDir } from '../helpers/golden.js';
import { transpiledPackage } from '../helpers/transpile.js';
import { mulberry32 } from '../helpers/random.js';
import { makePng } from '../image/make-image.js';
import { badImages, goodImages, type BatchCase } from './corpus.js';

const MODEL = join(sharedDir, 'models/mnet.25');
/**
 * Every image at its own size keeps the batch fast (the photo is 640x360) and runs the network on
 * 1x1 and 8x8 inputs, on the default backend (wasm).
 */
const SIZE = ['--scales', '1'];

let dir: string;
let main: string;

interface Run { code: number | null; stdout: string; stderr: string }

function cli(...argv: string[]): Run {
  const r = spawnSync(process.execPath, [main, ...argv], { cwd: dir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, RETINAFACE_MODEL: MODEL } });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** No stack trace and nothing but `error: ...` lines on stderr. */
function expectCleanStderr(stderr: string, lines: number): string[] {
  const rows = stderr.split('\n').filter((l) => l !== '');
  expect(rows, stderr).toHaveLength(lines);
  for (const row of rows) {
    expect(row).toMatch(/^error: /);
    expect(row).not.toMatch(/^\s+at |internal:/);
  }
  return rows;
}

beforeAll(async () => {
  dir = await transpiledPackage('retinaface-batch-');
  main = join(dir, 'dist/cli/main.js');
  expect(readFileSync(main, 'utf8')).toMatch(/["']\.\/detect\.js["']/);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('retinaface detect over the whole corpus in one run', () => {
  it('one entry per input in order; bad ones one line naming the file, good ones detected; exit 1', () => {
    const images = join(dir, 'images');
    mkdirSync(images);
    // A directory stands for the images inside it (issue 16), so folder.jpg lists as its one PNG.
    mkdirSync(join(images, 'folder.jpg'));
    writeFileSync(join(images, 'folder.jpg', 'inside.png'), makePng({ width: 8, height: 8, bitDepth: 8, colorType: 0, samples: new Array(64).fill(200) }));
    copyFileSync(join(imagesDir, 't4.jpg'), join(images, 'group.jpg'));
    const special: BatchCase[] = [
      { file: 'group.jpg', bytes: new Uint8Array(0), error: null },
      { file: 'missing.jpg', bytes: new Uint8Array(0), error: /missing\.jpg: cannot read \(ENOENT\)/ },
      { file: 'folder.jpg', bytes: new Uint8Array(0), error: null },
      // decodes, but at scale 1 a 4000x1 sliver is fine while at the default size rule it would be 1980x0
      { file: 'sliver.png', bytes: new Uint8Array(0), error: null },
    ];
    writeFileSync(join(images, 'sliver.png'), makePng({ width: 4000, height: 1, bitDepth: 8, colorType: 0, samples: new Array(4000).fill(90) }));
    for (const c of [...badImages(), ...goodImages()]) writeFileSync(join(images, c.file), c.bytes);
    // a seeded shuffle, so good and bad inputs alternate unpredictably
    const rand = mulberry32(6);
    const cases = [...badImages(), ...goodImages(), ...special].map((c) => ({ c, key: rand() })).sort((a, b) => a.key - b.key).map(({ c }) => c);
    const args = cases.map((c) => join('images', c.file));
    const files = args.map((f) => (f === join('images', 'folder.jpg') ? join(f, 'inside.png') : f));

    const t0 = performance.now();
    const r = cli('detect', ...args, '--json', ...SIZE);
    const seconds = (performance.now() - t0) / 1000;

    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout.trim().split('\n'), 'one JSON line').toHaveLength(1);
    const entries = JSON.parse(r.stdout) as Array<{ file: string; error?: string; width?: number; height?: number; faces?: unknown[] }>;
    expect(entries.map((e) => e.file)).toEqual(files);

    const bad = cases.filter((c) => c.error !== null);
    const stderr = expectCleanStderr(r.stderr, bad.length);
    let b = 0;
    cases.forEach((c, i) => {
      const entry = entries[i];
      const file = files[i];
      if (c.error === null) {
        expect(entry.error, `${file} should be detected`).toBeUndefined();
        expect(Array.isArray(entry.faces), file).toBe(true);
        expect(entry.width! * entry.height!, file).toBeGreaterThan(0);
      } else {
        expect(entry.error, `${file} should fail`).toBeDefined();
        expect(entry.error!.startsWith(`${file}: `), entry.error).toBe(true);
        expect(entry.error).toMatch(c.error);
        expect(entry.error).not.toContain('\n');
        expect(stderr[b++]).toBe(`error: ${entry.error}`);
      }
    });
    const faces = (name: string) => entries[files.indexOf(join('images', name))].faces!.length;
    expect(faces('group.jpg')).toBeGreaterThan(10);
    expect(faces('one.png')).toBe(0);
    expect(faces('eight.jpg')).toBe(0);
    console.log(`batch: ${files.length} inputs (${bad.length} bad) in ${seconds.toFixed(1)} s`);
  });
});

describe('usage errors: exit 2 with a hint, before the model is loaded', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['threshold above 1', ['--threshold', '1.5'], /--threshold: 1\.5 must be in \[0, 1\]/],
    ['threshold below 0', ['--threshold', '-0.1'], /--threshold: -0\.1 must be in \[0, 1\]/],
    ['threshold not a number', ['--threshold', 'high'], /--threshold must be a number, got 'high'/],
    ['nms of 0', ['--nms', '0'], /--nms: 0 must be in \(0, 1\]/],
    ['nms above 1', ['--nms', '1.01'], /--nms: 1\.01 must be in \(0, 1\]/],
    ['a zero scale', ['--scales', '1,0'], /--scales: \[1,0\] must hold only positive finite numbers/],
    ['a negative scale', ['--scales', '-2'], /--scales: \[-2\] must hold only positive finite numbers/],
    ['a scale that is no number', ['--scales', '1,x'], /--scales must be a comma-separated list of numbers, got '1,x'/],
    ['an unknown flag', ['--frobnicate'], /unknown option --frobnicate \(known: .*--threshold VALUE/],
    ['no image', [], /no image given/],
  ];
  const usageLine = (what: string, flags: string[]): string => {
    const r = cli('detect', ...(what === 'no image' ? [] : ['x.jpg']), ...flags, '--model', join(dir, 'no-such-model'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    return expectCleanStderr(r.stderr, 1)[0];
  };
  for (const [what, flags, pattern] of cases) {
    it(what, () => {
      const line = usageLine(what, flags);
      expect(line).toMatch(pattern);
      expect(line).toMatch(/see retinaface detect --help|known:/);
    });
  }
});

describe('absurd scales: an image scaled past the pixel limit is refused for that image (exit 1)', () => {
  it('--scales 1000 on a 20x14 and an 8x8 image (280 MP, 64 MP), both over the default 50 MP', () => {
    const images = join(dir, 'scaled');
    mkdirSync(images, { recursive: true });
    for (const c of goodImages()) writeFileSync(join(images, c.file), c.bytes);
    const files = [join('scaled', 'rgb.png'), join('scaled', 'eight.jpg')];
    const r = cli('detect', ...files, '--scales', '1000', '--json');
    expect(r.code, r.stderr).toBe(1);
    const entries = JSON.parse(r.stdout) as Array<{ file: string; error?: string }>;
    expect(entries.map((e) => e.file)).toEqual(files);
    expect(entries[0].error).toBe('scale 1000: the 20x14 image would become 20000x14000, over the limit of 50.0 MP (maxPixels)');
    expect(entries[1].error).toMatch(/^scale 1000: the 8x8 image would become 8000x8000, over the limit of 50\.0 MP/);
    // the entry has the file beside the error; the stderr line puts it in front
    expect(expectCleanStderr(r.stderr, 2)).toEqual(entries.map((e) => `error: ${e.file}: ${e.error}`));
  });

  it('a 4000x1 sliver at the default size rule (long side capped at 1980) would be 1980x0: refused for that image', () => {
    writeFileSync(join(dir, 'sliver.png'), makePng({ width: 4000, height: 1, bitDepth: 8, colorType: 0, samples: new Array(4000).fill(90) }));
    const r = cli('detect', 'sliver.png', '--json');
    expect(r.code, r.stderr).toBe(1);
    const [entry] = JSON.parse(r.stdout) as Array<{ file: string; error?: string }>;
    expect(entry.error).toMatch(/4000x1 .*gives an empty 1980x0 image/);
    expectCleanStderr(r.stderr, 1);
  });
});

describe('bad model files: exit 1, one line naming the file', () => {
  const real = readFileSync(join(MODEL, 'mnet.25-0000.params'));
  const models: Array<[string, (d: string) => void, RegExp]> = [
    ['a missing model path', () => {}, /no-model: no such file or directory/],
    ['truncated params', (d) => {
      copyFileSync(join(MODEL, 'mnet.25-symbol.json'), join(d, 'm-symbol.json'));
      writeFileSync(join(d, 'm-0000.params'), real.subarray(0, 5000));
    }, /m-0000\.params: truncated: /],
    ['params with a wrong magic', (d) => {
      copyFileSync(join(MODEL, 'mnet.25-symbol.json'), join(d, 'm-symbol.json'));
      writeFileSync(join(d, 'm-0000.params'), Buffer.concat([Buffer.from([0x13]), real.subarray(1)]));
    }, /m-0000\.params: not an MXNet NDArray list \(magic 0x113, expected 0x112\)/],
    ['a symbol with an op we do not know', (d) => {
      const symbol = JSON.parse(readFileSync(join(MODEL, 'mnet.25-symbol.json'), 'utf8'));
      symbol.nodes.find((n: { op: string }) => n.op === 'Activation').op = 'LeakyReLU';
      writeFileSync(join(d, 'm-symbol.json'), JSON.stringify(symbol));
      copyFileSync(join(MODEL, 'mnet.25-0000.params'), join(d, 'm-0000.params'));
    }, /'LeakyReLU' is not supported/],
  ];
  for (const [what, make, pattern] of models) {
    it(what, () => {
      const model = join(dir, what === 'a missing model path' ? 'no-model' : what.replace(/\W+/g, '-'));
      if (what !== 'a missing model path') { mkdirSync(model); make(model); }
      writeFileSync(join(dir, 'ok.png'), goodImages()[0].bytes);
      const r = cli('detect', 'ok.png', '--model', model, '--json', ...SIZE);
      expect(r.code, r.stderr).toBe(1);
      const [line] = expectCleanStderr(r.stderr, 1);
      expect(line).toMatch(pattern);
    });
  }
});
