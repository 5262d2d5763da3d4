/**
 * From the segments of a JPEG file to the quantised DCT coefficients of every component: the
 * tables (DQT, DHT, DRI) as they come, and each scan (SOS) decoded into one coefficient store per
 * component, as libjpeg does (jdhuff.c for sequential scans, jdphuff.c for progressive ones, jdinput.c
 * for the MCU geometry). Dequantisation, IDCT, upsampling and colour conversion follow in jpeg.ts.
 *
 * Legend: W/H the image, h/v a component's sampling factors, hMax/vMax the largest, a block 8×8
 * coefficients in natural (row-major) order, an MCU the unit a scan is coded in. A component's
 * store holds (blocksPerColumn, blocksPerLine) blocks, padded to whole MCUs of the frame; the blocks
 * with real samples are the first ceil(W·h/(8·hMax)) × ceil(H·v/(8·vMax)).
 *
 * - A scan of one component (non-interleaved) codes those real blocks one by one, row by row.
 * - A scan of several (interleaved) codes MCUs of ceil(W/(8·hMax)) × ceil(H/(8·vMax)); an MCU holds
 *   h × v blocks of each component in scan order, row by row.
 * - Sequential scans (SOF0/SOF1) code each block whole: the DC difference from the component's last
 *   DC (a category, then that many bits), then run/size pairs for the 63 AC coefficients in zigzag
 *   order, with end-of-block (0x00) and sixteen zeros (0xF0) (Annex F.2.2).
 * - Progressive scans (SOF2, Annex G) code a band Ss..Se of zigzag positions at bit Al and up: a DC
 *   scan (Ss = 0) codes DC first (Ah = 0) or one more bit of it (Ah > 0); an AC scan codes the band
 *   first, with end-of-band runs over whole blocks (EOBRUN), or refines it: one correction bit per
 *   coefficient already non-zero, and new coefficients of ±1 << Al (G.1.2.3).
 * - With a restart interval (DRI), every interval of MCUs ends in an RSTn marker, after which the DC
 *   predictions and EOBRUN start over.
 *
 * Coefficients are kept in 16 bits like libjpeg's JCOEF, so corrupt data wraps as it does there.
 */
import { BitReader, buildHuffmanTable, type HuffmanTable } from './jpeg-huffman.js';
import { imageError } from './image-error.js';

/** Zigzag position → natural position (T.81 Figure A.6), with 16 extra entries at 63 so that a run past the end of a corrupt block lands on the last coefficient, as in libjpeg's `jpeg_natural_order`. */
const NATURAL_ORDER = Int8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  ...new Array(16).fill(63),
]);

export interface FrameComponent {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  /** The quantisation table slot (0..3) it names in SOFn. */
  readonly tq: number;
}

export interface JpegFrame {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  readonly components: readonly FrameComponent[];
}

/** One component's decoded coefficients and the quantisation table of its first scan. */
export interface ComponentCoefficients {
  readonly h: number;
  readonly v: number;
  readonly blocksPerLine: number;
  /** (mcuRowsHeld·v, blocksPerLine, 64) quantised coefficients, natural order: MCU row r at row r mod mcuRowsHeld. */
  readonly coefficients: Int16Array;
  /** The MCU rows the store holds: all of the frame's, or 1 when decodeCoefficients streams. */
  readonly mcuRowsHeld: number;
  /** (8, 8) quantisation steps, natural order; all zero (a gray component, as libjpeg) if no scan named it. */
  quant: Int32Array;
  /** Real blocks (with samples of the image) across and down. */
  readonly blocksWide: number;
  readonly blocksHigh: number;
}

/** A segment the decoder needs, in file order; for SOS `data` is where its entropy-coded data starts. */
export interface JpegSegment {
  readonly marker: number;
  readonly body: Uint8Array;
  readonly data: number;
}

const DQT = 0xdb;
const DHT = 0xc4;
const DRI = 0xdd;
const SOS = 0xda;

/** The markers of the segments decodeCoefficients reads; jpeg.ts's walk keeps these for it. */
export const DECODER_SEGMENTS: ReadonlySet<number> = new Set([DQT, DHT, DRI, SOS]);

