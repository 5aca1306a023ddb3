/**
 * Chunked upload flow (vendor-facts.md): sha1 -> create_file (state 1 = instant upload, nothing sent) ->
 * upload_init (202 = already complete) -> upload_part in order -> upload_finish until it stops answering 202.
 * upload_abort on failure. What interrupts it:
 * - 409 {expect} on a part: continue at that offset;
 * - a dropped connection, a timeout, 5xx or 429 on a part: wait what the server asked (Retry-After), ask upload_req
 *   how much arrived and resume there;
 * - the session expired (401 on a session call): start again from create_file, a few times at most.
 * Files are read part by part from disk, so memory stays around one part whatever the file size.
 */
import { promises as fsp } from 'fs';
import {
  CancelledError, InvalidInputError, NetworkError, RateLimitedError, ServerError, TimeoutError,
} from '../../core/errors';
import { sleep, throwIfCancelled } from '../../core/async';
import { DEFAULT_RETRY } from '../../core/http';
import { crc32, sha1File, sha1Hex } from '../../core/hash';
import { type Logger } from '../../core/log';
import type { CallOptions, ProgressFn } from '../../core/model';
import { pollTask } from '../../core/tasks';
import type { GkOp, GokuaiApi } from './api';
import { UploadSessionExpiredError } from './errors';

export const MIB = 1024 * 1024;
/** The vendor asks for parts of 4-10 MiB. */
export const MIN_PART_SIZE = 4 * MIB;
export const MAX_PART_SIZE = 10 * MIB;
export const DEFAULT_PART_SIZE = MIN_PART_SIZE;
/** From this size on, parts are MAX_PART_SIZE (see defaultPartSize). */
export const BIG_FILE = 64 * MIB;

/**
 * The part size when the caller sets none: 4 MiB (a dropped connection costs little to resend) up to BIG_FILE, 10 MiB
 * above it. Every part costs a round trip (50-200 ms to a real cloud), so a big file in 10 MiB parts makes 60% fewer:
 * measured on this loopback, 100 MB in 10 MiB parts takes about 0.6x the time of 4 MiB parts.
 */
export function defaultPartSize(size: number): number {
  return size >= BIG_FILE ? MAX_PART_SIZE : DEFAULT_PART_SIZE;
}
/** Consecutive interrupted parts tolerated before giving up. */
const MAX_RESUMES = 5;
/** Fresh starts after the upload session expired, before giving up. */
const MAX_SESSION_RESTARTS = 2;
/** A Retry-After longer than this on a part is not waited for: the upload fails (same cap as the HTTP layer). */
const MAX_RETRY_AFTER_MS = DEFAULT_RETRY.maxRetryAfterMs;

/** A part size the vendor accepts: within 4-10 MiB (anything else, or no number, gives the nearest bound / default). */
export function clampPartSize(n: number): number {
  if (!Number.isFinite(n)) return DEFAULT_PART_SIZE;
  return Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, Math.floor(n)));
}

export interface Part {
  start: number;
  /** Inclusive, as in `x-gk-upload-range: start-end`. */
  end: number;
}

/** The part that starts at `start` (the last part of a file is shorter). */
export function partAt(start: number, size: number, partSize: number): Part {
  checkPartSize(partSize);
  return { start, end: Math.min(start + partSize, size) - 1 };
}

/** Parts covering [from, size) of at most `partSize` bytes each. Empty for size 0. */
export function planParts(size: number, partSize: number, from = 0): Part[] {
  checkPartSize(partSize);
  const parts: Part[] = [];
  for (let start = Math.max(0, from); start < size; start += partSize) parts.push(partAt(start, size, partSize));
  return parts;
}

function checkPartSize(partSize: number): void {
  if (!(partSize > 0)) throw new InvalidInputError(`part size must be positive, got ${partSize}`);
}

/** Where upload bytes come from: a local file (read per part) or memory. */
interface Source {
  size: number;
  sha1(signal?: AbortSignal): Promise<string>;
  /** Bytes [start, end] (inclusive); a file source reads them into `into` when given (a reused part buffer). */
  read(start: number, end: number, into?: Buffer): Promise<Uint8Array>;
  /** Reads from disk: worth reusing part buffers. */
  fromDisk: boolean;
}

