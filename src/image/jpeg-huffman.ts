/**
 * Huffman decoding of JPEG entropy-coded data (ITU T.81 Annex C and F.2.2), as libjpeg does it
 * (jdhuff.c): the bit reader, the tables of a DHT segment, and the two primitives every scan is made
 * of, DECODE (a Huffman symbol) and RECEIVE + EXTEND (a signed value of s bits).
 *
 * A DHT table is given canonically: counts[l] codes of each length l = 1..16, then the symbols in
 * order of increasing code. Codes are assigned in that order, each the previous one plus one,
 * shifted left by one bit whenever the length grows (Annex C, Figures C.1–C.3). Decoding follows
 * F.2.2.3: read the shortest length's bits, and while the code is greater than the largest code of
 * that length (`maxcode`), append a bit. A lookahead table on the next LOOKAHEAD bits finds the
 * symbol of every code that short in one step, which is where most of a photo's codes are
 * (libjpeg's `look_nbits`/`look_sym`, HUFF_LOOKAHEAD 8; here 9).
 *
 * The bit reader removes the byte stuffing (an FF data byte is written FF 00) and stops at a
 * marker (FF followed by anything else): past it, it supplies zero bits, as libjpeg does for data
 * that ends early ("premature end of data segment"); the scan decoder handles restart markers.
 */
import { imageError } from './image-error.js';

const LOOKAHEAD = 9;

export interface HuffmanTable {
  /** [next LOOKAHEAD bits] → (code length << 8) | symbol, or 0 when the code is longer. */
  readonly lookup: Uint16Array;
  /** [l] the largest code of length l, −1 when there is none. */
  readonly maxcode: Int32Array;
  /** [l] the index in `symbols` of the first code of length l, minus that code. */
  readonly valoffset: Int32Array;
  readonly symbols: Uint8Array;
  /**
   * [next LOOKAHEAD bits] → (value << 8) | (run << 4) | (code length + size) when a code and its
   * `size` value bits fit in those bits together, else 0 — stb_image's `fast_ac`: the common
   * coefficients and DC differences then cost one look-up instead of DECODE, then RECEIVE +
   * EXTEND. AC tables leave out the codes of size 0 (end-of-band runs and ZRL, which carry no
   * value); in DC tables size 0 is a zero difference, whose entry is its code length alone.
   */
  readonly fast: Int32Array;
}

/**
 * The table of one DHT entry.
 * @param counts (16) number of codes of length 1..16
 * @param symbols the symbols, in order of increasing code
 * @param dc a DC table, whose symbols are magnitude categories 0..15 (libjpeg refuses more)
 */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array, dc: boolean, where: string): HuffmanTable {
  const lookup = new Uint16Array(1 << LOOKAHEAD);
  const maxcode = new Int32Array(17).fill(-1);
  const valoffset = new Int32Array(17);
  let code = 0;
  let p = 0;
  for (let l = 1; l <= 16; l++) {
    // the counts[l − 1] codes of length l: code, code + 1, ...
    valoffset[l] = p - code;
    for (let i = 0; i < counts[l - 1]; i++, p++, code++) {
      if (l <= LOOKAHEAD) {
        // every LOOKAHEAD-bit word that starts with this code
        const first = code << (LOOKAHEAD - l);
        lookup.fill((l << 8) | symbols[p], first, first + (1 << (LOOKAHEAD - l)));
      }
    }
    if (counts[l - 1] > 0) maxcode[l] = code - 1;
    // a code of l bits must fit in l bits (jdhuff.c: "huffcode >= 1 << si" is a bad table)
    if (code > 1 << l) throw imageError(where, `corrupt JPEG: Huffman table (DHT) has more codes of ${l} bits or fewer than fit`);
    code <<= 1;
  }
  if (dc && symbols.some((s) => s > 15)) throw imageError(where, 'corrupt JPEG: DC Huffman table (DHT) has a category over 15');
  const fast = new Int32Array(1 << LOOKAHEAD);
  for (let word = 0; word < fast.length; word++) {
    const hit = lookup[word];
    const l = hit >> 8;
    const size = hit & 15;
    if (hit === 0 || (size === 0 && !dc) || l + size > LOOKAHEAD) continue;
    // the size bits after the code, extended
    const value = size === 0 ? 0 : extend((word >> (LOOKAHEAD - l - size)) & ((1 << size) - 1), size);
    fast[word] = (value << 8) | (hit & 0xf0) | (l + size);
  }
  return { lookup, maxcode, valoffset, symbols, fast };
}

