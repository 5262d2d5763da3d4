/**
 * `--resume OUT.jsonl`: which inputs an earlier `--jsonl` run already finished. An input is done
 * when OUT.jsonl has a successful entry for its index; failed entries are retried, and so is the
 * entry a crash tore (a last line without its newline, or one that does not parse).
 *
 * So that `--resume OUT.jsonl >> OUT.jsonl` leaves exactly what one uninterrupted run would have
 * written, the lines to redo are removed from OUT.jsonl first, in place: the kept lines move up
 * over them and the file is cut to its new length. In place matters: the shell opened OUT.jsonl
 * for appending before we started, and appends go to the end of that same file. The file is read
 * as a stream and written only behind the reading position; the done indices take one bit each.
 */
import { ftruncateSync, openSync, closeSync, writeSync } from 'node:fs';
import { RetinaFaceError } from '../errors.js';
import { fileLines } from './lines.js';

/** A growable set of non-negative integers, one bit each. */
export class IndexSet {
  private bits = new Uint8Array(1024);

  add(index: number): void {
    const byte = index >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte] |= 1 << (index & 7);
  }

  has(index: number): boolean {
    return ((this.bits[index >> 3] ?? 0) & (1 << (index & 7))) !== 0;
  }
}

export interface Resumed {
  /** Indices with a successful entry. */
  readonly done: IndexSet;
  readonly kept: number;
  /** Lines removed: failed entries, a torn or unreadable line, a repeated index. */
  readonly dropped: number;
}

/** The done indices of the JSONL file at `path`, which is left holding only their entries; a missing file is an empty one. */
export async function resumeFrom(path: string): Promise<Resumed> {
  const done = new IndexSet();
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { done, kept: 0, dropped: 0 };
    throw new RetinaFaceError('IO', `${path}: cannot open for --resume (${code ?? String(err)})`);
  }
  let [readAt, writeAt, kept, dropped] = [0, 0, 0, 0];
  try {
    for await (const line of fileLines(path)) {
      const index = line.complete ? successfulIndex(line.text) : undefined;
      if (index !== undefined && !done.has(index)) {
        done.add(index);
        kept++;
        if (writeAt !== readAt) writeSync(fd, line.text + '\n', writeAt);
        writeAt += line.bytes;
      } else {
        dropped++;
      }
      readAt += line.bytes;
    }
    if (writeAt !== readAt) ftruncateSync(fd, writeAt);
  } finally {
    closeSync(fd);
  }
  return { done, kept, dropped };
}

/** The index of a successful `--jsonl` entry (an object with an `index` and no `error`), else undefined. */
function successfulIndex(text: string): number | undefined {
  try {
    const entry: unknown = JSON.parse(text);
    if (typeof entry !== 'object' || entry === null || 'error' in entry || !('index' in entry)) return undefined;
    return Number.isInteger(entry.index) && (entry.index as number) >= 0 ? (entry.index as number) : undefined;
  } catch {
    return undefined;
  }
}
