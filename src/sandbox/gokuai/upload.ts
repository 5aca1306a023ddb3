import { newSecret } from '../common/secrets';
import { createHash, type Hash } from 'node:crypto';
import { type Blob, bufferBlob, SpoolFile } from '../common/blob';
import { crc32 } from '../common/crc32';
import { err } from './errors';
import { decodeFormComponent, multipartBoundary, parseMultipart, type Params } from '../common/form';
import { operatorName, type Library, type Node } from './store';

/**
 * Upload side of the sandbox: pending create_file announcements, the chunked-upload server protocol of
 * vendor-facts.md (upload_init / upload_part / upload_req / upload_finish / upload_abort) and /2/web_upload.
 *
 * Status codes (vendor-facts.md): upload_init 200 {session} | 202 already complete; upload_part 200 ok | 202 complete
 * | 409 {"expect":"<offset>"} | 400 crc mismatch | 401 bad session; upload_finish 200 done | 202 still processing
 * (control.finishPending), the client retries.
 *
 * Methods as vendor-facts.md and Gokuai's Java SDK (UploadRunnable) use them; any other answers 405 / 40001.
 * Parts are 4-10 MiB; only the file's last part may be smaller (400 / 40001 otherwise, the code being the sandbox's
 * choice: the reference names none).
 */

export interface PendingUpload {
  hash: string;
  fullpath: string;
  filehash: string;
  filesize: number;
  overwrite: boolean;
  member: string;
}

interface Session {
  pending: PendingUpload;
  /** Where the parts go as they arrive. */
  spool: SpoolFile;
  /** sha1 of the parts so far, updated as they arrive (finish does not hash the whole file again). */
  hash: Hash;
  /** Chunks answered for but not hashed yet: hashed right after the answer went out (see hashSoon). */
  unhashed: Buffer[];
  /** The digest, once taken (a Hash gives it once). */
  digest?: string;
  received: number;
  /** Set once finished, so a retried upload_finish (lost response) answers the same. */
  result?: UploadResult;
}

export interface UploadResult { hash: string; fullpath: string; filehash: string; filesize: number }

export interface UploadReply { status: number; json: unknown }

const MIB = 1024 * 1024;
export const MIN_PART_SIZE = 4 * MIB;
export const MAX_PART_SIZE = 10 * MIB;

const METHODS: Readonly<Record<string, string>> = {
  upload_init: 'POST',
  upload_part: 'PUT',
  upload_req: 'GET',
  upload_finish: 'POST',
  upload_abort: 'POST',
  '2/web_upload': 'POST',
};

export class Uploads {
  private readonly pending = new Map<string, PendingUpload>();
  private readonly sessions = new Map<string, Session>();
  private readonly webKeys = new Map<string, number>();
  /** control.finishPending: how many upload_finish calls still answer 202 ("still processing") before completing. */
  finishPending = 0;

  constructor(private readonly lib: Library, private readonly clientId: string) {}

  announce(p: PendingUpload): void {
    this.pending.set(p.hash, p);
  }

  /**
   * control.expireUploadSessions: every open session is forgotten, so its next call answers 401 / 40402 like an
   * expired one. Announcements stay: upload_init with the same pathhash starts a new session.
   */
  expireSessions(): void {
    for (const s of this.sessions.values()) if (!s.result) s.spool.discard();
    this.sessions.clear();
  }

  /** Key for /2/web_upload, valid `timeoutSec`. */
  newWebKey(timeoutSec: number): string {
    const key = newSecret(16);
    this.webKeys.set(key, Date.now() + timeoutSec * 1000);
    return key;
  }

  /** Stores the content under the announced path (auto-renaming again if the name was taken meanwhile). */
  private commit(p: PendingUpload, content: Blob | undefined): UploadResult {
    const blob = content ?? this.lib.blobs.get(p.filehash);
    if (!blob) throw err.content('content not available');
    const node = this.lib.putContent(p.fullpath, blob, p.member, { overwrite: p.overwrite, hash: p.hash });
    this.pending.delete(p.hash);
    return result(node);
  }

  /** create_file step when the server already has the content: store now (instant upload). */
  commitKnown(p: PendingUpload): UploadResult {
    return this.commit(p, undefined);
  }

