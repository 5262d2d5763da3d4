/**
 * Many images through one command, as a worker that existing schedulers drive without
 * coordination (xargs and GNU parallel, Kubernetes Indexed Jobs, Slurm arrays, Spark's `pipe`):
 * the input list (inputs.ts), `--shard`, `--resume` (resume.ts), `--jobs` and the three outputs
 * live here once, and a command supplies only what it does to one image — a module exporting
 * `openHandler`, which opens what the work needs (a detector) once per worker and returns a
 * handler for one input at a time:
 *
 *   export const openHandler: OpenHandler<MySettings> = async (settings, { threads }) => ...;
 *   return runBatch(batchOptions(COMMAND, args), { module: import.meta.url, settings, names });
 *
 * Outputs: a command's own text per image (default) or `--json` (one array) in input order;
 * `--jsonl`, one line per image written as soon as it is done, in completion order, each with
 * its `index` in the whole input list. A failed image is one line on stderr and an entry
 * `{ file, error }`; the batch goes on and exits 1. Memory is bounded by the workers: inputs are
 * streamed, and at most a few results per worker wait for an earlier one to keep input order
 * (the unique output names, when asked for, are the one thing kept per input: a few bytes).
 *
 * SIGINT or SIGTERM stops taking inputs, lets the images in flight finish and writes them, then
 * exits 130 / 143; a second signal exits at once. Every line is written whole, so what is on
 * disk is a file that `--resume` completes. A reader that closes the pipe (`| head`) stops the
 * batch quietly (exit 141, as for SIGPIPE).
 */
import { availableParallelism, constants } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RetinaFaceError, type ErrorCode } from '../errors.js';
import type { FlagSpec, ParsedArgs } from './args.js';
import { inputPaths, numbered, type Input } from './inputs.js';
import { resumeFrom } from './resume.js';

export type { Input };

/** What a handler made of one input: its JSON entry (`file` is added) and its text for the terminal. */
export interface Outcome {
  readonly entry: object;
  readonly text: string;
}

export interface Handler {
  /** Throws a RetinaFaceError for a bad input; the batch reports it and goes on. */
  process(input: Input): Promise<Outcome>;
  close(): void;
}

/** How a command opens its handler; `threads` is the share of the cores a worker should use, when there are several. */
export type OpenHandler<S> = (settings: S, context: { threads?: number }) => Promise<Handler>;

export interface BatchSpec<S> {
  /** The URL of the module exporting `openHandler` (the command's `import.meta.url`); every worker imports it. */
  readonly module: string;
  /** Everything the handler needs, structured-cloneable: it is sent to each worker. */
  readonly settings: S;
  /** Give each input a stem unique in the whole list (for files written per image). */
  readonly names: boolean;
  /** Called on this thread as each input is done (its result or its error), in completion order: for progress, say. */
  readonly onDone?: (input: Input, done: Done) => void;
}

export const BATCH_FLAGS: FlagSpec = { values: ['from', 'shard', 'resume', 'jobs'], switches: ['json', 'jsonl'] };

export const BATCH_HELP = `  --json              one JSON array on stdout, one entry per image, in input order
  --jsonl             one JSON line per image, written as soon as it is done, with its "index" in the input list
  --from FILE         also read paths from FILE, one per line (- for standard input); a directory means its images, recursively
  --shard K/N         only the inputs whose index % N is K (K from 0 to N-1): N processes split a list with no coordination
  --resume OUT.jsonl  skip the inputs OUT.jsonl has finished (its failed and torn lines are removed to redo); implies --jsonl
  --jobs N            N workers, each with its own detector and cores/N threads (default 1)
`;

export interface BatchOptions {
  readonly command: string;
  readonly paths: readonly string[];
  readonly from?: string;
  readonly shard: { readonly k: number; readonly n: number };
  readonly resume?: string;
  readonly jobs: number;
  readonly output: 'text' | 'json' | 'jsonl';
}

/** The batch flags, validated now: a bad value is a usage error before any work. */
export function batchOptions(command: string, args: ParsedArgs): BatchOptions {
  const usage = (what: string) => new RetinaFaceError('USAGE', `${command}: ${what} (see retinaface ${command} --help)`);
  const from = args.values.get('from');
  if (args.positionals.length === 0 && from === undefined) throw usage('no image given');
  const resume = args.values.get('resume');
  const json = args.switches.has('json');
  if (json && (args.switches.has('jsonl') || resume !== undefined)) throw usage('--json cannot be combined with --jsonl or --resume');
  const shardText = args.values.get('shard') ?? '0/1';
  const [, k, n] = (/^(\d+)\/(\d+)$/.exec(shardText) ?? []).map(Number);
  if (!(n >= 1 && k < n)) throw usage(`--shard must be K/N with 0 <= K < N, got '${shardText}'`);
  const jobsText = args.values.get('jobs') ?? '1';
  const jobs = Number(jobsText);
  if (!(Number.isInteger(jobs) && jobs >= 1 && jobs <= 64)) throw usage(`--jobs must be a whole number from 1 to 64, got '${jobsText}'`);
  const output = json ? 'json' : args.switches.has('jsonl') || resume !== undefined ? 'jsonl' : 'text';
  return { command, paths: args.positionals, from, shard: { k, n }, resume, jobs, output };
}

