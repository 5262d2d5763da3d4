/** The built CLI (dist/cli/main.js) in a child process, as a user runs it: exit code, stdout and stderr as they are. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './golden.js';

export function runCli(command: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/main.js'), command, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
