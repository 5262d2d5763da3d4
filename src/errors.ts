/**
 * One error type for everything a user can get wrong: a bad image, bad weights, a bad option, a
 * shape that does not fit. `code` is stable (tests and callers switch on it); `message` is one line
 * that names the file, tensor, op or option involved, so the CLI can print it as it is (the
 * constructor makes sure of the one line).
 */
export type ErrorCode =
  | 'SHAPE'        // a tensor shape does not fit an op (names op, node and both shapes)
  | 'WEIGHTS'      // .params / -symbol.json / safetensors missing, corrupt or not matching
  | 'NPY'          // a .npy file we cannot read or write
  | 'IMAGE'        // an image we cannot decode (corrupt, truncated, unsupported format, too large)
  | 'UNSUPPORTED'  // a valid input using something this engine does not implement (op, dtype, attr)
  | 'OPTION'       // a detection or CLI option out of range
  | 'USAGE'        // a CLI usage error (unknown flag, missing argument)
  | 'IO'           // a file that cannot be read or written
  | 'MAT'          // a MAT-file we cannot read (damaged, or a class or version we do not read)
  | 'WIDER'        // a WIDER FACE ground-truth or prediction folder that does not fit the protocol
  | 'BACKEND'      // a requested compute backend is not available
  | 'LANDMARKS';   // five landmarks that admit no alignment (not finite, all equal, collinear)

export class RetinaFaceError extends Error {
  readonly code: ErrorCode;
  /** Line breaks in `message` (a JSON parser's excerpt of the file, say) are folded into spaces. */
  constructor(code: ErrorCode, message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = 'RetinaFaceError';
    this.code = code;
  }
}
