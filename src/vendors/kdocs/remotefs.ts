/**
 * RemoteFs (src/core/remote.ts) for Kingsoft Docs. kdocs addresses everything by file token; the RemoteFs contract
 * is path based, so paths are resolved by walking folder listings from the root, with a path -> token cache that is
 * checked on use (a cached token that vanished or was renamed elsewhere triggers one fresh walk).
 *
 * Two spaces share the logic through KdSpace adapters: the app space (full read/write) and the user's personal
 * documents (read, organise; saving content is not decided yet: `write`/`upload` throw UnsupportedError).
 */
import {
  AlreadyExistsError, ConflictError, InvalidInputError, isDocError, NotFoundError, UnsupportedError,
} from '../../core/errors';
import type { CallOptions, Entry, Page, ProgressFn } from '../../core/model';
import { collectPages, parseCursor } from '../../core/paging';
import type { RemoteFs } from '../../core/remote';
import type { KdSource } from './api';
import type { KdocsClient } from './client';
import { type KdFile, type KdPage, toKdFile, toPage } from './wire';

/** What the path logic needs from one kdocs space. Folder token `undefined` = the root. */
export interface KdSpace {
  readonly name: 'personal' | 'appspace';
  list(folder: string | undefined, offset: number, count: number, o?: CallOptions): Promise<KdPage<KdFile>>;
  info(token: string, o?: CallOptions): Promise<KdFile>;
  mkdir(folder: string | undefined, name: string, o?: CallOptions): Promise<string>;
  rename(token: string, name: string, o?: CallOptions): Promise<void>;
  move(token: string, folder: string | undefined, o?: CallOptions): Promise<void>;
  /** Copies under `name`; returns the new token. */
  copy(token: string, folder: string | undefined, name: string, o?: CallOptions): Promise<string>;
  trash(token: string, o?: CallOptions): Promise<void>;
  destroy(token: string, o?: CallOptions): Promise<void>;
  /** New file; undefined when the space cannot save content yet. */
  create?(folder: string | undefined, name: string, source: KdSource, o?: CallOptions & { onProgress?: ProgressFn }): Promise<KdFile>;
  /** New content of an existing file; undefined when the space cannot save content yet. */
  update?(token: string, name: string, source: KdSource, o?: CallOptions & { onProgress?: ProgressFn }): Promise<KdFile>;
}

export function appSpace(c: KdocsClient): KdSpace {
  return {
    name: 'appspace',
    list: (folder, offset, count, o) => c.appListFiles({ parent_token: folder, offset, count }, o),
    info: (token, o) => c.appFileInfo(token, o),
    mkdir: async (folder, name, o) => (await c.appCreateFolder({ name, parent_token: folder }, o)).fileToken,
    rename: async (token, name, o) => { await c.appRename(token, { name }, o); },
    move: async (token, folder, o) => {
      const { taskId } = await c.appMoveTask({ file_tokens: [token], parent_token: folder ?? '' }, o);
      await c.waitTask('appspace', taskId, o);
    },
    copy: async (token, folder, name, o) => (await c.appCopy(token, { parent_token: folder, filename: name }, o)).fileToken,
    trash: (token, o) => c.appTrash(token, o),
    destroy: (token, o) => c.appDestroy(token, o),
    create: (folder, name, source, o) => c.appUpload({ filename: name, parent_token: folder, source }, o),
    update: (token, name, source, o) => c.appUpdateContent(token, { filename: name, source }, o),
  };
}

export function personalSpace(c: KdocsClient): KdSpace {
  return {
    name: 'personal',
    list: (folder, offset, count, o) => c.personalListFiles({ parent_id: folder, offset, count, order: 'asc', order_by: 'fname' }, o),
    info: (token, o) => c.personalSimple(token, o),
    mkdir: async (folder, name, o) => (await c.personalCreateFolder({ name, parent_id: folder }, o)).token,
    rename: async (token, name, o) => { await c.personalRename(token, name, o); },
    move: async (token, folder, o) => {
      const { taskId } = await c.personalMoveTask({ file_tokens: [token], parent_id: folder ?? '0' }, o);
      await c.waitTask('personal', taskId, o);
    },
    copy: async (token, folder, name, o) => {
      const { taskId } = await c.personalCopyTask({ file_tokens: [token], parent_id: folder ?? '0' }, o);
      const copied = toPage(await c.waitTask('personal', taskId, o), toKdFile).items[0];
      if (!copied) throw new NotFoundError('copy: the task reported no copied file');
      if (copied.name !== name) await c.personalRename(copied.token, name, o);
      return copied.token;
    },
    trash: (token, o) => c.personalTrash(token, o),
    destroy: async (token, o) => {
      await c.personalTrash(token, o);
      await c.personalDestroy([token], o);
    },
  };
}

const LIST_PAGE = 100;

