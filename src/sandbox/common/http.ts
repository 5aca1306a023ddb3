import type * as http from 'node:http';
import type { Blob } from './blob';
import type { Faults } from './misbehaviour';
import type { RequestEntry } from './requests';

/** Vendor-neutral HTTP plumbing of the emulators: reply model, body reading, streaming, Range, small HTML pages. */

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw JSON text (malformed answers). */
  rawJson?: string;
  html?: string;
  blob?: { blob: Blob; start: number; end: number };
  bytes?: Buffer;
}

export const MAX_BODY = 128 * 1024 * 1024;

export async function send(res: http.ServerResponse, method: string, r: Reply): Promise<number> {
  const headers: Record<string, string | number> = { ...r.headers };
  let payload: Buffer | undefined;
  if (r.json !== undefined || r.rawJson !== undefined) {
    payload = Buffer.from(r.rawJson ?? JSON.stringify(r.json), 'utf8');
    headers['Content-Type'] = 'application/json; charset=utf-8';
  } else if (r.html !== undefined) {
    payload = Buffer.from(r.html, 'utf8');
    headers['Content-Type'] = 'text/html; charset=utf-8';
  } else if (r.bytes) {
    payload = r.bytes;
  }
  headers['Content-Length'] = payload ? payload.length : r.blob ? r.blob.end - r.blob.start : 0;
  res.writeHead(r.status, headers);
  if (method === 'HEAD') {
    res.end();
  } else if (r.blob) {
    await streamBlob(res, r.blob.blob, r.blob.start, r.blob.end);
  } else {
    res.end(payload);
  }
  return r.status;
}

/** Writes [start, end) in 1 MiB pieces honouring back-pressure, so a 20 MB generated file never sits in memory. */
async function streamBlob(res: http.ServerResponse, blob: Blob, start: number, end: number): Promise<void> {
  const CHUNK = 1024 * 1024;
  for (let off = start; off < end; off += CHUNK) {
    if (res.destroyed) return;
    if (!res.write(blob.read(off, Math.min(end, off + CHUNK)))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    }
  }
  res.end();
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return readChunks(req).then((chunks) => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

/**
 * The body as the chunks it arrived in, not copied into one buffer (upload parts are hashed, checked and stored
 * chunk by chunk: the receiving path must not be what limits an upload).
 */
export function readChunks(req: http.IncomingMessage): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        req.destroy();
        reject(new Error('body too large'));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks));
    req.on('error', reject);
  });
}

/** Single `bytes=a-b` / `bytes=a-` / `bytes=-n`; anything else is ignored (full body), as RFC 9110 allows. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return 'unsatisfiable';
  return { start, end };
}

/**
 * Reply for a GET of a temporary download URL: 200 whole body, 206 with a satisfiable Range, 416 (body =
 * `unsatisfiableBody`, in the vendor's error envelope) otherwise.
 */
export function blobDownload(blob: Blob, filename: string, open: boolean, etag: string, rangeHeader: string | undefined, unsatisfiableBody: unknown): Reply {
  const headers: Record<string, string> = {
    'Content-Type': 'application/octet-stream',
    'Accept-Ranges': 'bytes',
    ETag: `"${etag}"`,
    'Content-Disposition': `${open ? 'inline' : 'attachment'}; filename="${filename.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
  };
  const range = parseRange(rangeHeader, blob.size);
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${blob.size}` }, json: unsatisfiableBody };
  }
  if (range) {
    headers['Content-Range'] = `bytes ${range.start}-${range.end - 1}/${blob.size}`;
    return { status: 206, headers, blob: { blob, start: range.start, end: range.end } };
  }
  return { status: 200, headers, blob: { blob, start: 0, end: blob.size } };
}

/**
 * Reads the body until `keep` bytes arrived (or it ended first), then cuts the connection without answering
 * (control.dropNextParts). Resolves with exactly the first `keep` bytes (fewer when the body was shorter): how much a
 * server got before a connection dropped is up to the network, the sandbox fixes it so that tests can assert offsets.
 */
export function receivePrefixThenDrop(req: http.IncomingMessage, keep: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const cut = () => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.socket.destroy();
      resolve(Buffer.concat(chunks).subarray(0, keep));
    };
    const onData = (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size >= keep) cut();
    };
    req.on('data', onData);
    req.once('end', cut);
    req.once('error', cut);
    if (keep <= 0) cut();
  });
}

export function isLoopback(addr: string | undefined): boolean {
  return addr === '127.0.0.1' || addr === '::1' || addr === '::ffff:127.0.0.1';
}

/** Path prefix of the emulators' HTTP control routes (for out-of-process tests). */
export const CONTROL_PREFIX = '/__sandbox/';

/**
 * Who may use the control routes: nobody unless the sandbox was started with `controlRoutes: true` ('off': answer
 * 404 as for any unknown path), and then loopback clients only ('forbidden' otherwise).
 */
