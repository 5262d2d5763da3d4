#!/usr/bin/env node
/**
 * The `retinaface` command: a table of subcommands, each a thin wrapper in its own file.
 * Every RetinaFaceError becomes one line on stderr (`error: <message>`); exit codes: 0 ok, 1 some
 * input failed, 2 usage error. `--debug` anywhere shows stack traces.
 */
import { readFileSync } from 'node:fs';
import { BACKEND_NAMES, DEFAULT_BACKEND } from '../detect/engine.js';
import { RetinaFaceError } from '../errors.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  detect: { summary: 'faces and landmarks in images (IMAGE|DIR... [--json|--jsonl] [--out DIR] [--backend B] [--from FILE] [--shard K/N] [--resume OUT.jsonl] [--jobs N]; detect --help)', load: async () => (await import('./detect.js')).run },
  explain: { summary: 'one detection walked through stage by stage as an HTML report with figures (IMAGE --out DIR [--backend B])', load: async () => (await import('./explain.js')).run },
  convert: { summary: 'write the MXNet model as one .safetensors file (--model PATH --out FILE)', load: async () => (await import('./convert.js')).run },
  'train-targets': { summary: 'a training crop, its anchor labels and targets, optionally its losses (--image FILE --gt GT.json)', load: async () => (await import('./train-targets.js')).run },
  dump: { summary: "run the network once and write every node's output as <node>.npy (--input FILE --out DIR [--backend B])", load: async () => (await import('./dump.js')).run },
  compare: { summary: 'compare two folders of node .npy files, node by node in graph order (REF_DIR OUR_DIR [--tol 1e-4])', load: async () => (await import('./compare.js')).run },
  anonymize: { summary: 'blur, pixelate or fill every face, written in the input\'s format without metadata (IMAGE|DIR... --out DIR [--mode blur|pixelate|solid] [--box-scale 1.3] [--shape ellipse|box] [detect options]; anonymize --help)', load: async () => (await import('./anonymize.js')).run },
  eval: { summary: 'WIDER FACE easy / medium / hard AP, scored as the official evaluation.py (wider --pred DIR --gt DIR [--json], or --images DIR --out DIR to detect first; eval --help)', load: async () => (await import('./eval.js')).run },
  bench: { summary: 'forward, detect and cold-start time and peak memory on one backend ([--size WxH] [--runs N] [--backend B] [--json])', load: async () => (await import('./bench.js')).run },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
  return [
    'usage: retinaface <command> [options]   (retinaface --version: the version)',
    '',
    'commands:',
    ...rows,
    '',
    BACKENDS_LINE,
    'add --debug to any command for stack traces',
  ].join('\n');
}

/** The backends, for every help text: what --backend takes. */
const BACKENDS_LINE = `backends (--backend): ${BACKEND_NAMES.join(', ')}; default ${DEFAULT_BACKEND} (gpujs* are gpu.js's modes: gpujs-webasm is gpu.js compiled to WebAssembly, not our wasm)`;

/** The version in the package.json beside dist/ (or src/, run from the repository). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`retinaface-ts ${version()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`error: unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')}); see retinaface --help\n`);
    return 2;
  }
  // `retinaface <command> --help`: detect, anonymize and eval have a full option list, the others their summary line.
  if (rest.includes('--help') && !['detect', 'anonymize', 'eval'].includes(name)) {
    process.stdout.write(`usage: retinaface ${name}: ${command.summary}\n${command.summary.includes('--backend') ? BACKENDS_LINE + '\n' : ''}`);
    return 0;
  }
  return (await command.load())(rest);
}

const argv = process.argv.slice(2);
const debug = argv.includes('--debug');
main(argv.filter((a) => a !== '--debug')).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    if (debug) console.error(err);
    if (err instanceof RetinaFaceError) {
      process.stderr.write(`error: ${err.message}\n`);
      process.exitCode = err.code === 'USAGE' ? 2 : 1;
    } else {
      process.stderr.write(`error: internal: ${err instanceof Error ? err.message : String(err)} (rerun with --debug for a stack trace)\n`);
      process.exitCode = 1;
    }
  },
);
