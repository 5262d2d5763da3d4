/**
 * Reading a model file from disk. A missing or unreadable weights file is a WEIGHTS error naming
 * the path and the system's reason (ENOENT, EACCES, EISDIR), so every reader reports it the same way.
 *
 * node:fs is looked up when a file is read (`process.getBuiltinModule`), not imported, so the
 * parsers that sit beside their file readers (mxnet-params.ts, mxnet-symbol.ts, safetensors.ts)
 * go into a browser bundle as they are; there, reading a path fails and the caller passes bytes
 * (`RetinaFace.fromFiles`).
 */
import { RetinaFaceError } from '../errors.js';

/** The bytes of the file at `path`; Node's own error (with its `code`) when it cannot be read. */
export function readFileBytes(path: string): Uint8Array {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs === undefined) throw new RetinaFaceError('IO', `${path}: cannot read files outside Node.js (pass the bytes instead)`);
  return fs.readFileSync(path);
}

export function readWeightsFile(path: string): Uint8Array {
  try {
    return readFileBytes(path);
  } catch (err) {
    if (err instanceof RetinaFaceError) throw err;
    const reason = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new RetinaFaceError('WEIGHTS', `${path}: cannot read (${reason})`);
  }
}