export function controlAccess(enabled: boolean, req: http.IncomingMessage): 'ok' | 'off' | 'forbidden' {
  if (!enabled) return 'off';
  return isLoopback(req.socket.remoteAddress) ? 'ok' : 'forbidden';
}

/** What a vendor's error answers need: its status, extra headers (Retry-After) and body in the vendor's envelope. */
export interface SandboxError {
  readonly status: number;
  readonly headers: Record<string, string>;
  body(): unknown;
}

/** A vendor's part of the request pipeline shared by the emulators (createPipeline). */
export interface Pipeline {
  faults: Faults;
  /** Serve the /__sandbox/ control routes (the sandbox's `controlRoutes` option). */
  controlRoutes: boolean;
  /** Paths a fault rule without `pathIncludes` applies to (API and upload server; not downloads, pages, control). */
  isApi(path: string): boolean;
  /**
   * Reads the request body once no fault dropped the request; `undefined` when it cut the connection instead
   * (Gokuai's dropNextParts). Default: readBody.
   */
  receive?(req: http.IncomingMessage, path: string): Promise<Buffer | undefined>;
  /** Body of a malformNext answer (HTTP 200, JSON cut short in the vendor's success shape). */
  malformedJson: string;
  errors: {
    /** The vendor error `e` is, or the vendor's 500 "internal error" (anything else is a sandbox bug). */
    of(e: unknown): SandboxError;
    /** A control route while they are off: what any unknown path gets. */
    controlOff(): SandboxError;
    /** A control route from a non-loopback client. */
    controlForbidden(): SandboxError;
    /** control.failNext's answer. */
    injected(status: number, retryAfterSec?: number): SandboxError;
  };
  /** The /__sandbox/ control routes. Throwing a vendor error answers with it. */
  control(method: string, url: URL, body: Buffer): Reply;
  /** Everything else (may answer later, e.g. after fetching a URL). Throwing or rejecting with a vendor error answers with it. */
  route(req: http.IncomingMessage, method: string, url: URL, body: Buffer): Reply | Promise<Reply>;
  /** Request log (status 0: connection dropped or failed, no answer). */
  record(entry: RequestEntry): void;
}

/**
 * The request handler of an emulator: control routes (gated by controlAccess), then the injected faults in the order
 * drop, read body, latency, fail, malform, and finally the vendor's routes; every request is logged with its status.
 */
export function createPipeline(p: Pipeline): http.RequestListener {
  return (req, res) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    serve(p, req, res, method, url).then(
      (status) => p.record({ method, path, status }),
      (e) => {
        // Only reachable when the socket itself failed; nothing useful left to answer.
        p.record({ method, path, status: 0 });
        if (!res.headersSent) res.destroy(e as Error);
      },
    );
  };
}

async function serve(p: Pipeline, req: http.IncomingMessage, res: http.ServerResponse, method: string, url: URL): Promise<number> {
  const path = url.pathname;
  const answer = async (fn: () => Reply | Promise<Reply>) => send(res, method, await safely(p, fn));
  if (path.startsWith(CONTROL_PREFIX)) {
    const access = controlAccess(p.controlRoutes, req);
    if (access === 'off') return send(res, method, errorReply(p.errors.controlOff()));
    if (access === 'forbidden') return send(res, method, errorReply(p.errors.controlForbidden()));
    const body = await readBody(req);
    return answer(() => p.control(method, url, body));
  }
  const isApi = p.isApi(path);
  if (p.faults.takeDrop(path, isApi)) {
    req.socket.destroy();
    return 0;
  }
  const body = await (p.receive ? p.receive(req, path) : readBody(req));
  if (body === undefined) return 0;
  await delay(p.faults.latencyMs);
  const fail = p.faults.takeFail(path, isApi);
  if (fail) return send(res, method, errorReply(p.errors.injected(fail.status ?? 500, fail.retryAfterSec)));
  if (p.faults.takeMalform(path, isApi)) return send(res, method, { status: 200, rawJson: p.malformedJson });
  return answer(() => p.route(req, method, url, body));
}

async function safely(p: Pipeline, fn: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (e) {
    return errorReply(p.errors.of(e));
  }
}

function errorReply(e: SandboxError): Reply {
  return { status: e.status, headers: e.headers, json: e.body() };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A small HTML page; `body` is already HTML, `title` and `footer` are text. */
export function htmlPage(title: string, body: string, footer: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body><h1>${escapeHtml(title)}</h1>${body}<p><small>${escapeHtml(footer)}</small></p></body></html>`;
}

/** Waits `ms` (the setLatency misbehaviour); resolves at once for 0. */
export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();
}

/** Starts an http.Server on 127.0.0.1:`port` and returns its base URL. */
export async function listenLoopback(server: http.Server, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (!addr || typeof addr === 'string') throw new Error('server has no TCP address');
  return `http://127.0.0.1:${addr.port}`;
}

/** Closes a server and all its kept-alive connections. */
export function closeServer(server: http.Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
