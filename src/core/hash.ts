import { createHash } from 'crypto';
import { createReadStream } from 'fs';
import { buf as crc32buf } from 'crc-32';
import { CancelledError } from './errors';

/** Lower-case hex SHA-1 of bytes. */
export function sha1Hex(data: Uint8Array | string): string {
  return createHash('sha1').update(data).digest('hex');
}

/** Lower-case hex SHA-1 of a local file, streamed (memory stays flat whatever the size). */
export function sha1File(path: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const hash = createHash('sha1');
    const stream = createReadStream(path);
    const onAbort = () => stream.destroy(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk) => hash.update(chunk));
    stream.on('error', (e) => {
      signal?.removeEventListener('abort', onAbort);
      reject(e);
    });
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(hash.digest('hex'));
    });
  });
}

/** CRC-32 (IEEE) as an unsigned 32-bit integer (the `crc-32` package returns a signed one). */
export function crc32(data: Uint8Array): number {
  return crc32buf(data) >>> 0;
}
