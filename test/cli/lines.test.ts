/**
 * The pieces under the batch CLI, in process: lines read as they arrive (a torn last line said
 * so), the input list (directories expanded in sorted order, images recognised by content, a
 * list streamed rather than read whole) and `--resume`'s reading and in-place trimming of
 * OUT.jsonl.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expand, inputPaths, numbered } from '../../src/cli/inputs.js';
import { fileLines, readLines } from '../../src/cli/lines.js';
import { IndexSet, resumeFrom } from '../../src/cli/resume.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  yield* parts;
}

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);

describe('readLines', () => {
  it('splits across chunk boundaries; counts UTF-8 bytes; a last line without newline is incomplete', async () => {
    const lines = await collect(readLines(chunks('a\nbé', 'c\n\nlast', ' torn')));
    expect(lines).toEqual([
      { text: 'a', bytes: 2, complete: true },
      { text: 'béc', bytes: 5, complete: true },
      { text: '', bytes: 1, complete: true },
      { text: 'last torn', bytes: 9, complete: false },
    ]);
    expect(await collect(readLines(chunks('x\n')))).toEqual([{ text: 'x', bytes: 2, complete: true }]);
  });

  it('a missing file is one IO error naming it', async () => {
    await expect(collect(fileLines(join(dir, 'nope.txt')))).rejects.toThrow(/nope\.txt: cannot read \(ENOENT\)/);
  });
});

describe('the input list', () => {
  it('a directory: its images by content, recursively, in code-unit order; other paths as given', () => {
    const photos = join(dir, 'photos');
    mkdirSync(join(photos, 'b', 'deep'), { recursive: true });
    mkdirSync(join(photos, 'B'));
    writeFileSync(join(photos, 'z.jpg'), JPEG);
    writeFileSync(join(photos, 'a-no-extension'), PNG);
    writeFileSync(join(photos, 'README.jpg'), 'not an image, whatever the name says');
    writeFileSync(join(photos, 'b', 'deep', 'x.png'), PNG);
    writeFileSync(join(photos, 'b', 'w.jpeg'), JPEG);
    writeFileSync(join(photos, 'B', 'y.gif'), 'GIF89a and more');
    writeFileSync(join(photos, 'empty.png'), '');
    expect([...expand(photos)]).toEqual(
      ['B/y.gif', 'a-no-extension', 'b/deep/x.png', 'b/w.jpeg', 'z.jpg'].map((p) => join(photos, p)),
    );
    expect([...expand('missing.jpg')]).toEqual(['missing.jpg']);
  });

  it('positionals, then --from lines (CRLF and blank lines tolerated); indices over the whole list; unique names', async () => {
    const list = join(dir, 'list.txt');
    writeFileSync(list, 'one/t1.jpg\r\n\r\ntwo/t1.png\nt2.jpg');
    const inputs = await collect(numbered(inputPaths(['t2.jpg', 't1-2.jpg'], list), true));
    expect(inputs).toEqual([
      { index: 0, path: 't2.jpg', name: 't2' },
      { index: 1, path: 't1-2.jpg', name: 't1-2' },
      { index: 2, path: 'one/t1.jpg', name: 't1' },
      { index: 3, path: 'two/t1.png', name: 't1-3' },
      { index: 4, path: 't2.jpg', name: 't2-2' },
    ]);
  });

  it('is streamed: the first inputs of a list that never ends arrive', async () => {
    async function* endless() {
      for (let i = 0; ; i++) yield `photo-${i}.jpg`;
    }
    const first: string[] = [];
    for await (const input of numbered(endless(), false)) {
      first.push(`${input.index}:${input.path}`);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['0:photo-0.jpg', '1:photo-1.jpg', '2:photo-2.jpg']);
  });
});

describe('--resume', () => {
  const entry = (index: number, extra: object = {}) => JSON.stringify({ index, file: `f${index}.jpg`, faces: [], ...extra });

  it('keeps successful entries, removes failed, repeated, unreadable and torn lines in place', async () => {
    const out = join(dir, 'out.jsonl');
    const lines = [
      entry(0),
      JSON.stringify({ index: 1, file: 'f1.jpg', error: 'f1.jpg: cannot read (ENOENT)' }),
      entry(2, { note: 'é' }),
      entry(0),
      'garbage',
      entry(3),
      entry(5).slice(0, 20),
    ];
    writeFileSync(out, lines.join('\n'));
    const { done, kept, dropped } = await resumeFrom(out);
    expect([kept, dropped]).toEqual([3, 4]);
    expect([0, 1, 2, 3, 4, 5].map((i) => done.has(i))).toEqual([true, false, true, true, false, false]);
    expect(readFileSync(out, 'utf8')).toBe([entry(0), entry(2, { note: 'é' }), entry(3)].join('\n') + '\n');
  });

  it('a clean file is left as it is; a missing one means nothing done', async () => {
    const out = join(dir, 'clean.jsonl');
    const text = `${entry(1)}\n${entry(0)}\n`;
    writeFileSync(out, text);
    expect((await resumeFrom(out)).kept).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe(text);
    const none = await resumeFrom(join(dir, 'absent.jsonl'));
    expect([none.kept, none.dropped, none.done.has(0)]).toEqual([0, 0, false]);
  });

  it('IndexSet grows past its first kilobyte', () => {
    const set = new IndexSet();
    for (const i of [0, 7, 8, 8191, 8192, 1_000_003]) set.add(i);
    expect([0, 1, 7, 8, 9, 8191, 8192, 8193, 1_000_003, 1_000_004].map((i) => set.has(i))).toEqual([true, false, true, true, false, true, true, false, true, false]);
  });
});
