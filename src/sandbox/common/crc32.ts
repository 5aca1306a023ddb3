import * as zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the zip/PNG polynomial) as an unsigned number. Uses node:zlib's native crc32 when the runtime
 * has it (Node >= 20.15) and a table implementation otherwise. Deliberately not the client's crc library.
 */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

let table: Uint32Array | undefined;
function tableCrc32(data: Uint8Array, value = 0): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (value ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** `value`: the CRC of the bytes before `data` (a body checked chunk by chunk as it arrives). */
export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 ? nativeCrc32(data, value) >>> 0 : tableCrc32(data, value);
}

/** Exposed so a test can prove both implementations agree. */
export const crc32Table = tableCrc32;
