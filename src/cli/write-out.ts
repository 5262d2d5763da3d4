/** One output file of a command (an annotated picture, an aligned crop), its folder made as needed; a failure is one IO line naming the path. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetinaFaceError } from '../errors.js';

/** Writes `bytes` to DIR/NAME and returns that path. */
export function writeOut(dir: string, name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, bytes);
  } catch (err) {
    throw new RetinaFaceError('IO', `${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  return path;
}
