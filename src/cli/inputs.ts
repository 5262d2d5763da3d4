/**
 * A batch's input list, streamed one path at a time (never read into an array, so a list of
 * millions costs what one path does): the positional paths, then the lines of `--from FILE`
 * (`-`: standard input), each directory expanded to the image files inside it.
 *
 * Each input's index is its position in the whole list, so every process given the same list
 * numbers it the same way: `--shard` picks by index and `--resume` skips by index with no
 * coordination. The name for files written per input (`t1`, then `t1-2` for a second `t1.jpg`)
 * is chosen over the whole list too, skipped inputs included, so shards and resumed runs agree.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { sniffImageFormat } from '../image/sniff.js';
import { fileLines } from './lines.js';

export interface Input {
  /** Position in the whole input list. */
  readonly index: number;
  readonly path: string;
  /** The file stem unique among the inputs so far, when names were asked for. */
  readonly name?: string;
}

/** The paths, each directory expanded; then those of `from`, one per line (a trailing `\r` dropped, blank lines skipped). */
export async function* inputPaths(positionals: readonly string[], from?: string): AsyncGenerator<string> {
  for (const path of positionals) yield* expand(path);
  if (from === undefined) return;
  for await (const line of fileLines(from)) {
    const path = line.text.endsWith('\r') ? line.text.slice(0, -1) : line.text;
    if (path !== '') yield* expand(path);
  }
}

/**
 * A directory's image files, recursively, in sorted order (names compared as code units, the same
 * on every machine and locale); any other path as it is, so that a missing file or a text file
 * named on the command line becomes that input's error. Images are recognised by their first
 * bytes (image/sniff.ts): a JPEG without an extension counts, a README does not, and a GIF or
 * HEIC counts, to be reported as unsupported rather than silently skipped. Symbolic links to
 * directories are not followed (as `find` does not), so a link cycle cannot loop.
 */
export function* expand(path: string): Generator<string> {
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory() !== true) {
    yield path;
    return;
  }
  const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* expand(child);
    else if (isImageFile(child)) yield child;
  }
}

/** The file's first bytes are an image's; one we cannot open counts, so that its error is reported. */
function isImageFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = new Uint8Array(16);
    return sniffImageFormat(head.subarray(0, readSync(fd, head))) !== 'unknown';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EISDIR';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The paths with their indices and, when `names`, unique stems. */
export async function* numbered(paths: AsyncIterable<string>, names: boolean): AsyncGenerator<Input> {
  const taken = new Set<string>();
  let index = 0;
  for await (const path of paths) yield { index: index++, path, name: names ? uniqueName(path, taken) : undefined };
}

/** `<stem>`, with -2, -3, … when an earlier input had the same stem. */
function uniqueName(path: string, taken: Set<string>): string {
  const stem = basename(path, extname(path));
  let name = stem;
  for (let i = 2; taken.has(name); i++) name = `${stem}-${i}`;
  taken.add(name);
  return name;
}