async function openSource(source: { path: string } | { data: Uint8Array }): Promise<Source> {
  if ('data' in source) {
    const data = source.data;
    return {
      size: data.byteLength,
      sha1: async () => sha1Hex(data),
      read: async (start, end) => data.subarray(start, end + 1),
      fromDisk: false,
    };
  }
  const path = source.path;
  const st = await fsp.stat(path);
  if (!st.isFile()) throw new InvalidInputError(`not a file: ${path}`);
  return { size: st.size, sha1: (signal) => sha1File(path, signal), read: (start, end, into) => readRange(path, start, end, into), fromDisk: true };
}

/** Reads [start, end] of a file into one buffer of exactly that size (the start of `into` when given). */
async function readRange(path: string, start: number, end: number, into?: Buffer): Promise<Buffer> {
  const out = into ? into.subarray(0, end - start + 1) : Buffer.allocUnsafe(end - start + 1);
  const fh = await fsp.open(path, 'r');
  try {
    let at = 0;
    while (at < out.length) {
      const { bytesRead } = await fh.read(out, at, out.length - at, start + at);
      if (bytesRead === 0) throw new InvalidInputError(`file shrank while uploading: ${path}`);
      at += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

export type UploadApi = Pick<GokuaiApi, 'createFile' | 'uploadInit' | 'uploadPart' | 'uploadReq' | 'uploadFinish' | 'uploadAbort'>;

export interface UploadParams extends GkOp {
  fullpath: string;
  source: { path: string } | { data: Uint8Array };
  overwrite: boolean;
}

export interface UploadResult { hash: string; fullpath: string; filehash: string; filesize: number; instant: boolean }

export interface UploadFlowOptions {
  /** Bytes per part; undefined: defaultPartSize of the file's size. */
  partSize?: number;
  logger: Logger;
  poll?: { intervalMs?: number; maxIntervalMs?: number; timeoutMs?: number };
}

export async function runUpload(
  api: UploadApi, p: UploadParams, o: CallOptions & { onProgress?: ProgressFn }, opts: UploadFlowOptions,
): Promise<UploadResult> {
  const src = await openSource(p.source);
  const filehash = await src.sha1(o.signal);
  for (let restarts = 0; ; restarts++) {
    throwIfCancelled(o.signal);
    try {
      return await uploadOnce(api, p, src, filehash, o, opts);
    } catch (e) {
      if (!(e instanceof UploadSessionExpiredError) || restarts >= MAX_SESSION_RESTARTS || o.signal?.aborted) throw e;
      opts.logger.debug(`upload "${p.fullpath}": ${e.message}; starting again`);
      o.onProgress?.(0, src.size);
    }
  }
}

/** One pass from create_file to upload_finish. */
async function uploadOnce(
  api: UploadApi, p: UploadParams, src: Source, filehash: string, o: CallOptions & { onProgress?: ProgressFn },
  opts: UploadFlowOptions,
): Promise<UploadResult> {
  const { signal } = o;
  const size = src.size;
  const cf = await api.createFile(
    { fullpath: p.fullpath, filehash, filesize: size, overwrite: p.overwrite ? 1 : 0, op_id: p.op_id, op_name: p.op_name },
    { signal },
  );
  const result = { hash: cf.hash, fullpath: cf.fullpath ?? p.fullpath, filehash, filesize: size };
  if (cf.state === 1) {
    opts.logger.debug(`upload "${p.fullpath}": instant upload (content already stored)`);
    o.onProgress?.(size, size);
    return { ...result, instant: true };
  }

  const server = cf.server;
  const filename = result.fullpath.split('/').pop() ?? result.fullpath;
  const init = await api.uploadInit(server, { filename, pathhash: cf.hash, filehash, filesize: size }, { signal });
  if (!init.complete && init.session) {
    const session = init.session;
    try {
      await sendParts(api, server, session, src, opts, o);
      await pollTask(async () => ((await api.uploadFinish(server, { session }, { signal })).done ? { done: true, value: true } : { done: false }), {
        intervalMs: 200, maxIntervalMs: 2_000, timeoutMs: 5 * 60_000, ...opts.poll, signal, what: 'Gokuai upload_finish',
      });
    } catch (e) {
      // Best effort, without the (maybe aborted) signal: the server can drop the partial upload. An expired
      // session is gone already.
      if (!(e instanceof UploadSessionExpiredError)) await api.uploadAbort(server, { session }).catch(() => undefined);
      if (signal?.aborted) throw new CancelledError();
      throw e;
    }
  }
  o.onProgress?.(size, size);
  return { ...result, instant: false };
}

/**
 * A part that did not get through but may be resumed (upload_req tells where): a dropped connection, a timeout, 5xx,
 * 429. The session is then still open; an expired one is not an interruption.
 */
function isInterruption(e: unknown): e is Error {
  if (e instanceof UploadSessionExpiredError) return false;
  return e instanceof NetworkError || e instanceof TimeoutError || e instanceof ServerError || e instanceof RateLimitedError;
}

/** How long to wait before resuming after an interruption: the server's Retry-After, else a short backoff for 429/5xx. */
function resumeDelay(e: Error, failures: number): number {
  const asked = e instanceof RateLimitedError || e instanceof ServerError ? e.retryAfterMs : undefined;
  if (asked !== undefined) return asked;
  if (e instanceof RateLimitedError || e instanceof ServerError) return Math.min(10_000, 500 * 2 ** (failures - 1));
  return 0; // a dropped connection: upload_req (retried by the HTTP layer) paces itself
}

async function sendParts(
  api: UploadApi, server: string, session: string, src: Source, opts: UploadFlowOptions,
  o: CallOptions & { onProgress?: ProgressFn },
): Promise<void> {
  const { signal } = o;
  const size = src.size;
  let offset = 0;
  let failures = 0;
  // The next part is read from disk while this one is on the wire.
  const partSize = opts.partSize ?? defaultPartSize(size);
  // The next part is read from disk and its CRC computed while this one is on the wire. From disk, two part buffers
  // are used in turn (the one being sent, the one being read): memory stays at two parts whatever the file's size.
  const pool = src.fromDisk ? [Buffer.allocUnsafe(partSize), Buffer.allocUnsafe(partSize)] : undefined;
  let turn = 0;
  let next: { offset: number; end: number; part: Promise<{ data: Uint8Array; crc: number }> } | undefined;
  const readAt = (at: number) => {
    const { end } = partAt(at, size, partSize);
    turn ^= 1;
    const part = src.read(at, end, pool?.[turn]).then((data) => ({ data, crc: crc32(data) }));
    part.catch(() => undefined); // awaited (or dropped when the server asks for another offset) below
    return { offset: at, end, part };
  };
  while (offset < size) {
    throwIfCancelled(signal);
    if (next && next.offset !== offset) {
      // The server wants another offset: the read ahead is dropped, once it no longer writes into its buffer.
      await next.part.catch(() => undefined);
      next = undefined;
    }
    const current = next ?? readAt(offset);
    const { end } = current;
    const { data, crc } = await current.part;
    next = end + 1 < size ? readAt(end + 1) : undefined;
    let r: { complete: boolean; expect?: number };
    try {
      r = await api.uploadPart(server, { session, start: offset, end, crc, data }, { signal });
    } catch (e) {
      if (signal?.aborted || !isInterruption(e) || ++failures > MAX_RESUMES) throw e;
      const wait = resumeDelay(e, failures);
      if (wait > MAX_RETRY_AFTER_MS) throw e;
      opts.logger.debug(`upload part ${offset}-${end} interrupted (${e.message}); resuming${wait ? ` in ${wait} ms` : ''}`);
      await sleep(wait, signal);
      const { received } = await api.uploadReq(server, { session }, { signal });
      opts.logger.debug(`upload: the server has ${received} bytes, resuming there`);
      offset = clampOffset(received, size);
      o.onProgress?.(offset, size);
      continue;
    }
    if (r.complete) return;
    if (r.expect !== undefined) {
      // The server wants another offset (e.g. it kept part of a dropped request): continue from there.
      if (++failures > MAX_RESUMES) throw new ServerError(`upload keeps asking for offset ${r.expect}; giving up`);
      offset = clampOffset(r.expect, size);
      o.onProgress?.(offset, size);
      continue;
    }
    failures = 0;
    offset = end + 1;
    o.onProgress?.(offset, size);
  }
}

function clampOffset(n: number, size: number): number {
  return Math.min(Math.max(0, Math.floor(n)), size);
}
