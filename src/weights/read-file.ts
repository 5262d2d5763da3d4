/**
 * Reading a model file from disk. A missing or unreadable weights file is a WEIGHTS error naming
 * the path and the system's reason (ENOENT, EACCES, EISDIR), so every reader reports it the same way.
 */
import { readFileSync } from 'node:fs';
import { RetinaFaceError } from '../errors.js';

export function readWeightsFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new RetinaFaceError('WEIGHTS', `${path}: cannot read (${reason})`);
  }
}
