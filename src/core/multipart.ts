/**
 * multipart/form-data bodies with text fields and one file, the file either in memory or streamed from disk
 * (memory stays flat). The body is a factory so that the HTTP layer can retry it, and its md5 can be computed ahead
 * of sending for signatures that cover the body (kdocs WPS-2).
 */
import { createHash, randomBytes } from 'crypto';
import { createReadStream, promises as fsp } from 'fs';
import { PassThrough, Readable } from 'stream';
import type { ProgressFn } from './model';
import { rfc3986 } from './urlencode';

export type FileSource = { data: Uint8Array } | { path: string };

export interface MultipartFile {
  field: string;
  filename: string;
  source: FileSource;
  contentType?: string;
}

export interface Multipart {
  /** `multipart/form-data; boundary=...`: send exactly this header (signatures cover it). */
  contentType: string;
  length: number;
  /** A fresh body per call (one per attempt). */
  body: () => Buffer | Readable;
  /** Lowercase hex md5 of the whole body (reads a disk file once). */
  md5(): Promise<string>;
}

/**
 * Builds the body. Field values that are undefined or '' are left out; arrays become repeated fields.
 * `onProgress` reports file bytes handed to the connection (per attempt).
 */
export async function multipart(
  fields: Record<string, string | number | string[] | undefined>, file: MultipartFile | undefined, onProgress?: ProgressFn,
): Promise<Multipart> {
  const boundary = `----dwform${randomBytes(12).toString('hex')}`;
  const head: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (item === undefined || item === '') continue;
      head.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${item}\r\n`, 'utf8'));
    }
  }
  const contentType = `multipart/form-data; boundary=${boundary}`;
  if (!file) {
    // Text fields only (e.g. an import from a URL instead of a file).
    const whole = Buffer.concat([...head, Buffer.from(`--${boundary}--\r\n`, 'utf8')]);
    return { contentType, length: whole.length, body: () => whole, md5: async () => createHash('md5').update(whole).digest('hex') };
  }
  // Plain filename for old parsers (quotes and line breaks neutralised), filename* with the exact UTF-8 name.
  const quoted = file.filename.replace(/["\\\r\n]/g, '_');
  head.push(Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${quoted}"; filename*=UTF-8''${rfc3986(file.filename)}\r\n` +
    `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`, 'utf8'));
  const prefix = Buffer.concat(head);
  const suffix = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');

  if ('data' in file.source) {
    const data = file.source.data;
    const whole = Buffer.concat([prefix, Buffer.from(data.buffer, data.byteOffset, data.byteLength), suffix]);
    return {
      contentType,
      length: whole.length,
      body: () => {
        onProgress?.(data.byteLength, data.byteLength);
        return whole;
      },
      md5: async () => createHash('md5').update(whole).digest('hex'),
    };
  }

  const path = file.source.path;
  const size = (await fsp.stat(path)).size;
  const stream = (): Readable => {
    const out = new PassThrough();
    out.write(prefix);
    const src = createReadStream(path);
    let done = 0;
    src.on('data', (c) => {
      done += c.length;
      onProgress?.(done, size);
    });
    src.once('error', (e) => out.destroy(e));
    src.once('end', () => out.end(suffix));
    src.pipe(out, { end: false });
    out.once('close', () => src.destroy());
    return out;
  };
  return {
    contentType,
    length: prefix.length + size + suffix.length,
    body: stream,
    md5: async () => {
      const h = createHash('md5');
      h.update(prefix);
      for await (const c of createReadStream(path)) h.update(c as Buffer);
      h.update(suffix);
      return h.digest('hex');
    },
  };
}