/**
 * The coefficients of every frame component (in frame order) after all the scans of `segments`.
 *
 * With `onMcuRow`, each MCU row is handed on once it is complete: `onMcuRow(r)` finds MCU row r in
 * the stores at row r mod mcuRowsHeld, and the rows come in order. A sequential JPEG coded in one
 * interleaved scan of several components (nearly every camera and web JPEG) is then streamed as libjpeg decodes it
 * (jdcoefct.c's single-pass `decompress_onepass`): the stores hold one MCU row, handed on and
 * cleared as the next begins, instead of 2 bytes per sample of the whole picture. Other JPEGs
 * (progressive, or one scan per component) need every scan before any row is final; their rows are
 * handed on after the last scan.
 */
export function decodeCoefficients(bytes: Uint8Array, frame: JpegFrame, segments: readonly JpegSegment[], where: string, onMcuRow?: (row: number, stores: readonly ComponentCoefficients[]) => void): ComponentCoefficients[] {
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const mcusPerLine = Math.ceil(frame.width / (8 * hMax));
  const mcusPerColumn = Math.ceil(frame.height / (8 * vMax));
  const sos = segments.filter((g) => g.marker === SOS);
  // one scan with every component, interleaved (a single-component scan is coded block by block, not by MCU)
  const streams = onMcuRow !== undefined && !frame.progressive && frame.components.length > 1 && sos.length === 1 && sos[0].body[0] === frame.components.length;
  const mcuRowsHeld = streams ? 1 : mcusPerColumn;
  const components: ComponentCoefficients[] = frame.components.map((c) => ({
    h: c.h,
    v: c.v,
    blocksPerLine: mcusPerLine * c.h,
    coefficients: new Int16Array(mcusPerLine * c.h * mcuRowsHeld * c.v * 64),
    mcuRowsHeld,
    quant: new Int32Array(64),
    blocksWide: Math.ceil((frame.width * c.h) / (8 * hMax)),
    blocksHigh: Math.ceil((frame.height * c.v) / (8 * vMax)),
  }));
  const latched = new Set<number>();
  const quantTables: Array<Int32Array | undefined> = [];
  const dcTables: Array<HuffmanTable | undefined> = [];
  const acTables: Array<HuffmanTable | undefined> = [];
  let restartInterval = 0;
  let scanNumber = 0;

  for (const { marker, body, data } of segments) {
    if (marker === DQT) readDqt(body, quantTables, where);
    else if (marker === DHT) readDht(body, dcTables, acTables, where);
    else if (marker === DRI) {
      if (body.length !== 2) throw imageError(where, `corrupt JPEG: restart interval (DRI) segment is ${body.length} bytes long, not 2`);
      restartInterval = (body[0] << 8) | body[1];
    } else if (marker === SOS) {
      const scan = readSos(body, frame, ++scanNumber, dcTables, acTables, where);
      for (const k of scan.components) {
        // libjpeg latches a component's quantisation table at the start of its first scan (jdinput.c latch_quant_tables)
        if (latched.has(k)) continue;
        const table = quantTables[frame.components[k].tq];
        if (table === undefined) throw imageError(where, `corrupt JPEG: component ${k} has no quantisation table (DQT ${frame.components[k].tq} is not defined before its first scan)`);
        components[k].quant = table;
        latched.add(k);
      }
      decodeScan(new BitReader(bytes, data), scan, components, mcusPerLine, mcusPerColumn, restartInterval, frame.progressive, where, streams ? onMcuRow : undefined);
    }
  }
  if (onMcuRow !== undefined && !streams) for (let r = 0; r < mcusPerColumn; r++) onMcuRow(r, components);
  return components;
}

/** DQT: (precision << 4 | slot), then 64 steps in zigzag order, 8 or 16 bits each; several tables per segment. */
function readDqt(body: Uint8Array, tables: Array<Int32Array | undefined>, where: string): void {
  for (let o = 0; o < body.length;) {
    const precision = body[o] >> 4;
    const slot = body[o] & 15;
    const size = precision === 0 ? 64 : 128;
    if (precision > 1 || slot > 3 || o + 1 + size > body.length) throw imageError(where, `corrupt JPEG: bad quantisation table (DQT) entry at byte ${o} of its segment`);
    const table = new Int32Array(64);
    for (let i = 0; i < 64; i++) table[NATURAL_ORDER[i]] = precision === 0 ? body[o + 1 + i] : (body[o + 1 + 2 * i] << 8) | body[o + 2 + 2 * i];
    tables[slot] = table;
    o += 1 + size;
  }
}

