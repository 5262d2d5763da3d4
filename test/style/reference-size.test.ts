/**
 * The house style's rule 12: the reference path (src/tensor, src/ops without its fast backends
 * gpu/ and wasm/, src/net, src/anchors) is the textbook, and its growth is a decision, not a drift. The budget below is
 * that decision (2,100 lines when it was set, at 1,982): raising it belongs in the commit that
 * needs it, with the reason. Raised to 2,200 (at 2,128) for mnet_cov2's three ops
 * (`_minus_scalar`, `_mul_scalar`, `SoftmaxActivation`: issue 14), each a plain loop with its
 * attribute checks. Raised to 2,250 (at 2,243) for the backend contract (ops/backend.ts, issue
 * 13: 116 lines) that moved down from net/forward.ts, net/fuse.ts and ops/gpu/batch-norm.ts (the
 * last not counted before). Raised to 2,275 (at 2,252) for mnet_cov2's place in the maps of the
 * network (net/heads.ts: the type head; net/stages.ts: its node names, issue 14). Raised to 2,310
 * (at 2,306) for src/tensor/compare.ts, the closeness rule `retinaface compare` and the tests now
 * share (48 lines; it replaced a copy in src/cli and one in the test helpers, neither counted), and
 * the notes marking numpy-exp.ts and argsort.ts as machinery a first reader skips (issue 13).
 * Raised to 2,360 (at 2,349) for the network input as a picture and its resize taps (issue 11:
 * ops/backend.ts `PictureInput` and `uploadPicture`, net/input.ts `pictureInput`/`pictureTensor`,
 * net/forward.ts choosing between them), which lets the wasm backend resize straight into its
 * memory while the reference path stays resize → tensor → upload.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/golden.js';

const BUDGET = 2360;
const REFERENCE = ['src/tensor', 'src/ops', 'src/net', 'src/anchors'];
const FAST_BACKENDS = ['gpu', 'wasm'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return FAST_BACKENDS.includes(name) ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

describe('reference path size', () => {
  it(`src/tensor + src/ops (without gpu/, wasm/) + src/net + src/anchors stay within ${BUDGET} lines`, () => {
    const files = REFERENCE.flatMap((d) => tsFiles(join(repoRoot, d)));
    const lines = files.map((f) => [relative(repoRoot, f), readFileSync(f, 'utf8').split('\n').length - 1] as const);
    const total = lines.reduce((sum, [, n]) => sum + n, 0);
    console.log(`reference path: ${total} lines in ${files.length} files (budget ${BUDGET})`);
    expect(files.some((f) => f.includes('/gpu/') || f.includes('/wasm/'))).toBe(false);
    expect(total, lines.map(([f, n]) => `${n} ${f}`).join('\n')).toBeLessThanOrEqual(BUDGET);
  });
});
