/**
 * Reading a file the user named (an image, a model file, a .npy, a ground-truth file). A missing or
 * unreadable file is a RetinaFaceError naming the path and the system's reason (ENOENT, EACCES,
 * EISDIR), with the code of what the file was for (IO, WEIGHTS), so every reader reports it the
 * same way.
 *
 * node:fs is looked up when a file is read (`process.getBuiltinModule`, Node.js ≥ 20.16), not
 * imported, so the parsers that sit beside their file readers (weights/mxnet-params.ts,
 * mxnet-symbol.ts, safetensors.ts) go into a browser bundle as they are; there, reading a path
 * fails and the caller passes bytes (`RetinaFace.fromFiles`).
 */
import { RetinaFaceError, type ErrorCode } from './errors.js';

/**
 * The bytes of the file at `path`, as a Uint8Array of its own (not a view into Node's buffer
 * pool, so `.buffer` holds exactly the file).
 */
export function readFileChecked(path: string, code: ErrorCode = 'IO'): Uint8Array {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs === undefined) throw new RetinaFaceError('IO', `${path}: cannot read files outside Node.js (pass the bytes instead)`);
  try {
    return new Uint8Array(fs.readFileSync(path));
  } catch (err) {
    throw new RetinaFaceError(code, `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