  /** Dispatches `${uploadServer}/<name>`. */
  handle(name: string, method: string, headers: Record<string, string | string[] | undefined>, query: Params, received: Buffer | Buffer[]): UploadReply {
    const parts = Array.isArray(received) ? received : [received];
    const body = () => (Array.isArray(received) ? Buffer.concat(received) : received);
    const header = headerOf(headers);
    const expected = METHODS[name];
    if (expected === undefined) throw err.notFound('no such upload api');
    if (method !== expected) throw err.method();
    switch (name) {
      case 'upload_init': return this.init(query, header);
      case 'upload_part': return this.part(this.session(header('x-gk-upload-session') || query.session), header, parts);
      case 'upload_req': {
        const s = this.session(header('x-gk-upload-session') || query.session);
        return { status: 200, json: { received: s.received } };
      }
      case 'upload_finish': return this.finish(this.session(header('x-gk-upload-session') || query.session));
      case 'upload_abort': {
        const id = header('x-gk-upload-session') || query.session;
        const s = this.sessions.get(id);
        if (!s) throw err.session();
        if (!s.result) s.spool.discard();
        this.sessions.delete(id);
        return { status: 200, json: {} };
      }
      case '2/web_upload': return this.webUpload(header('content-type'), body());
      default: throw err.notFound('no such upload api');
    }
  }

  private session(id: string): Session {
    const s = id ? this.sessions.get(id) : undefined;
    if (!s) throw err.session();
    return s;
  }

  private init(query: Params, header: (k: string) => string): UploadReply {
    if (query.org_client_id !== this.clientId) throw err.client();
    const pending = this.pending.get(header('x-gk-upload-pathhash'));
    if (!pending) throw err.noSuchId('upload (pathhash)');
    let filename: string;
    try {
      filename = decodeFormComponent(header('x-gk-upload-filename'));
    } catch {
      throw err.param('x-gk-upload-filename is not valid percent-encoding');
    }
    if (!filename) throw err.param('x-gk-upload-filename is required');
    // Compared as sent: create_file only takes lowercase hex, so an uppercase header names another hash.
    if (header('x-gk-upload-filehash') !== pending.filehash || Number(header('x-gk-upload-filesize')) !== pending.filesize) {
      throw err.param('x-gk-upload-filehash/filesize differ from create_file');
    }
    if (this.lib.blobs.has(pending.filehash)) return { status: 202, json: this.commit(pending, undefined) };
    const id = newSecret(16);
    this.sessions.set(id, { pending, spool: new SpoolFile(), hash: createHash('sha1'), unhashed: [], received: 0 });
    return { status: 200, json: { session: id } };
  }

  private part(s: Session, header: (k: string) => string, chunks: Buffer[]): UploadReply {
    const length = chunks.reduce((n, c) => n + c.length, 0);
    if (s.result) return { status: 202, json: { received: s.received } };
    const m = /^(\d+)-(\d+)$/.exec(header('x-gk-upload-range').trim());
    if (!m) throw err.param('x-gk-upload-range must be start-end');
    const start = Number(m[1]);
    const end = Number(m[2]);
    if (start !== s.received) throw err.expect(s.received);
    if (end < start || end >= s.pending.filesize) throw err.param('range outside the file');
    const size = end - start + 1;
    if (size > MAX_PART_SIZE || (size < MIN_PART_SIZE && end !== s.pending.filesize - 1)) {
      throw err.param(`a part must be 4-10 MiB (only the last part may be smaller), got ${size} bytes`);
    }
    if (length !== size) throw err.param('body length does not match the range');
    const crcHeader = header('x-gk-upload-crc');
    if (!/^\d+$/.test(crcHeader)) throw err.param('x-gk-upload-crc must be an unsigned decimal CRC32');
    if (Number(crcHeader) !== chunks.reduce((v, c) => crc32(c, v), 0)) throw err.crc();
    let at = s.received;
    for (const c of chunks) {
      s.spool.write(c, at); // streamed to storage as it arrived, never gathered into one buffer
      at += c.length;
    }
    this.hashSoon(s, chunks);
    s.received += length;
    return { status: s.received === s.pending.filesize ? 202 : 200, json: { received: s.received } };
  }

