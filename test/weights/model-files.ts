/** Paths of the shared mnet.25 model, read in place, and a scratch directory per test file. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDir } from '../helpers/golden.js';

export const modelDir = join(sharedDir, 'models/mnet.25');
export const symbolFile = join(modelDir, 'mnet.25-symbol.json');
export const paramsFile = join(modelDir, 'mnet.25-0000.params');

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), 'retinaface-weights-'));
}
