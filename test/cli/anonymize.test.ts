/**
 * `retinaface anonymize` as a user runs it: the built CLI in a child process. A batch of a real
 * photo with EXIF (t6: camera software, date, description), a JPEG turned sideways by its EXIF
 * orientation and carrying a comment and an XMP packet, a PNG with a text chunk, and two bad files:
 * - each good input comes out under its own name in its own format, upright, with no APP1 (EXIF,
 *   XMP) or COM segment in a JPEG and no chunk but IHDR, IDAT, IEND in a PNG;
 * - the PNG keeps every pixel outside the enlarged face boxes bit for bit;
 * - the bad files are error entries and one line each on stderr, the batch goes on, exit 1;
 * - bad options are usage errors (exit 2) before any work, and an output that would replace its
 *   input is refused.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { faceRegion, inRegion } from '../../src/anonymize/region.js';
import { decodeImage } from '../../src/image/decode.js';
import { imagesDir, repoRoot } from '../helpers/golden.js';
import { jpegMarkers, pngChunkTypes } from '../image/file-structure.js';
import { withExifOrientation } from '../image/make-image.js';

const dir = mkdtempSync(join(tmpdir(), 'retinaface-anonymize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Small network inputs keep the runs quick; the faces of these photos are found at this size. */
const SMALL = ['--target-size', '360', '--max-size', '640'];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/main.js'), 'anonymize', ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