/** DHT: (class << 4 | slot), 16 counts, the symbols; several tables per segment. */
function readDht(body: Uint8Array, dc: Array<HuffmanTable | undefined>, ac: Array<HuffmanTable | undefined>, where: string): void {
  for (let o = 0; o < body.length;) {
    const tableClass = body[o] >> 4;
    const slot = body[o] & 15;
    const counts = body.subarray(o + 1, o + 17);
    const total = counts.reduce((sum, n) => sum + n, 0);
    if (tableClass > 1 || slot > 3 || counts.length < 16 || total > 256 || o + 17 + total > body.length) {
      throw imageError(where, `corrupt JPEG: bad Huffman table (DHT) entry at byte ${o} of its segment`);
    }
    (tableClass === 0 ? dc : ac)[slot] = buildHuffmanTable(counts, body.subarray(o + 17, o + 17 + total), tableClass === 0, where);
    o += 17 + total;
  }
}

interface Scan {
  /** Frame indices of the scan's components, in scan order. */
  readonly components: number[];
  readonly dc: HuffmanTable[];
  readonly ac: HuffmanTable[];
  /** Spectral selection (zigzag positions) and successive approximation bits. */
  readonly Ss: number;
  readonly Se: number;
  readonly Ah: number;
  readonly Al: number;
}

/** SOS: Ns, (component id, DC table << 4 | AC table) per component, Ss, Se, Ah << 4 | Al; checked as jdinput.c and jdphuff.c check them. */
function readSos(body: Uint8Array, frame: JpegFrame, n: number, dcTables: Array<HuffmanTable | undefined>, acTables: Array<HuffmanTable | undefined>, where: string): Scan {
  const ns = body[0];
  if (ns < 1 || ns > 4 || body.length !== 4 + 2 * ns) throw imageError(where, `corrupt JPEG: scan ${n} header (SOS) is ${body.length} bytes long for ${ns} components`);
  const Ss = body[1 + 2 * ns];
  const Se = body[2 + 2 * ns];
  const Ah = body[3 + 2 * ns] >> 4;
  const Al = body[3 + 2 * ns] & 15;
  const components: number[] = [];
  const dc: HuffmanTable[] = [];
  const ac: HuffmanTable[] = [];
  let blocksInMcu = 0;
  for (let i = 0; i < ns; i++) {
    const k = frame.components.findIndex((c) => c.id === body[1 + 2 * i]);
    if (k < 0) throw imageError(where, `corrupt JPEG: scan ${n} names component id ${body[1 + 2 * i]}, which the frame does not have`);
    components.push(k);
    blocksInMcu += ns === 1 ? 1 : frame.components[k].h * frame.components[k].v;
    // a table is needed when the scan codes with it: DC tables in sequential and DC-first scans, AC tables in AC scans
    const needsDc = !frame.progressive || (Ss === 0 && Ah === 0);
    const needsAc = !frame.progressive || Ss > 0;
    const dcTable = dcTables[body[2 + 2 * i] >> 4];
    const acTable = acTables[body[2 + 2 * i] & 15];
    if ((needsDc && dcTable === undefined) || (needsAc && acTable === undefined)) {
      throw imageError(where, `corrupt JPEG: scan ${n} uses a Huffman table (DHT) that is not defined`);
    }
    dc.push(dcTable!);
    ac.push(acTable!);
  }
  // libjpeg's D_MAX_BLOCKS_IN_MCU
  if (blocksInMcu > 10) throw imageError(where, `corrupt JPEG: scan ${n} has ${blocksInMcu} blocks in an MCU, at most 10 are allowed`);
  if (frame.progressive) {
    const valid = (Ss === 0 ? Se === 0 : Se >= Ss && Se <= 63 && ns === 1) && (Ah === 0 || Al === Ah - 1) && Al <= 13;
    if (!valid) throw imageError(where, `corrupt JPEG: scan ${n} has an invalid progression (Ss ${Ss}, Se ${Se}, Ah ${Ah}, Al ${Al}, ${ns} components)`);
  }
  return { components, dc, ac, Ss, Se, Ah, Al };
}

