/** The one-line RetinaFaceError `fn` throws, checked for its code; fails the test if nothing is thrown. */
import { expect } from 'vitest';
import { RetinaFaceError, type ErrorCode } from '../../src/errors.js';

export function errorOf(fn: () => unknown, code: ErrorCode = 'WEIGHTS'): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RetinaFaceError);
    expect((err as RetinaFaceError).code).toBe(code);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected a ${code} error`);
}

/** The same for an async function. */
export async function asyncErrorOf(fn: () => Promise<unknown>, code: ErrorCode = 'WEIGHTS'): Promise<string> {
  try {
    await fn();
  } catch (err) {
    return errorOf(() => { throw err; }, code);
  }
  throw new Error(`expected a ${code} error`);
}
