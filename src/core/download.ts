/**
 * Temporary download URLs, shared by vendor clients: get a URL, GET it streaming; when the URL has expired
 * (vendor-specific statuses) get a fresh one once. Then drain the body to memory or to a file.
 * The URL's query (its credential) never reaches logs or error messages.
 */
import { createWriteStream, promises as fsp } from 'fs';
import { Transform } from 'stream';
import { pipeline } from 'stream/promises';
import { CancelledError, DocError, NetworkError } from './errors';
import type { HttpClient, HttpResponse } from './http';
import type { Logger } from './log';
import type { CallOptions, ProgressFn } from './model';

export interface FreshDownload {
  http: HttpClient;
  /** Asks the vendor for a (new) temporary URL. */
  getUrl: () => Promise<string>;
  /** Names the download in messages, e.g. `download "a/b.txt"`. */
  what: string;
  /** Does this status on the GET mean "URL expired"? */
  isExpired: (status: number, body: Buffer) => boolean;
  /** The error for any other non-2xx answer. */
  toError: (res: HttpResponse) => DocError;
  /** Headers timeout and, then, longest stall between bytes. */
  timeoutMs: number;
  log: Logger;
  signal?: AbortSignal;
}

/** A 2xx streaming response of a temporary download URL, refreshing the URL once when it has expired. */
export async function openFreshDownload(d: FreshDownload): Promise<HttpResponse> {
  for (let round = 1; ; round++) {
    const res = await d.http.request({
      method: 'GET', url: await d.getUrl(), hideQuery: true, responseType: 'stream', signal: d.signal, timeoutMs: d.timeoutMs,
    });
    if (res.status >= 200 && res.status < 300) return res;
    if (round === 1 && d.isExpired(res.status, res.body)) {
      d.log.debug(`${d.what}: download URL rejected with HTTP ${res.status} (expired?), fetching a fresh one`);
      continue;
    }
    throw d.toError(res);
  }
}

/** The DocError for a body that failed mid-way (the HTTP layer already types stalls and drops). */
export function bodyFailure(e: unknown, what: string, o?: CallOptions): DocError {
  if (o?.signal?.aborted) return new CancelledError();
  if (e instanceof DocError) return e;
  return new NetworkError(`${what} failed: ${(e as { code?: string }).code ?? 'stream error'}`);
}

/** Drains a streaming response into memory. */
export async function readAllBody(res: HttpResponse, what: string, o?: CallOptions): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of res.stream as AsyncIterable<Buffer>) chunks.push(c);
  } catch (e) {
    throw bodyFailure(e, what, o);
  }
  const buf = Buffer.concat(chunks);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/**
 * Streams a response to `localPath` through a temporary sibling file (renamed at the end, removed on failure), so a
 * failed download never leaves a truncated file under the real name. Checks Content-Length when there is one.
 */
export async function saveBodyToFile(
  res: HttpResponse, localPath: string, what: string, o?: CallOptions & { onProgress?: ProgressFn },
): Promise<void> {
  const total = Number(res.headers.get('content-length') ?? NaN);
  const tmp = `${localPath}.dwdownload-${process.pid}-${Date.now()}`;
  let done = 0;
  const progress = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      done += chunk.length;
      o?.onProgress?.(done, Number.isFinite(total) ? total : done);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(res.stream as NodeJS.ReadableStream, progress, createWriteStream(tmp), { signal: o?.signal });
    if (Number.isFinite(total) && done !== total) throw new NetworkError(`${what} ended after ${done} of ${total} bytes`);
    await fsp.rename(tmp, localPath);
  } catch (e) {
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw bodyFailure(e, what, o);
  }
}
