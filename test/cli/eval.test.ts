/**
 * `retinaface eval wider` as a user runs it: the built CLI in a child process, on the golden
 * synthetic prediction sets (the AP the official script printed, manifest.json), on part of a set
 * (--subset, flagged as not comparable), and on what goes wrong (a missing prediction file, a
 * damaged MAT-file, bad options): one line each, no stack trace.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { goldenDir, readManifest } from '../helpers/golden.js';
import { runCli } from '../helpers/cli.js';

const root = join(goldenDir, 'wider-eval');
const gt = join(root, 'ground_truth');
const dir = mkdtempSync(join(tmpdir(), 'retinaface-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli('eval', ...args);

describe('retinaface eval wider', () => {
  it('--json: one line with the official AP triple (to 1e-9), the image and face counts; --plot writes the three curves', () => {
    const want = readManifest('wider-eval').sets['preds-c'];
    const plot = join(dir, 'pr.svg');
    const r = cli('wider', '--pred', join(root, 'preds-c'), '--gt', gt, '--json', '--plot', plot);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['easy', 'medium', 'hard', 'images', 'faces']);
    expect(Math.abs(out.easy - want.ap_easy)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(out.medium - want.ap_medium)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(out.hard - want.ap_hard)).toBeLessThanOrEqual(1e-9);
    expect(out.images).toBe(3226);
    expect(out.faces).toEqual({ easy: 7211, medium: 13319, hard: 31958 });
    const svg = readFileSync(plot, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain(`hard AP ${want.ap_hard.toFixed(4)}`);
  }, 120_000);

  it('prints easy / medium / hard AP without --json', () => {
    const want = readManifest('wider-eval').sets['preds-a'];
    const r = cli('wider', '--pred', join(root, 'preds-a'), '--gt', gt);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^WIDER FACE val, 3226 images of 61 events, predictions in /);
    expect(lines.slice(1).map((l) => l.split('(')[0].trim())).toEqual([
      `easy    AP ${want.ap_easy.toFixed(4)}`, `medium  AP ${want.ap_medium.toFixed(4)}`, `hard    AP ${want.ap_hard.toFixed(4)}`,
    ]);
  }, 120_000);

  it('part of the set: without --subset one error naming the first missing image; with it, scored and flagged', () => {
    // three events, not event_list{1} (0--Parade), whose first image file_list{1}{1} is then missing
    const part = join(dir, 'part');
    const firstEvent = '0--Parade';
    for (const event of readdirSync(join(root, 'preds-b')).filter((e) => e !== firstEvent).slice(0, 3)) cpSync(join(root, 'preds-b', event), join(part, event), { recursive: true });
    const r = cli('wider', '--pred', part, '--gt', gt);
    expect(r.code).toBe(1);
    const copied = readdirSync(part);
    expect(r.stderr).toMatch(new RegExp(`^error: ${part}: no prediction file for ${firstEvent}/0_Parade_marchingband_1_465\\.jpg \\(expected `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);

    const s = cli('wider', '--pred', part, '--gt', gt, '--subset', '--json');
    expect(s.code).toBe(0);
    const out = JSON.parse(s.stdout);
    expect(out).toMatchObject({ subset: true, note: 'not comparable with published WIDER FACE numbers' });
    expect(out.images + out.missing).toBe(3226);
    expect(out.images).toBe(copied.reduce((n, e) => n + readdirSync(join(part, e)).length, 0));
    expect(s.stderr).toMatch(/^warning: SUBSET: \d+ of 3226 validation images have a prediction file; AP over those only, not comparable with published WIDER FACE numbers\n$/);
    const t = cli('wider', '--pred', part, '--gt', gt, '--subset');
    expect(t.stdout.split('\n')[1]).toMatch(/^SUBSET: .* not comparable with published WIDER FACE numbers$/);
  }, 120_000);

  it('a damaged ground-truth MAT-file is one line naming it, exit 1, no stack trace', () => {
    const bad = join(dir, 'bad-gt');
    mkdirSync(bad);
    for (const f of readdirSync(gt)) cpSync(join(gt, f), join(bad, f));
    const bytes = readFileSync(join(gt, 'wider_hard_val.mat'));
    writeFileSync(join(bad, 'wider_hard_val.mat'), bytes.subarray(0, 5000));
    const r = cli('wider', '--pred', join(root, 'preds-a'), '--gt', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(bad, 'wider_hard_val.mat')}: [^\\n]+\\n$`));
  }, 120_000);

  it('usage errors exit 2', () => {
    expect(cli('wider', '--gt', gt)).toMatchObject({ code: 2, stderr: 'error: eval wider: --pred DIR is needed (the prediction folder), or --images DIR --out DIR to run the detector first (see retinaface eval --help)\n' });
    expect(cli('coco')).toMatchObject({ code: 2, stderr: "error: eval: unknown benchmark 'coco' (known: wider) (see retinaface eval --help)\n" });
    expect(cli('wider', '--pred', 'x', '--gt', gt, '--plot', 'pr.png').code).toBe(2);
    expect(cli('wider', '--help')).toMatchObject({ code: 0 });
  });
});