/** `jpeg` with segments (marker, payload) inserted right after SOI. */
function withSegments(jpeg: Uint8Array, segments: [number, number[]][]): Uint8Array {
  const extra = segments.flatMap(([marker, body]) => [0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
  return Uint8Array.from([...jpeg.subarray(0, 2), ...extra, ...jpeg.subarray(2)]);
}

/** `png` with a tEXt chunk (keyword, text) right after IHDR (8-byte signature + 25-byte IHDR chunk). */
function withText(png: Uint8Array, keyword: string, text: string): Uint8Array {
  const body = Uint8Array.from([...ascii('tEXt'), ...ascii(keyword), 0, ...ascii(text)]);
  const chunk = [...be32(body.length - 4), ...body, ...be32(crc32(body))];
  return Uint8Array.from([...png.subarray(0, 33), ...chunk, ...png.subarray(33)]);
}

describe('retinaface anonymize', () => {
  const inputs = join(dir, 'in');
  mkdirSync(inputs);
  const t6 = join(inputs, 't6.jpg');
  copyFileSync(join(imagesDir, 't6.jpg'), t6);
  const sideways = join(inputs, 'sideways.jpg');
  writeFileSync(sideways, withSegments(withExifOrientation(readFileSync(join(imagesDir, 't4.jpg')), 6, 'II'), [
    [0xfe, ascii('shot by Jane Doe, camera serial 1234')],
    [0xe1, [...ascii('http://ns.adobe.com/xap/1.0/'), 0, ...ascii('<x:xmpmeta xmlns:x="adobe:ns:meta/"/>')]],
  ]));
  const tagged = join(inputs, 'mask.png');
  writeFileSync(tagged, withText(readFileSync(join(imagesDir, 'mask/maksssksksss0.png')), 'Comment', 'GPS 48.8584 N 2.2945 E'));
  const notes = join(inputs, 'notes.jpg');
  writeFileSync(notes, 'these are not pixels\n');
  const missing = join(inputs, 'missing.png');

  it('a batch: every input in its own format without metadata, bad files as error entries, exit 1', () => {
    expect(jpegMarkers(readFileSync(sideways))).toEqual(expect.arrayContaining([0xe1, 0xfe]));
    expect(pngChunkTypes(readFileSync(tagged))).toContain('tEXt');
    const out = join(dir, 'out');
    const r = cli(t6, sideways, notes, tagged, missing, '--out', out, '--json', ...SMALL);
    expect(r.code).toBe(1);
    const entries = JSON.parse(r.stdout);
    expect(entries.map((e: { file: string }) => e.file)).toEqual([t6, sideways, notes, tagged, missing]);
    expect(entries[2].error).toMatch(/notes\.jpg: not an image/);
    expect(entries[4].error).toMatch(/missing\.png: cannot read \(ENOENT\)/);
    expect(r.stderr.trim().split('\n')).toEqual([`error: ${entries[2].error}`, `error: ${entries[4].error}`]);
    expect(existsSync(join(out, 'notes.jpg'))).toBe(false);

    for (const [entry, name] of [[entries[0], 't6.jpg'], [entries[1], 'sideways.jpg']] as const) {
      expect(entry.out).toBe(join(out, name));
      expect(entry.faces.length, name).toBeGreaterThan(0);
      const bytes = readFileSync(entry.out);
      const markers = jpegMarkers(bytes);
      expect(markers.slice(0, 2), `${name}: SOI, JFIF APP0`).toEqual([0xd8, 0xe0]);
      expect(markers.filter((m) => (m >= 0xe1 && m <= 0xef) || m === 0xfe), `${name}: APPn or COM segments`).toEqual([]);
      expect(bytes.includes(Buffer.from('Photoshop'))).toBe(false);
    }
    // t4 is 640×360 stored; orientation 6 shows it 360 wide and 640 high, and so does the output
    expect([entries[1].width, entries[1].height]).toEqual([360, 640]);
    const upright = decodeImage(readFileSync(entries[1].out));
    expect([upright.width, upright.height]).toEqual([360, 640]);

    const png = entries[3];
    expect(png.out).toBe(join(out, 'mask.png'));
    expect(png.faces.length).toBeGreaterThan(0);
    const written = readFileSync(png.out);
    expect(pngChunkTypes(written)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const before = decodeImage(readFileSync(tagged));
    const after = decodeImage(written);
    const regions = png.faces.map((f: { box: number[] }) => faceRegion(f.box, 1.3, 'ellipse', before.width, before.height)!);
    let changedOutside = 0;
    let changedInside = 0;
    for (let p = 0; p < before.width * before.height; p++) {
      const [x, y] = [p % before.width, Math.floor(p / before.width)];
      const changed = [0, 1, 2].some((c) => before.data[p * 3 + c] !== after.data[p * 3 + c]);
      if (regions.some((g: NonNullable<ReturnType<typeof faceRegion>>) => inRegion(g, x, y))) changedInside += changed ? 1 : 0;
      else changedOutside += changed ? 1 : 0;
    }
    expect(changedOutside, 'pixels changed outside the enlarged boxes').toBe(0);
    expect(changedInside).toBeGreaterThan(100);
  });

  it('--jsonl, --mode pixelate --shape box: one line per image with its index; the text output names the file written', () => {
    const out = join(dir, 'out-jsonl');
    const r = cli(t6, '--out', out, '--jsonl', '--mode', 'pixelate', '--shape', 'box', ...SMALL);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ index: 0, file: t6, out: join(out, 't6.jpg') });
    const text = cli(tagged, '--out', out, ...SMALL);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${tagged} → ${join(out, 'mask.png')}: 512x366, \\d+ faces? \\(blur; wasm `));
  });

  it('refuses to replace an input with its output', () => {
    const r = cli(t6, '--out', inputs, ...SMALL);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*t6\.jpg: the output .*t6\.jpg would replace the input; choose another --out\n$/);
  });

  it.each([
    [['--mode', 'swirl'], /^error: anonymize: --mode: "swirl" is not one of blur, pixelate, solid \(see retinaface anonymize --help\)$/],
    [['--box-scale', '0.5'], /^error: anonymize: --box-scale: 0\.5 must be a number from 1 to 10/],
    [['--shape', 'circle'], /^error: anonymize: --shape: "circle" is not one of ellipse, box/],
    [['--threshold', '2'], /^error: anonymize: --threshold/],
  ])('%j is a usage error, exit 2', (flags, message) => {
    const r = cli(t6, '--out', join(dir, 'never'), ...flags);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('--out is required', () => {
    const r = cli(t6);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: anonymize: --out DIR is required: where the anonymized pictures go (see retinaface anonymize --help)');
  });
});