/** Runs the batch; the exit code: 0 all done, 1 some input failed, 128 + signal when stopped by one. */
export async function runBatch<S>(options: BatchOptions, spec: BatchSpec<S>): Promise<number> {
  const resumed = options.resume === undefined ? undefined : await resumeFrom(options.resume);
  if (resumed !== undefined && resumed.dropped > 0) {
    process.stderr.write(`${options.command}: --resume ${options.resume}: kept ${resumed.kept} finished entries, removed ${resumed.dropped} lines to redo (failed, torn or repeated)\n`);
  }
  const slots = await openSlots(spec, options.jobs);
  const output = new Output(options.output);
  const stop = stopOnSignals();
  const inputs = numbered(inputPaths(options.paths, options.from), spec.names)[Symbol.asyncIterator]();
  // Results that may wait for an earlier one (input order), per worker: enough to keep every worker busy.
  const window = 4 * options.jobs;
  const idle = [...slots];
  const running = new Set<Promise<void>>();
  let [sent, failed] = [0, 0];
  try {
    for (;;) {
      while (idle.length === 0 || sent - output.written >= window) await Promise.race(running);
      const next = await stop.unlessStopped(inputs.next());
      if (next === undefined || next.done === true) break;
      const input = next.value;
      if (input.index % options.shard.n !== options.shard.k || resumed?.done.has(input.index) === true) continue;
      const [slot, seq] = [idle.pop()!, sent++];
      const task = slot.run(input).then((done) => {
        if ('error' in done) failed++;
        output.put(seq, input, done);
        spec.onDone?.(input, done);
        idle.push(slot);
        running.delete(task);
      });
      running.add(task);
    }
    await Promise.all(running);
  } finally {
    // A pending read of standard input would keep the process alive after a stop.
    if (options.from === '-') process.stdin.destroy();
    await Promise.all(slots.map((slot) => slot.close()));
    stop.dispose();
  }
  if (stop.outputError !== undefined) throw new RetinaFaceError('IO', `standard output: cannot write (${stop.outputError})`);
  // The reader went away (`| head`): quiet, as tools killed by SIGPIPE are.
  if (stop.signal === 'SIGPIPE') return 128 + constants.signals.SIGPIPE;
  output.end();
  if (stop.signal !== undefined) {
    process.stderr.write(`${options.command}: stopped by ${stop.signal} after ${sent} images; --resume completes a --jsonl output\n`);
    return 128 + constants.signals[stop.signal];
  }
  return failed > 0 ? 1 : 0;
}

/** A handler's result for one input, or its error message; what a worker sends back. */
export type Done = Outcome | { readonly error: string };

/** One input through the handler, a thrown error turned into its message. */
export async function attempt(handler: Handler, input: Input): Promise<Done> {
  try {
    return await handler.process(input);
  } catch (err) {
    return { error: errorMessage(err) };
  }
}

/** A RetinaFaceError's own message; anything else is a bug, said so (with the stack under --debug). */
export function errorMessage(err: unknown): string {
  if (err instanceof RetinaFaceError) return err.message;
  if (process.argv.includes('--debug')) console.error(err);
  return `internal: ${err instanceof Error ? err.message : String(err)} (rerun with --debug for a stack trace)`;
}

export async function loadOpenHandler<S>(module: string): Promise<OpenHandler<S>> {
  return ((await import(module)) as { openHandler: OpenHandler<S> }).openHandler;
}

/** Where one input runs: this thread (`--jobs 1`) or a worker thread. */
interface Slot {
  run(input: Input): Promise<Done>;
  close(): Promise<void>;
}

async function openSlots<S>(spec: BatchSpec<S>, jobs: number): Promise<Slot[]> {
  if (jobs === 1) {
    const handler = await (await loadOpenHandler<S>(spec.module))(spec.settings, {});
    const run = async (input: Input) => {
      // A turn of the event loop first: a handler that never waits for I/O would otherwise keep
      // signals from being seen until the whole list is done.
      await new Promise((resolve) => setImmediate(resolve));
      return attempt(handler, input);
    };
    return [{ run, close: async () => handler.close() }];
  }
  const threads = Math.max(1, Math.floor(availableParallelism() / jobs));
  const opened = await Promise.allSettled(Array.from({ length: jobs }, () => WorkerSlot.open({ module: spec.module, settings: spec.settings, threads })));
  const slots = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const failure = opened.find((o) => o.status === 'rejected');
  if (failure !== undefined) {
    await Promise.all(slots.map((slot) => slot.close()));
    throw failure.reason;
  }
  return slots;
}

