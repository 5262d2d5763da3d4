/** Paths of the shared mnet.25 model, read in place, and scratch directories removed after the test file. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { sharedDir } from '../helpers/golden.js';

export const modelDir = join(sharedDir, 'models/mnet.25');
export const symbolFile = join(modelDir, 'mnet.25-symbol.json');
export const paramsFile = join(modelDir, 'mnet.25-0000.params');

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'retinaface-weights-'));
  scratch.push(dir);
  return dir;
}
