/**
 * RemoteFs (src/core/remote.ts) over the Gokuai client. Paths are Gokuai fullpaths: '/'-separated, no leading
 * slash, '' = library root.
 */
import { AlreadyExistsError, ConflictError, InvalidInputError, NotFoundError, unlessNotFound } from '../../core/errors';
import type { CallOptions, Entry, Page, ProgressFn } from '../../core/model';
import { collectPages, offsetPager, parseCursor } from '../../core/paging';
import { baseName, normalizePath, rootEntry } from '../../core/paths';
import { sha1Hex } from '../../core/hash';
import type { Checked, FileStore } from '../../core/remote';
import type { GokuaiApi } from './api';
import { WEB_UPLOAD_MAX } from './client';
import type { GkFile, GkInfo } from './wire';

export const DEFAULT_PAGE_SIZE = 100;

/** Gokuai file/folder -> vendor-neutral Entry. */
export function toEntry(f: GkFile | GkInfo): Entry {
  const folder = Number(f.dir) === 1;
  const tagText = f.property?.tag ?? (f as GkInfo).tag ?? '';
  const tags = tagText.split(';').map((t) => t.trim()).filter(Boolean);
  const locked = Number((f as GkInfo).lock ?? f.property?.lock ?? 0) === 1;
  const path = normalizePath(f.fullpath);
  return {
    name: f.filename || path.split('/').pop() || '',
    path,
    type: folder ? 'folder' : 'file',
    size: folder ? 0 : Number(f.filesize) || 0,
    mtime: (Number(f.last_dateline) || 0) * 1000,
    ctime: (Number(f.create_dateline) || 0) * 1000,
    id: f.hash ?? '', // every file answer carries it (the API's unique id of the item)
    version: folder ? '' : f.filehash ?? '',
    modifiedBy: f.last_member_name,
    tags: tags.length ? tags : undefined,
    locked: locked || undefined,
  };
}

export class GokuaiRemoteFs implements FileStore {
  constructor(private readonly api: GokuaiApi) {}

  async stat(path: string, opts?: CallOptions): Promise<Entry> {
    const fullpath = normalizePath(path);
    if (fullpath === '') return rootEntry();
    const info = await this.api.info({ fullpath }, opts);
    const entry = toEntry(info);
    if (entry.type === 'file' && !entry.version) {
      // The default info answer may omit filehash; the basic one (attribute=10) always has it.
      const basic = await this.api.info({ fullpath, attribute: 10 }, opts);
      entry.version = basic.filehash ?? '';
    }
    return entry;
  }

  /**
   * What a save checks against, in one request: the basic info answer (attribute=10) has the content hash, the type
   * and the size, not the dates. Undefined when nothing is at `path`.
   */
  private async tryVersion(fullpath: string, opts?: CallOptions): Promise<Entry | undefined> {
    const basic = await unlessNotFound(this.api.info({ fullpath, attribute: 10 }, opts));
    return basic ? toEntry(basic) : undefined;
  }

  /** Undefined when nothing is at `path`. */
  private tryStat(path: string, opts?: CallOptions): Promise<Entry | undefined> {
    return unlessNotFound(this.stat(path, opts));
  }

  async list(path: string, cursor?: string, opts?: CallOptions & { pageSize?: number }): Promise<Page<Entry>> {
    const fullpath = normalizePath(path);
    const size = opts?.pageSize ?? DEFAULT_PAGE_SIZE;
    const fetch = offsetPager<Entry>(async (start, n) => {
      const r = await this.api.ls({ fullpath, start, size: n }, opts);
      return { items: r.list.map(toEntry), total: typeof r.count === 'number' ? r.count : undefined };
    }, size);
    return fetch(cursor === undefined ? undefined : String(parseCursor(cursor)));
  }

  listAll(path: string, opts?: CallOptions): Promise<Entry[]> {
    return collectPages((cursor) => this.list(path, cursor, opts), opts);
  }

  /**
   * Two requests: `info` (metadata and the download link `uri`) and the GET of that link. The version is the sha1 of
   * the bytes read (Gokuai's filehash is the content's sha1), so data and version always agree.
   */
  async read(path: string, opts?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }> {
    const fullpath = normalizePath(path);
    if (fullpath === '') throw new InvalidInputError('the library root is a folder');
    const info = await this.api.info({ fullpath }, opts);
    const entry = toEntry(info);
    if (entry.type !== 'file') throw new InvalidInputError(`"${path}" is a folder`);
    const data = await this.api.downloadBytes({ fullpath: entry.path, filehash: entry.version || undefined, url: info.uri || undefined }, opts);
    // The version is what was read, whatever the answer said: a link that served another version than `info` named
    // must not make the next save's check pass over a change.
    return { data, entry: { ...entry, version: sha1Hex(data), size: data.byteLength } };
  }

