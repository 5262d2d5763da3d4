/**
 * MXNet stores every operator attribute as a string in `-symbol.json`: `kernel: "(3, 3)"`,
 * `no_bias: "True"`, `eps: "2e-05"`, `act_type: "relu"`. Each op's `parseAttrs` reads them through
 * one `AttrReader`, which turns the strings into typed values and applies MXNet's default when an
 * attribute is absent. A malformed value is an error naming the op, the node, the attribute and
 * the text found.
 */
import { RetinaFaceError } from '../errors.js';

export type RawAttrs = Readonly<Record<string, string>>;

export interface AttrReader {
  /** `"(3, 3)"` → [3, 3]; also accepts a bare `"3"` as [3] (MXNet prints 1-tuples either way). */
  ints(name: string, fallback?: readonly number[]): number[];
  /** An integer, `"8"` → 8. */
  int(name: string, fallback?: number): number;
  /** A real number, `"2e-05"` → 2e-5. */
  float(name: string, fallback?: number): number;
  /** MXNet booleans are Python's spelling, `"True"` / `"False"` (`"1"` / `"0"` also occur). */
  bool(name: string, fallback?: boolean): boolean;
  /** The text as it is, `"relu"`. */
  string(name: string, fallback?: string): string;
}

export function attrReader(op: string, node: string, raw: RawAttrs | undefined): AttrReader {
  const fail = (name: string, text: string, wanted: string): never => {
    throw new RetinaFaceError('WEIGHTS', `[${op} ${node}] attr ${name}='${text}' is not ${wanted}`);
  };
  /** The attribute's text, its fallback, or an error when it is required. */
  const text = <T>(name: string, fallback: T | undefined): string | T => {
    const value = raw?.[name];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new RetinaFaceError('WEIGHTS', `[${op} ${node}] attr ${name} is missing`);
  };
  const isInteger = (s: string) => s.trim() !== '' && Number.isInteger(Number(s));
  return {
    ints(name, fallback) {
      const s = text(name, fallback);
      if (typeof s !== 'string') return [...s];
      const inner = s.trim().replace(/^\((.*)\)$/, '$1').replace(/,\s*$/, '');
      const parts = inner.trim() === '' ? [] : inner.split(',');
      return parts.every(isInteger) ? parts.map(Number) : fail(name, s, 'a tuple of integers like (3, 3)');
    },
    int(name, fallback) {
      const s = text(name, fallback);
      if (typeof s !== 'string') return s;
      return isInteger(s) ? Number(s) : fail(name, s, 'an integer');
    },
    float(name, fallback) {
      const s = text(name, fallback);
      if (typeof s !== 'string') return s;
      const n = Number(s);
      return s.trim() !== '' && Number.isFinite(n) ? n : fail(name, s, 'a number');
    },
    bool(name, fallback) {
      const s = text(name, fallback);
      if (typeof s !== 'string') return s;
      if (s === 'True' || s === 'true' || s === '1') return true;
      if (s === 'False' || s === 'false' || s === '0') return false;
      return fail(name, s, 'a boolean (True/False)');
    },
    string(name, fallback) {
      return text(name, fallback);
    },
  };
}

/** An attribute value this engine does not implement: `[op node] attr=value unsupported (...)`. */
export function unsupportedAttr(op: string, node: string, name: string, value: unknown, supported: string): RetinaFaceError {
  const shown = Array.isArray(value) ? `(${value.join(', ')})` : String(value);
  return new RetinaFaceError('UNSUPPORTED', `[${op} ${node}] ${name}=${shown} is not supported (supported: ${supported})`);
}
