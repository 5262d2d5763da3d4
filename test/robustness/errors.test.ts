import { describe, expect, it } from 'vitest';
import { RetinaFaceError } from '../../src/errors.js';

describe('RetinaFaceError', () => {
  it('keeps its code and folds line breaks (a JSON excerpt, say) into spaces: one line for the CLI', () => {
    const err = new RetinaFaceError('WEIGHTS', 'm.json: not valid JSON (Unexpected token, "a": {\n    "b"\r\n  ... is not valid JSON)');
    expect(err.code).toBe('WEIGHTS');
    expect(err.name).toBe('RetinaFaceError');
    expect(err.message).toBe('m.json: not valid JSON (Unexpected token, "a": { "b" ... is not valid JSON)');
    expect(err).toBeInstanceOf(Error);
  });
});
