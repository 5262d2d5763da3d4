/**
 * Lines of a text stream, read as they arrive and never held all at once: a list of a million
 * paths (`--from`) or a JSONL file of a million entries (`--resume`) costs one chunk of memory.
 * A last line without its newline is reported as incomplete: in a JSONL file that a crash
 * interrupted, it is the entry being written when the process died.
 */
import { createReadStream } from 'node:fs';
import { RetinaFaceError } from '../errors.js';

export interface Line {
  readonly text: string;
  /** Its bytes in UTF-8, the newline included when there is one. */
  readonly bytes: number;
  /** False for a last line that has no newline. */
  readonly complete: boolean;
}

/** The lines of `source` (chunks of text in order), without their `\n`. */
export async function* readLines(source: AsyncIterable<string>): AsyncGenerator<Line> {
  let rest = '';
  for await (const chunk of source) {
    rest += chunk;
    let start = 0;
    for (let end = rest.indexOf('\n'); end >= 0; start = end + 1, end = rest.indexOf('\n', start)) {
      const text = rest.slice(start, end);
      yield { text, bytes: Buffer.byteLength(text) + 1, complete: true };
    }
    rest = rest.slice(start);
  }
  if (rest !== '') yield { text: rest, bytes: Buffer.byteLength(rest), complete: false };
}

/** The lines of the file at `path` (`-`: standard input); a file that cannot be read is an IO error naming it. */
export async function* fileLines(path: string): AsyncGenerator<Line> {
  const stream = path === '-' ? process.stdin : createReadStream(path);
  // The decoder keeps a character split between two chunks whole.
  stream.setEncoding('utf8');
  try {
    yield* readLines(stream as AsyncIterable<string>);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new RetinaFaceError('IO', `${path}: cannot read (${code})`);
  }
}