export class KdocsRemoteFs implements RemoteFs {
  /** path -> token of entries seen (folders and files). */
  private readonly tokens = new Map<string, string>();

  constructor(private readonly client: KdocsClient, private readonly space: KdSpace) {}

  // ---------------------------------------------------------------- reading

  async stat(path: string, o?: CallOptions): Promise<Entry> {
    const p = normalize(path);
    if (p === '') return rootEntry();
    return (await this.resolve(p, o)).entry;
  }

  async list(path: string, cursor?: string, o?: CallOptions & { pageSize?: number }): Promise<Page<Entry>> {
    const p = normalize(path);
    const folder = await this.folderToken(p, o);
    const offset = parseCursor(cursor);
    const page = await this.space.list(folder, offset, o?.pageSize ?? LIST_PAGE, o);
    const items = page.items.map((f) => this.remember(f, join(p, f.name)));
    return { items, next: page.nextOffset !== undefined ? String(page.nextOffset) : undefined, total: page.total };
  }

  listAll(path: string, o?: CallOptions): Promise<Entry[]> {
    return collectPages((cursor) => this.list(path, cursor, o), o);
  }

  async read(path: string, o?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }> {
    const { entry } = await this.resolveFile(normalize(path), o);
    const data = await this.client.downloadBytes(this.space.name, entry.id!, o);
    return { data, entry };
  }

  async download(path: string, localPath: string, o?: CallOptions & { onProgress?: ProgressFn }): Promise<void> {
    const { entry } = await this.resolveFile(normalize(path), o);
    await this.client.downloadToFile(this.space.name, entry.id!, localPath, o);
  }

  // ---------------------------------------------------------------- writing