/** What a block decoder works on: the scan's bits, and state kept across blocks. */
interface ScanState {
  readonly reader: BitReader;
  readonly scan: Scan;
  /** The last DC value of each scan component (the prediction). */
  readonly predictions: Int32Array;
  /** Blocks left in the current end-of-band run (progressive AC scans). */
  eobrun: number;
  readonly where: string;
}

/** Decodes one block of scan component `i` into `co` at `at`. */
type BlockDecoder = (s: ScanState, i: number, co: Int16Array, at: number) => void;

/** One scan into the stores; `onMcuRow` (an interleaved scan of one-row stores) gets each MCU row as it is complete, and the stores are cleared after it. */
function decodeScan(reader: BitReader, scan: Scan, components: ComponentCoefficients[], mcusPerLine: number, mcusPerColumn: number, restartInterval: number, progressive: boolean, where: string, onMcuRow?: (row: number, stores: readonly ComponentCoefficients[]) => void): void {
  const state: ScanState = { reader, scan, predictions: new Int32Array(scan.components.length), eobrun: 0, where };
  const decodeBlock: BlockDecoder = !progressive ? decodeSequential
    : scan.Ss === 0 ? (scan.Ah === 0 ? decodeDcFirst : decodeDcRefine)
      : scan.Ah === 0 ? decodeAcFirst : decodeAcRefine;
  const single = scan.components.length === 1;
  const only = components[scan.components[0]];
  const mcus = single ? only.blocksWide * only.blocksHigh : mcusPerLine * mcusPerColumn;
  for (let m = 0; m < mcus; m++) {
    if (restartInterval > 0 && m > 0 && m % restartInterval === 0) {
      reader.restart();
      state.predictions.fill(0);
      state.eobrun = 0;
    }
    if (single) {
      // MCU m is block m of the component's real blocks, row by row
      const row = Math.floor(m / only.blocksWide);
      decodeBlock(state, 0, only.coefficients, (row * only.blocksPerLine + (m - row * only.blocksWide)) * 64);
      continue;
    }
    // MCU (row, col): h × v blocks of each scan component in turn
    const row = Math.floor(m / mcusPerLine);
    const col = m - row * mcusPerLine;
    for (let i = 0; i < scan.components.length; i++) {
      const c = components[scan.components[i]];
      const storeRow = row % c.mcuRowsHeld;
      for (let y = 0; y < c.v; y++) {
        for (let x = 0; x < c.h; x++) decodeBlock(state, i, c.coefficients, ((storeRow * c.v + y) * c.blocksPerLine + col * c.h + x) * 64);
      }
    }
    if (onMcuRow !== undefined && col === mcusPerLine - 1) {
      onMcuRow(row, components);
      // the block decoders write only the non-zero coefficients
      for (const c of components) c.coefficients.fill(0);
    }
  }
}

/** The next DC difference of scan component i (F.2.2.1): by the fast table when code and value fit in it. */
function dcDifference(s: ScanState, i: number): number {
  const r = s.reader;
  const fast = r.fast(s.scan.dc[i]);
  return fast !== 0 ? fast >> 8 : r.receiveExtend(r.decode(s.scan.dc[i], s.where));
}

/** A sequential block (F.2.2.1, F.2.2.2): DC difference, then run/size codes to the end of the block. */
function decodeSequential(s: ScanState, i: number, co: Int16Array, at: number): void {
  const r = s.reader;
  s.predictions[i] += dcDifference(s, i);
  co[at] = s.predictions[i];
  const ac = s.scan.ac[i];
  for (let k = 1; k < 64; k++) {
    const fast = r.fast(ac);
    if (fast !== 0) {
      k += (fast >> 4) & 15;
      co[at + NATURAL_ORDER[k]] = fast >> 8;
      continue;
    }
    const rs = r.decode(ac, s.where);
    const size = rs & 15;
    const run = rs >> 4;
    if (size === 0) {
      if (run !== 15) break;  // end of block
      k += 15;  // sixteen zeros
      continue;
    }
    k += run;
    co[at + NATURAL_ORDER[k]] = r.receiveExtend(size);
  }
}

