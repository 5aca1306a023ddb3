import * as zlib from 'node:zlib';
import { buf as crc32Package } from 'crc-32';

/**
 * CRC-32 (IEEE 802.3, the zip/PNG polynomial) as an unsigned number: node:zlib's native crc32 where the runtime has it
 * (Node >= 20.15; about 5x faster), else the `crc-32` package (which returns a signed number).
 */
const nativeCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** `value`: the CRC of the bytes before `data` (a body checked chunk by chunk as it arrives). */
export function crc32(data: Uint8Array, value = 0): number {
  return nativeCrc32 ? nativeCrc32(data, value) >>> 0 : crc32Fallback(data, value);
}

/** The fallback, exposed so a test proves both agree (chunked too). */
export function crc32Fallback(data: Uint8Array, value = 0): number {
  return crc32Package(data, value) >>> 0;
}