  /**
   * control.dropNextParts: the connection of an upload_part dropped after `prefix` (the start of its body) arrived.
   * Like a real upload server that writes the stream to storage as it comes, the session keeps those bytes and
   * upload_req reports them, so the client resumes in the middle of its part. The part's CRC covers the whole part and
   * cannot be checked here; the file's sha1 at upload_finish still is. A part that would have been refused (wrong
   * method, no such session, wrong offset, range outside the file, session already complete) keeps nothing. Returns
   * how many bytes were kept.
   */
  keepDroppedPrefix(method: string, headers: Record<string, string | string[] | undefined>, prefix: Buffer): number {
    if (method !== METHODS.upload_part) return 0;
    const header = headerOf(headers);
    const s = this.sessions.get(header('x-gk-upload-session'));
    const m = /^(\d+)-(\d+)$/.exec(header('x-gk-upload-range').trim());
    const start = Number(m?.[1]);
    const end = Number(m?.[2]);
    if (!s || s.result || !m || start !== s.received || end < start || end >= s.pending.filesize || prefix.length === 0) return 0;
    const kept = prefix.subarray(0, end - start + 1);
    s.spool.write(kept, s.received);
    this.hashSoon(s, [Buffer.from(kept)]);
    s.received += kept.length;
    return kept.length;
  }

  private finish(s: Session): UploadReply {
    if (!s.result) {
      if (s.received < s.pending.filesize) throw err.expect(s.received);
      if (this.finishPending > 0) {
        this.finishPending--;
        return { status: 202, json: { received: s.received } };
      }
      this.drainHash(s);
      s.digest ??= s.hash.digest('hex');
      if (s.digest !== s.pending.filehash) {
        this.dropSession(s);
        throw err.content('uploaded content does not match filehash');
      }
      s.result = this.commit(s.pending, s.spool.blob(s.received, s.digest));
    }
    return { status: 200, json: s.result };
  }

  /**
   * The sha1 of a part's chunks is taken after its answer went out, while the client sends the next part (a real
   * upload server hashes in the background too); finish drains what is left before comparing.
   */
  private hashSoon(s: Session, chunks: Buffer[]): void {
    s.unhashed.push(...chunks);
    setImmediate(() => this.drainHash(s));
  }

  private drainHash(s: Session): void {
    for (const c of s.unhashed.splice(0)) s.hash.update(c);
  }

  private dropSession(s: Session): void {
    s.spool.discard();
    for (const [id, v] of this.sessions) if (v === s) this.sessions.delete(id);
  }

  private webUpload(contentType: string, body: Buffer): UploadReply {
    const boundary = multipartBoundary(contentType);
    if (!boundary) throw err.param('multipart/form-data expected');
    let form;
    try {
      form = parseMultipart(body, boundary);
    } catch {
      throw err.param('malformed multipart body');
    }
    const f = form.fields;
    if (f.org_client_id !== undefined && f.org_client_id !== this.clientId) throw err.client();
    const expires = this.webKeys.get(f.key ?? '');
    if (expires === undefined) throw err.noSuchId('upload key');
    if (Date.now() > expires) throw err.expired();
    const file = form.files.find((x) => x.field === (f.filefield || 'file'));
    if (!file) throw err.param('file is required');
    const name = f.name || file.filename;
    if (!name || name.includes('/')) throw err.param('name is required');
    const dir = f.path ?? '';
    if (!this.lib.isFolder(dir.replace(/^\/+|\/+$/g, '')) && this.lib.get(dir)) throw err.param('path is not a folder');
    const node = this.lib.putContent(dir ? `${dir}/${name}` : name, bufferBlob(file.data), operatorName(f), {
      overwrite: f.overwrite === '1',
    });
    return { status: 200, json: { fullpath: node.fullpath, filesize: node.filesize, hash: node.hash } };
  }
}

function headerOf(headers: Record<string, string | string[] | undefined>): (k: string) => string {
  return (k) => {
    const v = headers[k];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
}

function result(node: Node): UploadResult {
  return { hash: node.hash, fullpath: node.fullpath, filehash: node.filehash, filesize: node.filesize };
}
