/**
 * The batch CLI as schedulers drive it: the built `retinaface detect` in child processes over a
 * small folder of photos (the shared t4/t6, generated PNGs, a broken JPEG, a text file) with
 * `--jsonl`, `--jobs`, `--shard` (also through GNU parallel, the README's recipe), `--resume`
 * after a crash, SIGINT/SIGTERM/SIGKILL, a reader closing the pipe, a list of 100 000 paths that
 * must not grow memory, and (with a handler of its own) a worker thread that dies. The reference
 * for every run is one plain uninterrupted run of the same inputs.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imagesDir, repoRoot } from '../helpers/golden.js';

const MAIN = join(repoRoot, 'dist/cli/main.js');
/** Small network inputs keep every run short; --threads 1 makes the kernel field the same with and without --jobs. */
const FAST = ['--target-size', '256', '--max-size', '480', '--threads', '1'];
/** For the 16×16 tiny.png: the network at its own size, a few milliseconds. */
const TINY = ['--scales', '1', '--threads', '1'];

const dir = mkdtempSync(join(tmpdir(), 'retinaface-batch-'));
const photos = join(dir, 'photos');
const tiny = join(dir, 'tiny.png');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function png(width: number, height: number, seed: number): Buffer {
  const image = new PNG({ width, height });
  for (let i = 0; i < image.data.length; i++) image.data[i] = (i * seed) % 251;
  return PNG.sync.write(image);
}