/** What batch-worker.ts receives. */
export interface WorkerData {
  readonly module: string;
  readonly settings: unknown;
  readonly threads: number;
}

/** What batch-worker.ts sends: ready once its handler is open, then one `done` per input; or `fatal` if it cannot open (no code: a bug). */
export type WorkerMessage = { type: 'ready' } | { type: 'done'; done: Done } | { type: 'fatal'; code?: ErrorCode; message: string };

/**
 * A worker thread with its own handler. A worker that dies in the middle of an input (out of
 * memory, say) fails that input, and the next input starts a fresh worker.
 */
class WorkerSlot implements Slot {
  private worker?: Worker;
  private pending?: (done: Done) => void;
  private closing = false;

  private constructor(private readonly data: WorkerData) {}

  static async open(data: WorkerData): Promise<WorkerSlot> {
    const slot = new WorkerSlot(data);
    await slot.start();
    return slot;
  }

  /** Starts the worker; resolves once its handler is open. */
  private start(): Promise<void> {
    return new Promise((resolve, reject) => {
      // The worker sees our argv, so `--debug` reaches errorMessage there too.
      const worker = new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: this.data, argv: process.argv.slice(2) });
      this.worker = worker;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'fatal') reject(m.code === undefined ? new Error(m.message) : new RetinaFaceError(m.code, m.message));
        else this.finish(m.done);
      });
      worker.on('error', (err) => {
        reject(err);
        this.finish({ error: `internal: the worker failed: ${err.message}` });
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) this.worker = undefined;
        reject(new Error(`a worker exited (code ${code}) before it was ready`));
        if (!this.closing) this.finish({ error: `internal: the worker exited (code ${code})` });
      });
    });
  }

  async run(input: Input): Promise<Done> {
    if (this.worker === undefined) await this.start();
    return new Promise((resolve) => {
      this.pending = resolve;
      this.worker!.postMessage(input);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (worker === undefined) return;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage(null);
    await exited;
  }

  private finish(done: Done): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(done);
  }
}

/** Writes results as they come: at once for --jsonl, in input order (by sequence number) otherwise. */
class Output {
  /** Results written so far. */
  written = 0;
  private readonly held = new Map<number, string | undefined>();

  constructor(private readonly format: BatchOptions['output']) {}

  put(seq: number, input: Input, done: Done): void {
    const file = input.path;
    if ('error' in done) process.stderr.write(`error: ${done.error.startsWith(`${file}: `) ? done.error : `${file}: ${done.error}`}\n`);
    const entry = 'error' in done ? { file, error: done.error } : { file, ...done.entry };
    if (this.format === 'jsonl') {
      process.stdout.write(JSON.stringify({ index: input.index, ...entry }) + '\n');
      this.written++;
      return;
    }
    this.held.set(seq, this.format === 'json' ? JSON.stringify(entry) : 'error' in done ? undefined : done.text);
    for (let next = this.written; this.held.has(next); next = this.written) {
      const text = this.held.get(next);
      this.held.delete(next);
      if (text !== undefined) process.stdout.write(this.format === 'json' ? (next === 0 ? '[' : ',') + text : text);
      this.written++;
    }
  }

  /** Closes the --json array: the same text as JSON.stringify(entries) + newline. */
  end(): void {
    if (this.format === 'json') process.stdout.write(this.written === 0 ? '[]\n' : ']\n');
  }
}

/**
 * SIGINT/SIGTERM: the first stops the batch (`signal` says which), a second exits at once. So does
 * standard output failing: a closed pipe as SIGPIPE, anything else as `outputError`. A wait for
 * the next input (standard input may be idle) ends at the stop; one waiter at a time, so a million
 * waits leave nothing behind (Promise.race against a pending promise would).
 */
function stopOnSignals() {
  let wake: (() => void) | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal !== undefined) process.exit(128 + constants.signals[signal]);
    stop.signal = signal;
    wake?.();
  };
  const onOutputError = (err: NodeJS.ErrnoException) => {
    if (stop.signal !== undefined || stop.outputError !== undefined) return;
    if (err.code === 'EPIPE') stop.signal = 'SIGPIPE';
    else stop.outputError = err.code ?? err.message;
    wake?.();
  };
  const stop = {
    signal: undefined as NodeJS.Signals | undefined,
    outputError: undefined as string | undefined,
    /** `next`'s value, or undefined once stopped. */
    unlessStopped<T>(next: Promise<T>): Promise<T | undefined> {
      if (stop.signal !== undefined || stop.outputError !== undefined) return Promise.resolve(undefined);
      return new Promise((resolve, reject) => {
        wake = () => resolve(undefined);
        next.then(resolve, reject);
      });
    },
    /** The output listener stays: a write already made may still fail, and must not become an uncaught error. */
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onOutputError);
  return stop;
}