/** Progressive DC, first scan (G.1.2.1): the DC difference, the value kept at bit Al and up. */
function decodeDcFirst(s: ScanState, i: number, co: Int16Array, at: number): void {
  s.predictions[i] += dcDifference(s, i);
  co[at] = s.predictions[i] * (1 << s.scan.Al);
}

/** Progressive DC, refinement (G.1.2.1): one more bit, Al. */
function decodeDcRefine(s: ScanState, _i: number, co: Int16Array, at: number): void {
  if (s.reader.bit()) co[at] |= 1 << s.scan.Al;
}

/** Progressive AC, first scan of band Ss..Se (G.1.2.2): run/size codes, EOBn codes starting an end-of-band run. */
function decodeAcFirst(s: ScanState, i: number, co: Int16Array, at: number): void {
  if (s.eobrun > 0) {
    s.eobrun--;
    return;
  }
  const r = s.reader;
  const { Se, Al } = s.scan;
  const ac = s.scan.ac[i];
  for (let k = s.scan.Ss; k <= Se; k++) {
    const fast = r.fast(ac);
    if (fast !== 0) {
      k += (fast >> 4) & 15;
      co[at + NATURAL_ORDER[k]] = (fast >> 8) * (1 << Al);
      continue;
    }
    const rs = r.decode(ac, s.where);
    const size = rs & 15;
    const run = rs >> 4;
    if (size === 0) {
      if (run === 15) {
        k += 15;
        continue;
      }
      // EOBn: this block and 2^run − 1 + (run more bits) blocks after it end here
      s.eobrun = (1 << run) - 1 + (run > 0 ? r.bits(run) : 0);
      return;
    }
    k += run;
    co[at + NATURAL_ORDER[k]] = r.receiveExtend(size) * (1 << Al);
  }
}

/**
 * Progressive AC refinement of band Ss..Se at bit Al (G.1.2.3, jdphuff.c decode_mcu_AC_refine):
 * each code places one new coefficient of ±2^Al after `run` zero coefficients, and every
 * coefficient already non-zero that it passes takes one correction bit; within an end-of-band
 * run, only the correction bits come.
 */
function decodeAcRefine(s: ScanState, i: number, co: Int16Array, at: number): void {
  const r = s.reader;
  const { Se, Al } = s.scan;
  const p1 = 1 << Al;
  const m1 = -1 << Al;
  const ac = s.scan.ac[i];
  let k = s.scan.Ss;
  if (s.eobrun === 0) {
    for (; k <= Se; k++) {
      const rs = r.decode(ac, s.where);
      let run = rs >> 4;
      let value = 0;
      if ((rs & 15) !== 0) {
        // a new coefficient: size is 1 in valid data, its sign one bit
        value = r.bit() ? p1 : m1;
      } else if (run !== 15) {
        s.eobrun = (1 << run) + (run > 0 ? r.bits(run) : 0);
        break;
      }
      // over coefficients already non-zero (a correction bit each) and `run` zero ones, to the new one's place
      do {
        const z = at + NATURAL_ORDER[k];
        if (co[z] !== 0) correct(r, co, z, p1, m1);
        else if (--run < 0) break;
        k++;
      } while (k <= Se);
      if (value !== 0) co[at + NATURAL_ORDER[k]] = value;
    }
  }
  if (s.eobrun > 0) {
    // the rest of the band in an end-of-band run: correction bits only
    for (; k <= Se; k++) {
      const z = at + NATURAL_ORDER[k];
      if (co[z] !== 0) correct(r, co, z, p1, m1);
    }
    s.eobrun--;
  }
}

/** One correction bit for a non-zero coefficient: when set (and bit Al is still clear), its magnitude grows by 2^Al. */
function correct(r: BitReader, co: Int16Array, z: number, p1: number, m1: number): void {
  if (r.bit() && (co[z] & p1) === 0) co[z] += co[z] >= 0 ? p1 : m1;
}