  write(
    path: string, data: Uint8Array,
    o: CallOptions & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry> {
    return this.put(normalize(path), { data }, o);
  }

  upload(localPath: string, path: string, o: CallOptions & { overwrite: boolean; onProgress?: ProgressFn }): Promise<Entry> {
    return this.put(normalize(path), { path: localPath }, { ...o, create: true });
  }

  private async put(
    p: string, source: KdSource,
    o: CallOptions & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry> {
    const { create, update } = this.space;
    if (!create || !update) throw new UnsupportedError(`Saving files to Kingsoft Docs ${this.space.name} documents is not supported yet`);
    if (p === '') throw new InvalidInputError('Cannot write to the root folder');
    const existing = await this.tryResolve(p, o);
    const name = basename(p);
    if (existing) {
      if (existing.entry.type === 'folder') throw new AlreadyExistsError(`"${p}" is a folder`);
      if (!o.overwrite) throw new AlreadyExistsError(`"${p}" already exists`);
      if (o.expectedVersion !== undefined && existing.entry.version !== o.expectedVersion) {
        throw new ConflictError(`"${p}" was changed on the server (version ${existing.entry.version}, expected ${o.expectedVersion})`, {
          remoteVersion: existing.entry.version,
        });
      }
      const f = await update(existing.token, name, source, o);
      return this.remember(f, p);
    }
    if (!o.create) throw new NotFoundError(`"${p}" does not exist`);
    if (o.expectedVersion !== undefined) throw new ConflictError(`"${p}" was deleted on the server`);
    const folder = await this.folderToken(parentOf(p), o);
    const f = await create(folder, name, source, o);
    if (f.name !== name) {
      // Someone created the same name meanwhile and the server picked "name (1)": keep ours under its own name.
      return this.remember(f, join(parentOf(p), f.name));
    }
    return this.remember(f, p);
  }

  async mkdir(path: string, o?: CallOptions): Promise<Entry> {
    const p = normalize(path);
    if (p === '') throw new AlreadyExistsError('The root folder exists');
    if (await this.tryResolve(p, o)) throw new AlreadyExistsError(`"${p}" already exists`);
    const token = await this.space.mkdir(await this.folderToken(parentOf(p), o), basename(p), o);
    this.tokens.set(p, token);
    return (await this.resolve(p, o)).entry;
  }

  async delete(path: string, o: CallOptions & { permanent: boolean }): Promise<void> {
    const p = normalize(path);
    if (p === '') throw new InvalidInputError('Cannot delete the root folder');
    const { token } = await this.resolve(p, o);
    await (o.permanent ? this.space.destroy(token, o) : this.space.trash(token, o));
    this.forget(p);
  }

  async rename(from: string, to: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const src = normalize(from);
    const dst = normalize(to);
    if (src === '' || dst === '') throw new InvalidInputError('Cannot rename the root folder');
    if (src === dst) return;
    const { token } = await this.resolve(src, o);
    await this.clearTarget(dst, o);
    if (parentOf(src) !== parentOf(dst)) await this.space.move(token, await this.folderToken(parentOf(dst), o), o);
    // Renaming by token after the move also fixes a "name (1)" the server may have picked in the new folder.
    const moved = await this.space.info(token, o);
    if (moved.name !== basename(dst)) await this.space.rename(token, basename(dst), o);
    this.forget(src);
    this.tokens.set(dst, token);
  }

  async copy(from: string, to: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const src = normalize(from);
    const dst = normalize(to);
    if (src === '' || dst === '') throw new InvalidInputError('Cannot copy the root folder');
    const { token } = await this.resolve(src, o);
    await this.clearTarget(dst, o);
    this.tokens.set(dst, await this.space.copy(token, await this.folderToken(parentOf(dst), o), basename(dst), o));
  }

  /** Makes room at `dst`: AlreadyExistsError without overwrite, else the old entry goes to the recycle bin. */
  private async clearTarget(dst: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const existing = await this.tryResolve(dst, o);
    if (!existing) return;
    if (!o.overwrite) throw new AlreadyExistsError(`"${dst}" already exists`);
    await this.space.trash(existing.token, o);
    this.forget(dst);
  }

  // ---------------------------------------------------------------- path resolution

  private async resolveFile(p: string, o?: CallOptions): Promise<{ token: string; entry: Entry }> {
    if (p === '') throw new InvalidInputError('The root is a folder');
    const r = await this.resolve(p, o);
    if (r.entry.type === 'folder') throw new InvalidInputError(`"${p}" is a folder`);
    return r;
  }

  /** Folder token of a path (undefined = root); NotFoundError / InvalidInputError when it is missing or a file. */
  private async folderToken(p: string, o?: CallOptions): Promise<string | undefined> {
    if (p === '') return undefined;
    const r = await this.resolve(p, o);
    if (r.entry.type !== 'folder') throw new InvalidInputError(`"${p}" is not a folder`);
    return r.token;
  }

  private async tryResolve(p: string, o?: CallOptions): Promise<{ token: string; entry: Entry } | undefined> {
    try {
      return await this.resolve(p, o);
    } catch (e) {
      if (isDocError(e, 'NotFound')) return undefined;
      throw e;
    }
  }

  /** Token and fresh entry of a path; a stale cache entry costs one fresh walk. */
  private async resolve(p: string, o?: CallOptions): Promise<{ token: string; entry: Entry }> {
    const cached = this.tokens.get(p);
    if (cached) {
      try {
        const f = await this.space.info(cached, o);
        if (f.name === basename(p)) return { token: cached, entry: this.remember(f, p) };
      } catch (e) {
        if (!isDocError(e, 'NotFound')) throw e;
      }
      this.forget(p);
    }
    let folder: string | undefined;
    let at = '';
    let found: KdFile | undefined;
    for (const name of p.split('/')) {
      if (found && found.type !== 'folder') throw new NotFoundError(`"${p}" does not exist ("${at}" is a file)`);
      at = join(at, name);
      found = await this.findChild(folder, at, name, o);
      if (!found) throw new NotFoundError(`"${p}" does not exist`);
      folder = found.token;
    }
    return { token: found!.token, entry: this.remember(found!, p) };
  }

  /** Scans a folder's pages for a name, remembering every child seen. */
  private async findChild(folder: string | undefined, childPath: string, name: string, o?: CallOptions): Promise<KdFile | undefined> {
    const dir = parentOf(childPath);
    for (let offset: number | undefined = 0; offset !== undefined;) {
      const page: KdPage<KdFile> = await this.space.list(folder, offset, LIST_PAGE, o);
      let hit: KdFile | undefined;
      for (const f of page.items) {
        this.tokens.set(join(dir, f.name), f.token);
        if (f.name === name && !hit) hit = f;
      }
      if (hit) return hit;
      offset = page.nextOffset;
    }
    return undefined;
  }

  private remember(f: KdFile, p: string): Entry {
    this.tokens.set(p, f.token);
    return toEntry(f, p);
  }

  /** Drops a path and everything below it from the cache. */
  private forget(p: string): void {
    for (const k of [...this.tokens.keys()]) if (k === p || k.startsWith(p + '/')) this.tokens.delete(k);
  }
}

/** Entry of a kdocs item at `path`: id = file token, version = content version (sha1 or mtime when absent). */
export function toEntry(f: KdFile, path: string): Entry {
  const folder = f.type === 'folder';
  return {
    name: f.name,
    path,
    type: f.type,
    size: folder ? 0 : f.size,
    mtime: f.mtime * 1000,
    ctime: (f.ctime || f.mtime) * 1000,
    id: f.token,
    version: folder ? '' : f.version !== undefined ? String(f.version) : f.sha1 ?? String(f.mtime),
    modifiedBy: f.modifier,
  };
}

function rootEntry(): Entry {
  return { name: '', path: '', type: 'folder', size: 0, mtime: 0, ctime: 0, version: '' };
}

function normalize(path: string): string {
  return path.split('/').filter((s) => s !== '').join('/');
}

function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