beforeAll(() => {
  mkdirSync(join(photos, 'a'), { recursive: true });
  mkdirSync(join(photos, 'b', 'c'), { recursive: true });
  copyFileSync(join(imagesDir, 't4.jpg'), join(photos, 'a', 't4.jpg'));
  copyFileSync(join(imagesDir, 't6.jpg'), join(photos, 'b', 'c', 't6-no-extension'));
  writeFileSync(join(photos, 'a', 'gray.png'), png(40, 30, 7));
  writeFileSync(join(photos, 'b', 'noise.png'), png(64, 48, 13));
  writeFileSync(join(photos, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
  writeFileSync(join(photos, 'notes.txt'), 'not a photo\n');
  writeFileSync(tiny, png(16, 16, 3));
});

function cli(args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(process.execPath, [MAIN, 'detect', ...args], { encoding: 'utf8', timeout: 300_000, ...options });
  return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
}

type Entry = { index: number; file: string; error?: string };
const parseLines = (text: string): Entry[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
const byIndex = (entries: Entry[]) => [...entries].sort((a, b) => a.index - b.index);
/** A --json entry as its --jsonl line, given its index. */
const withIndex = (entries: object[]) => entries.map((e, index) => ({ index, ...e }));

const EXPECTED_FILES = ['a/gray.png', 'a/t4.jpg', 'b/c/t6-no-extension', 'b/noise.png', 'broken.jpg'];

describe('retinaface detect as a batch worker', () => {
  let single: object[];
  beforeAll(() => {
    const r = cli([photos, '--json', ...FAST]);
    expect(r.code, r.stderr).toBe(1);
    single = JSON.parse(r.stdout);
  });

  it('a folder: its images by content, sorted; --jsonl lines are the --json entries with their index; --jobs 2 keeps --json order', () => {
    expect(single.map((e) => (e as Entry).file)).toEqual(EXPECTED_FILES.map((f) => join(photos, f)));
    expect((single[4] as Entry).error).toMatch(/broken\.jpg: /);
    expect((single[1] as { faces: unknown[] }).faces.length).toBeGreaterThan(10);

    const jsonl = cli([photos, '--jsonl', '--jobs', '2', ...FAST]);
    expect(jsonl.code).toBe(1);
    expect(byIndex(parseLines(jsonl.stdout))).toEqual(withIndex(single));
    expect(jsonl.stderr.trim().split('\n')).toEqual([`error: ${(single[4] as Entry).error}`]);

    const jobs = cli([photos, '--json', '--jobs', '2', ...FAST]);
    expect(JSON.parse(jobs.stdout)).toEqual(single);
  });

  it('--from - reads the paths from standard input, after the positional ones, directories expanded', () => {
    const r = cli([tiny, '--from', '-', '--jsonl', ...TINY], { input: `${join(photos, 'a')}\n\n${tiny}\n` });
    expect(r.code, r.stderr).toBe(0);
    expect(parseLines(r.stdout).map((e) => [e.index, e.file])).toEqual([[0, tiny], [1, join(photos, 'a', 'gray.png')], [2, join(photos, 'a', 't4.jpg')], [3, tiny]]);
  });

  it('--shard K/N: GNU parallel over three shards (the README recipe) gives every input once, the same as one run', () => {
    const detect = [process.execPath, MAIN, 'detect', photos, '--jsonl', '--shard', '{}/3', ...FAST, '>', join(dir, 'out-{}.jsonl')];
    const r = spawnSync('parallel', ['-j', '3', ...detect, ':::', '0', '1', '2'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(1); // parallel exits with the number of failed jobs: the shard holding broken.jpg
    const shards = [0, 1, 2].map((k) => parseLines(readFileSync(join(dir, `out-${k}.jsonl`), 'utf8')));
    expect(shards.map((lines) => lines.map((e) => e.index))).toEqual([[0, 3], [1, 4], [2]]);
    expect(byIndex(shards.flat())).toEqual(withIndex(single));
  });

  it('--resume after a crash: failed, torn and repeated lines are redone and the file equals one uninterrupted run', () => {
    const late = join(dir, 'late.png');
    const list = join(dir, 'list.txt');
    writeFileSync(list, `${photos}\n${late}\n`);
    const first = parseLines(cli(['--from', list, '--jsonl', ...FAST]).stdout);
    expect(first[5]).toEqual({ index: 5, file: late, error: `${late}: cannot read (ENOENT)` });

    // What a crash leaves: some finished lines in completion order, a failed one, a torn last line.
    const out = join(dir, 'out.jsonl');
    const line = (i: number) => JSON.stringify(first[i]);
    writeFileSync(out, [line(1), line(5), line(0), line(1), line(3).slice(0, 40)].join('\n'));
    writeFileSync(late, png(20, 20, 5));
    const append = openSync(out, 'a');
    const resumed = cli(['--from', list, '--resume', out, ...FAST], { stdio: ['ignore', append, 'pipe'] });
    closeSync(append);
    expect(resumed.code).toBe(1); // broken.jpg, retried, is still broken
    expect(resumed.stderr).toMatch(/--resume .*out\.jsonl: kept 2 finished entries, removed 3 lines to redo/);

    const uninterrupted = parseLines(cli(['--from', list, '--jsonl', ...FAST]).stdout);
    expect(uninterrupted[5]).toMatchObject({ index: 5, file: late, width: 20, height: 20 });
    expect(byIndex(parseLines(readFileSync(out, 'utf8')))).toEqual(uninterrupted);
    expect(readFileSync(out, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('SIGINT and SIGTERM stop after the images in flight, with whole lines; after those and SIGKILL, --resume completes the file', async () => {
    const list = join(dir, 'many.txt');
    const count = 1000;
    writeFileSync(list, `${tiny}\n`.repeat(count));
    for (const [signal, code, jobs] of [['SIGINT', 130, '1'], ['SIGTERM', 143, '2'], ['SIGKILL', null, '2']] as const) {
      const out = join(dir, `stopped-${signal}.jsonl`);
      const fd = openSync(out, 'w');
      const child = spawn(process.execPath, [MAIN, 'detect', '--from', list, '--jsonl', '--jobs', jobs, ...TINY], { stdio: ['ignore', fd, 'pipe'] });
      closeSync(fd);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      while (readFileSync(out, 'utf8').length === 0) await new Promise((r) => setTimeout(r, 10));
      child.kill(signal);
      expect(await exited, stderr).toBe(code);
      const text = readFileSync(out, 'utf8');
      if (signal !== 'SIGKILL') {
        expect(stderr).toMatch(new RegExp(`stopped by ${signal} after \\d+ images; --resume completes`));
        expect(text.endsWith('\n')).toBe(true);
      }
      const stopped = text.split('\n').filter((line) => line.endsWith('}')).map((line) => JSON.parse(line) as Entry);
      expect(stopped.length).toBeGreaterThan(0);
      expect(stopped.length, 'stopped before the end').toBeLessThan(count);

      const append = openSync(out, 'a');
      const resumed = cli(['--from', list, '--resume', out, '--jobs', jobs, ...TINY], { stdio: ['ignore', append, 'pipe'] });
      closeSync(append);
      expect(resumed.code, resumed.stderr).toBe(0);
      const all = byIndex(parseLines(readFileSync(out, 'utf8')));
      expect(all.map((e) => e.index)).toEqual(Array.from({ length: count }, (_, i) => i));
      expect(new Set(all.map(({ index: _, ...rest }) => JSON.stringify(rest))).size, 'the same tiny image every time').toBe(1);
    }
  });

  it('SIGINT while waiting on an idle --from - ends the batch at once', async () => {
    const child = spawn(process.execPath, [MAIN, 'detect', '--from', '-', '--jsonl', ...TINY], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin!.write(`${tiny}\n`);
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    child.stdin!.destroy();
  });

  it('a reader that closes the pipe (| head) stops the batch quietly, as SIGPIPE does', async () => {
    const list = join(dir, 'piped.txt');
    writeFileSync(list, `${tiny}\n`.repeat(1000));
    const child = spawn(process.execPath, [MAIN, 'detect', '--from', list, '--jsonl', ...TINY], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((resolve) => child.stdout!.once('data', resolve));
    child.stdout!.destroy();
    expect(await exited).toBe(141);
    expect(stderr).toBe('');
  });

  it('a worker that dies fails only its input, and the next input gets a fresh worker', () => {
    // runBatch with a handler of its own that exits its thread on one input (as an out-of-memory
    // worker would die), run as a command would run it.
    const handler = join(dir, 'dying-handler.mjs');
    writeFileSync(handler, `import { threadId } from 'node:worker_threads';
export const openHandler = async () => ({
  async process({ path }) {
    if (path === 'dies') process.exit(3);
    return { entry: { worker: threadId > 0 }, text: '' };
  },
  close() {},
});`);
    const script = join(dir, 'dying-batch.mjs');
    writeFileSync(script, `import { runBatch, batchOptions } from ${JSON.stringify(join(repoRoot, 'dist/cli/batch.js'))};
import { parseArgs } from ${JSON.stringify(join(repoRoot, 'dist/cli/args.js'))};
const args = parseArgs('dying', process.argv.slice(2), { values: ['jobs'], switches: ['json'] });
process.exitCode = await runBatch(batchOptions('dying', args), { module: ${JSON.stringify(`file://${handler}`)}, settings: {}, names: false });`);
    const r = spawnSync(process.execPath, [script, 'a', 'b', 'dies', 'c', 'd', 'e', '--jobs', '2', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual([
      { file: 'a', worker: true },
      { file: 'b', worker: true },
      { file: 'dies', error: 'internal: the worker exited (code 3)' },
      ...['c', 'd', 'e'].map((file) => ({ file, worker: true })),
    ]);
    expect(r.stderr).toBe('error: dies: internal: the worker exited (code 3)\n');
  });

  it('memory: 100 000 long paths streamed through --from cost no more than 500', () => {
    // Paths of ~500 characters (tiny.png behind 240 "./"): held in memory, 100 000 of them would be
    // ~50 MB, more than the 32 MB old space the child gets; its young space is kept small too, so
    // that garbage not yet collected does not pass for growth.
    const long = join(dir, './'.repeat(240), 'tiny.png');
    const peakRss = (count: number, shard: string) => {
      const list = join(dir, `long-${count}.txt`);
      writeFileSync(list, `${long}\n`.repeat(count));
      const report = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
      const node = ['--max-old-space-size=32', '--max-semi-space-size=1', '--import', report];
      const r = spawnSync(process.execPath, [...node, MAIN, 'detect', '--from', list, '--jsonl', '--shard', shard, ...TINY], { encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(parseLines(r.stdout)).toHaveLength(500);
      return Number(/maxrss (\d+)/.exec(r.stderr)![1]) / 1024;
    };
    const few = peakRss(500, '0/1');
    const many = peakRss(100_000, '7/200');
    expect(many - few, `peak RSS ${few.toFixed(0)} MB for 500 paths, ${many.toFixed(0)} MB for 100 000`).toBeLessThan(10);
  });

  it('bad batch flags are usage errors before the model loads', () => {
    for (const [args, message] of [
      [['x.jpg', '--shard', '3/3'], /--shard must be K\/N with 0 <= K < N, got '3\/3'/],
      [['x.jpg', '--shard', '1'], /--shard must be K\/N/],
      [['x.jpg', '--jobs', '0'], /--jobs must be a whole number from 1 to 64, got '0'/],
      [['x.jpg', '--json', '--jsonl'], /--json cannot be combined with --jsonl or --resume/],
      [['x.jpg', '--json', '--resume', 'out.jsonl'], /--json cannot be combined/],
    ] as const) {
      const r = cli([...args, '--model', join(dir, 'no-model')]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n'), 'one line, no stack trace').toHaveLength(1);
    }
    const list = cli(['--from', join(dir, 'no-such-list.txt'), '--jsonl', ...TINY]);
    expect([list.code, list.stdout, list.stderr]).toEqual([1, '', `error: ${join(dir, 'no-such-list.txt')}: cannot read (ENOENT)\n`]);
  });
});
