/**
 * A small seeded mutation fuzzer for the file parsers. Each case takes a valid file, damages it in
 * one of three ways, and runs the parser on the result:
 *
 * - `flip`      1 to 8 random bit flips, half the time inside the first 512 bytes (the headers,
 *               where parsers make their decisions), otherwise anywhere;
 * - `truncate`  the file cut at a random length (0 included);
 * - `length`    one length or size field of the format (listed per format by the caller, found by
 *               a walk written here from the format description, not by our parsers) set to a
 *               telling value: 0, 1, one less, one more, twice, the field's maximum, or random.
 *
 * The contract every case must keep: the parser returns, or throws a `RetinaFaceError` with a
 * one-line message that starts with the file name; never another exception, never a hang. A case
 * is described by (seed, index), so any failure is replayed by running the same seed.
 *
 * Hangs: a synchronous endless loop cannot be interrupted from the thread it runs on, so a watchdog
 * worker thread watches the index and start time of the running case (shared memory) and, when one
 * case runs past `hangMs`, prints which case it was to stderr and kills the test process: the run
 * fails loudly instead of hanging CI.
 *
 * Deeper runs on demand: RETINAFACE_FUZZ_SCALE=20 runs twenty times the cases, RETINAFACE_FUZZ_SEED
 * replaces every seed (the default run stays the same on every machine).
 */
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { RetinaFaceError } from '../../src/errors.js';
import { mulberry32 } from '../helpers/random.js';

export type Rand = () => number;

/** A field of the file worth editing: `size` bytes at `at`, unsigned. */
export interface LengthField {
  readonly name: string;
  readonly at: number;
  readonly size: 1 | 2 | 4 | 8;
  readonly littleEndian: boolean;
}

export interface Mutant {
  readonly what: string;
  readonly bytes: Uint8Array;
}

export const randInt = (rand: Rand, n: number): number => Math.floor(rand() * n);
export const pick = <T>(rand: Rand, items: readonly T[]): T => items[randInt(rand, items.length)];

export function flipBits(base: Uint8Array, rand: Rand): Mutant {
  const bytes = base.slice();
  const flips = 1 + randInt(rand, 8);
  const span = rand() < 0.5 ? Math.min(512, bytes.length) : bytes.length;
  const at: string[] = [];
  for (let i = 0; i < flips && bytes.length > 0; i++) {
    const byte = randInt(rand, span);
    const bit = randInt(rand, 8);
    bytes[byte] ^= 1 << bit;
    at.push(`${byte}.${bit}`);
  }
  return { what: `flip bits ${at.join(' ')}`, bytes };
}

export function truncate(base: Uint8Array, rand: Rand): Mutant {
  const cut = randInt(rand, base.length);
  return { what: `truncate to ${cut} of ${base.length} bytes`, bytes: base.slice(0, cut) };
}

export function editLength(base: Uint8Array, fields: readonly LengthField[], rand: Rand): Mutant {
  const field = pick(rand, fields);
  const bytes = base.slice();
  const view = new DataView(bytes.buffer);
  const max = (1n << BigInt(8 * field.size)) - 1n;
  const read = (): bigint => {
    let v = 0n;
    for (let i = 0; i < field.size; i++) {
      const b = BigInt(bytes[field.at + (field.littleEndian ? field.size - 1 - i : i)]);
      v = (v << 8n) | b;
    }
    return v;
  };
  const old = read();
  const choices = [0n, 1n, old - 1n, old + 1n, old * 2n, max, max >> 1n, BigInt(randInt(rand, 2 ** 31)) & max];
  let value = pick(rand, choices);
  if (value < 0n) value = 0n;
  if (value > max) value = max;
  for (let i = 0; i < field.size; i++) {
    const b = Number((value >> BigInt(8 * i)) & 0xffn);
    view.setUint8(field.at + (field.littleEndian ? i : field.size - 1 - i), b);
  }
  return { what: `set ${field.name} (byte ${field.at}) from ${old} to ${value}`, bytes };
}

/** One mutation of the three kinds, in turn by case index, from the case's own random stream. */
export function mutate(base: Uint8Array, fields: readonly LengthField[], rand: Rand, index: number): Mutant {
  const kind = index % 3;
  if (kind === 0) return flipBits(base, rand);
  if (kind === 1) return truncate(base, rand);
  return editLength(base, fields, rand);
}

