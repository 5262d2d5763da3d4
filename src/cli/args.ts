/**
 * A small argv parser shared by the subcommands: `--name value`, `--name=value`, boolean `--flag`,
 * positionals. Unknown flags are usage errors naming the flag and listing the known ones.
 */
import { RetinaFaceError } from '../errors.js';

export interface FlagSpec {
  /** Flags that take a value (`--model DIR`). */
  readonly values: readonly string[];
  /** Flags that are switches (`--json`). */
  readonly switches: readonly string[];
}

export interface ParsedArgs {
  readonly positionals: string[];
  readonly values: Map<string, string>;
  readonly switches: Set<string>;
}

export function parseArgs(command: string, argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const switches = new Set<string>();
  const known = () => [...spec.values.map((v) => `--${v} VALUE`), ...spec.switches.map((s) => `--${s}`)].join(', ');
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--') || arg === '--') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new RetinaFaceError('USAGE', `${command}: --${name} takes no value`);
      switches.add(name);
    } else if (spec.values.includes(name)) {
      const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new RetinaFaceError('USAGE', `${command}: --${name} needs a value`);
      values.set(name, value);
    } else {
      throw new RetinaFaceError('USAGE', `${command}: unknown option --${name} (known: ${known() || 'none'})`);
    }
  }
  return { positionals, values, switches };
}

/** A numeric flag value, or a usage error naming the flag. */
export function numberValue(command: string, args: ParsedArgs, name: string): number | undefined {
  const text = args.values.get(name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new RetinaFaceError('USAGE', `${command}: --${name} must be a number, got '${text}' (see retinaface ${command} --help)`);
  }
  return value;
}
