/**
 * The structure of encoded files as their specifications define it, walked independently of the
 * engine's decoders: the markers of a JPEG's segments up to SOS (JPEG, ITU T.81 B.1.1.2: FF xx and
 * a u16 length counting itself) and a PNG's chunk types (PNG spec 5.3: u32 length, type, data, CRC).
 */

/** The marker bytes of every segment from SOI to SOS, and EOI if the file ends with it. */
export function jpegMarkers(bytes: Uint8Array): number[] {
  const markers = [bytes[1]];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1];
    markers.push(marker);
    if (marker === 0xda) break;  // SOS: entropy-coded data follows
    at += 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
  }
  if (bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9) markers.push(0xd9);
  return markers;
}

/** The type of every chunk, in file order. */
export function pngChunkTypes(bytes: Uint8Array): string[] {
  const types: string[] = [];
  for (let at = 8; at + 8 <= bytes.length;) {
    const length = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
    types.push(String.fromCharCode(...bytes.subarray(at + 4, at + 8)));
    at += 12 + length;
  }
  return types;
}