export interface FuzzTarget {
  /** Names the run in reports: "jpeg", "params", ... */
  readonly name: string;
  readonly seed: number;
  readonly cases: number;
  /** The file name passed to the parser; every error message must start with it. */
  readonly where: string;
  /** Case `index` from its own random stream (seeded by seed and index, so cases replay alone). */
  readonly make: (rand: Rand, index: number) => Mutant;
  readonly run: (bytes: Uint8Array, where: string) => unknown;
  /** Longest one case may take before it counts as too slow (ms). */
  readonly caseMs: number;
  /** Run exactly `cases` with `seed`, ignoring RETINAFACE_FUZZ_SCALE and _SEED (the harness's own tests). */
  readonly exact?: boolean;
}

export interface FuzzReport {
  readonly cases: number;
  readonly accepted: number;
  /** RetinaFaceErrors by code. */
  readonly refused: Record<string, number>;
  /** Cases that broke the contract, with why. */
  readonly broken: string[];
  readonly slowestMs: number;
  readonly slowest: string;
}

/** How long one case may run before the watchdog kills the process. */
const HANG_MS = 120_000;

export const SCALE = Number(process.env.RETINAFACE_FUZZ_SCALE ?? 1);

/** A vitest timeout for a fuzz test: the default 120 s, times RETINAFACE_FUZZ_SCALE. */
export const FUZZ_TIMEOUT = 120_000 * Math.max(1, SCALE);
const SEED = process.env.RETINAFACE_FUZZ_SEED === undefined ? undefined : Number(process.env.RETINAFACE_FUZZ_SEED);

export function runFuzz(spec: FuzzTarget): FuzzReport {
  const target = spec.exact ? spec : { ...spec, cases: Math.round(spec.cases * SCALE), seed: SEED ?? spec.seed };
  const watch = startWatchdog(target.name, target.seed);
  const refused: Record<string, number> = {};
  const broken: string[] = [];
  let accepted = 0;
  let slowestMs = 0;
  let slowest = '';
  try {
    for (let index = 0; index < target.cases; index++) {
      const mutant = target.make(mulberry32(target.seed * 1_000_003 + index), index);
      const label = `${target.name} seed ${target.seed} case ${index} (${mutant.what})`;
      watch.begin(index);
      const t0 = performance.now();
      try {
        target.run(mutant.bytes, target.where);
        accepted++;
      } catch (err) {
        if (!(err instanceof RetinaFaceError)) {
          broken.push(`${label}: threw ${err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err)}`);
        } else if (err.message.includes('\n') || !err.message.startsWith(`${target.where}: `)) {
          broken.push(`${label}: message not one line starting with "${target.where}: ": ${JSON.stringify(err.message)}`);
        } else {
          refused[err.code] = (refused[err.code] ?? 0) + 1;
        }
      }
      const ms = performance.now() - t0;
      watch.end();
      if (ms > slowestMs) { slowestMs = ms; slowest = label; }
      if (ms > target.caseMs) broken.push(`${label}: took ${ms.toFixed(0)} ms (limit ${target.caseMs} ms)`);
    }
  } finally {
    watch.stop();
  }
  return { cases: target.cases, accepted, refused, broken, slowestMs, slowest };
}

/** The watchdog thread: plain JavaScript, so it needs no TypeScript loader. */
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const state = new Float64Array(workerData.shared);   // [running case index or -1, its start (Date.now())]
setInterval(() => {
  const index = state[0];
  if (index >= 0 && Date.now() - state[1] > workerData.hangMs) {
    writeSync(2, 'fuzz ' + workerData.name + ' seed ' + workerData.seed + ' case ' + index + ' ran over ' + workerData.hangMs + ' ms: a hang; killing the test process\\n');
    process.kill(process.pid, 'SIGKILL');
  }
}, 200);
`;

function startWatchdog(name: string, seed: number): { begin(index: number): void; end(): void; stop(): void } {
  const shared = new SharedArrayBuffer(16);
  const state = new Float64Array(shared);
  state[0] = -1;
  const worker = new Worker(WATCHDOG, { eval: true, workerData: { shared, name, seed, hangMs: HANG_MS } });
  worker.unref();
  worker.on('error', (err) => writeSync(2, `fuzz watchdog failed: ${err.message}\n`));
  return {
    begin(index) { state[1] = Date.now(); state[0] = index; },
    end() { state[0] = -1; },
    stop() { void worker.terminate(); },
  };
}

/** A summary line for the test log: accepted, refused by code, slowest case. */
export function summary(name: string, report: FuzzReport): string {
  const refused = Object.entries(report.refused).map(([code, n]) => `${n} ${code}`).join(', ');
  return `${name}: ${report.cases} cases, ${report.accepted} accepted, refused ${refused || 'none'}; slowest ${report.slowestMs.toFixed(1)} ms: ${report.slowest}`;
}