  async write(
    path: string,
    data: Uint8Array,
    opts: CallOptions & Checked & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry> {
    const fullpath = normalizePath(path);
    if (fullpath === '') throw new InvalidInputError('cannot write the library root');
    // The caller's answer of moments ago (VS Code's pre-save stat), else the one-request basic info.
    const current = opts.current && opts.current.path === fullpath ? opts.current : await this.tryVersion(fullpath, opts);
    this.checkTarget(fullpath, current, opts);
    if (opts.expectedVersion !== undefined && opts.expectedVersion !== '' && current?.version !== opts.expectedVersion) {
      throw new ConflictError(
        current ? `"${fullpath}" was changed by someone else` : `"${fullpath}" was deleted by someone else`,
        { remoteVersion: current?.version },
      );
    }
    // overwrite=1 on the wire: the checks above decided; overwrite=0 would make Gokuai store "name (1)" instead.
    const r = data.byteLength <= WEB_UPLOAD_MAX
      ? await this.api.uploadSmall({ fullpath, data, overwrite: true }, opts)
      : await this.api.uploadFile({ fullpath, source: { data }, overwrite: true }, opts);
    return this.savedEntry(r, current);
  }

  async upload(localPath: string, path: string, opts: CallOptions & { overwrite: boolean; onProgress?: ProgressFn }): Promise<Entry> {
    const fullpath = normalizePath(path);
    const current = await this.tryStat(fullpath, opts);
    this.checkTarget(fullpath, current, { create: true, overwrite: opts.overwrite });
    const r = await this.api.uploadFile({ fullpath, source: { path: localPath }, overwrite: true }, opts);
    return this.savedEntry(r, current);
  }

  /**
   * The entry of what an upload stored, from the upload itself (no request): its version is the content we sent,
   * never whatever a later stat finds — when a colleague saves in between, recording their version as ours would let
   * our next save overwrite their change without a conflict. The time is this computer's (the server's own is read
   * with the next listing).
   */
  private savedEntry(r: { hash: string; fullpath: string; filehash: string; filesize: number }, before: Entry | undefined): Entry {
    const path = normalizePath(r.fullpath);
    const now = Date.now();
    return {
      name: baseName(path), path, type: 'file', size: r.filesize, mtime: now, ctime: before?.ctime || now,
      id: r.hash || before?.id || '', version: r.filehash,
    };
  }

  /** create/overwrite/lock rules of RemoteFs.write against what is at the target now. */
  private checkTarget(fullpath: string, current: Entry | undefined, opts: { create: boolean; overwrite: boolean }): void {
    if (!current) {
      if (!opts.create) throw new NotFoundError(`"${fullpath}" does not exist`);
      return;
    }
    if (current.type === 'folder') throw new InvalidInputError(`"${fullpath}" is a folder`);
    if (!opts.overwrite) throw new AlreadyExistsError(`"${fullpath}" already exists`);
    // A lock is not checked here: whether it blocks us depends on who holds it, which the server knows
    // (create_file answers 423 -> LockedError before any byte is sent).
  }

  async download(path: string, localPath: string, opts?: CallOptions & { onProgress?: ProgressFn }): Promise<void> {
    const fullpath = normalizePath(path);
    const info = fullpath === '' ? undefined : await this.api.info({ fullpath }, opts);
    if (!info || Number(info.dir) === 1) throw new InvalidInputError(`"${path}" is a folder`);
    await this.api.downloadToFile({ fullpath: normalizePath(info.fullpath), url: info.uri || undefined }, localPath, opts);
  }

  async mkdir(path: string, opts?: CallOptions & Checked): Promise<Entry> {
    const fullpath = normalizePath(path);
    // create_folder answers with the folder that is there (mkdir -p): only a check tells "already exists".
    if (!opts?.targetAbsent && await this.tryStat(fullpath, opts)) throw new AlreadyExistsError(`"${fullpath}" already exists`);
    const r = await this.api.createFolder({ fullpath }, opts);
    const at = normalizePath(r.fullpath || fullpath);
    const now = Date.now();
    return { name: baseName(at), path: at, type: 'folder', size: 0, mtime: now, ctime: now, id: r.hash, version: '' };
  }

  async delete(path: string, opts: CallOptions & { permanent: boolean }): Promise<void> {
    const fullpath = normalizePath(path);
    if (fullpath === '') throw new InvalidInputError('cannot delete the library root');
    await this.api.del({ fullpath, destroy: opts.permanent ? 1 : 0 }, opts);
  }

  async rename(from: string, to: string, opts: CallOptions & Checked & { overwrite: boolean }): Promise<void> {
    const src = normalizePath(from);
    const dest = normalizePath(to);
    if (!opts.targetAbsent) await this.clearDestination(dest, opts);
    await this.api.move({ fullpath: src, dest_fullpath: dest }, opts);
  }

  async copy(from: string, to: string, opts: CallOptions & { overwrite: boolean }): Promise<void> {
    const src = normalizePath(from);
    const dest = normalizePath(to);
    const target = await this.tryStat(dest, opts);
    if (target && !opts.overwrite) throw new AlreadyExistsError(`"${dest}" already exists`);
    const r = await this.api.copy({ from_fullpath: src, fullpath: dest, overwrite: opts.overwrite ? 1 : 0 }, opts);
    if (r.queue_id) await this.api.waitQueue(r.queue_id, opts);
  }

  /** Before a move: an existing destination is an error, or goes to the recycle bin when overwriting. */
  private async clearDestination(dest: string, opts: CallOptions & { overwrite: boolean }): Promise<void> {
    const target = await this.tryStat(dest, opts);
    if (!target) return;
    if (!opts.overwrite) throw new AlreadyExistsError(`"${dest}" already exists`);
    await this.api.del({ fullpath: dest, destroy: 0 }, opts);
  }
}