/** EXTEND (F.2.2.1): `size` received bits as a signed value, 0..2^(size−1)−1 standing for negatives. */
function extend(bits: number, size: number): number {
  return bits < 1 << (size - 1) ? bits - (1 << size) + 1 : bits;
}

/** The entropy-coded data of one scan, read bit by bit from `bytes` at `pos`. */
export class BitReader {
  /** The unread bits are the low `count` bits of `buffer`. */
  private buffer = 0;
  private count = 0;
  /** At a marker: only zero bits from here on, until `restart`. */
  private atMarker = false;

  constructor(private readonly bytes: Uint8Array, public pos: number) {}

  /** At least 25 bits in the buffer (a code and its value fit). */
  private fill(): void {
    const bytes = this.bytes;
    while (this.count <= 24) {
      let byte = 0;
      if (!this.atMarker && this.pos < bytes.length) {
        byte = bytes[this.pos];
        if (byte === 0xff) {
          const next = bytes[this.pos + 1];
          if (next === 0) this.pos += 2;  // a stuffed FF data byte
          else {
            byte = 0;  // a marker: stay in front of it
            this.atMarker = true;
          }
        } else this.pos++;
      }
      this.buffer = (this.buffer << 8) | byte;
      this.count += 8;
    }
  }

  /** The next `n` bits (0..16) as an unsigned number. */
  bits(n: number): number {
    if (this.count < n) this.fill();
    this.count -= n;
    return (this.buffer >>> this.count) & ((1 << n) - 1);
  }

  bit(): number {
    if (this.count < 1) this.fill();
    this.count -= 1;
    return (this.buffer >>> this.count) & 1;
  }

  /** DECODE (F.2.2.3): the next Huffman symbol; an IMAGE error for a code the table does not have. */
  decode(table: HuffmanTable, where: string): number {
    if (this.count < 16) this.fill();
    const hit = table.lookup[(this.buffer >>> (this.count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
    if (hit !== 0) {
      this.count -= hit >> 8;
      return hit & 0xff;
    }
    let l = LOOKAHEAD + 1;
    let code = (this.buffer >>> (this.count - l)) & ((1 << l) - 1);
    while (code > table.maxcode[l]) {
      l++;
      if (l > 16) throw imageError(where, 'corrupt JPEG: bad Huffman code in the image data');
      code = (this.buffer >>> (this.count - l)) & ((1 << l) - 1);
    }
    this.count -= l;
    return table.symbols[table.valoffset[l] + code];
  }

  /** A code and its value by `table.fast` when they fit in the lookahead: the entry, its bits consumed; else 0 and nothing read. */
  fast(table: HuffmanTable): number {
    if (this.count < 16) this.fill();
    const hit = table.fast[(this.buffer >>> (this.count - LOOKAHEAD)) & ((1 << LOOKAHEAD) - 1)];
    this.count -= hit & 15;
    return hit;
  }

  /** RECEIVE(s) then EXTEND (F.2.2.1): s bits as a signed value, 0..2^(s−1)−1 standing for negatives. */
  receiveExtend(s: number): number {
    if (s === 0) return 0;
    return extend(this.bits(s), s);
  }

  /**
   * At a restart interval's end: the rest of the byte is padding; an RSTn marker is expected next
   * and skipped. When something else is there (corrupt data), reading goes on from where it is,
   * as libjpeg's resynchronisation does in the common cases.
   */
  restart(): void {
    this.buffer = 0;
    this.count = 0;
    this.atMarker = false;
    const bytes = this.bytes;
    if (bytes[this.pos] === 0xff && bytes[this.pos + 1] >= 0xd0 && bytes[this.pos + 1] <= 0xd7) this.pos += 2;
  }
}
