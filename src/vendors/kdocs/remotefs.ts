/**
 * RemoteFs (src/core/remote.ts) for Kingsoft Docs. kdocs addresses everything by file token; the RemoteFs contract
 * is path based, so paths are resolved by walking folder listings from the root, with a path -> token cache that is
 * checked on use (a cached token that vanished or was renamed elsewhere triggers one fresh walk).
 *
 * Two spaces share the logic through KdSpace adapters: the app space (full read/write) and the user's personal
 * documents. The personal API has no in-place content update: re-uploading would silently make a second file (and the
 * original's share links would not follow it). So personal files are read-only entries, `write` onto one explains why,
 * and the UI offers two explicit composites instead: `saveAsNew` (a new file next to it) and `replace` (new file
 * takes the name, the original goes to the recycle bin).
 *
 * Items that come from listings without paths (recent, starred, app folder, search results, files shared by others)
 * are addressed by token paths, `~token/<file_token>/<name>[/<child>...]` (tokenpath.ts): `entryOf(kdFile)` gives
 * their Entry, and every method accepts such paths like plain ones. Token paths are stable across restarts and always
 * the same for the same item, so the glue can use them in URIs (`kdocs://<account>/personal/~token/<t>/报告.docx`);
 * they are not rewritten to a folder path even when one is known, since one document must not have two URIs.
 * `tokenOf(path)` / `folderTokenOf(path)` give the file token behind any path for the token-based APIs.
 */
import {
  AlreadyExistsError, ConflictError, InvalidInputError, isDocError, NotFoundError, rewrapError, unlessNotFound,
  UnsupportedError,
} from '../../core/errors';
import { sha1Hex } from '../../core/hash';
import type { CallOptions, Entry, Page, ProgressFn } from '../../core/model';
import { collectPages, iteratePages, type PageFetcher, parseCursor } from '../../core/paging';
import { baseName, joinPath, normalizePath, numberedName, parentPath, rootEntry, splitExt } from '../../core/paths';
import type { Checked, FileStore } from '../../core/remote';
import type { KdSource } from './api';
import type { KdocsClient } from './client';
import { type ParsedPath, parsePath, TOKEN_SEGMENT, tokenPath } from './tokenpath';
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
  /** New file (the server may pick `name (1)` when the name is taken meanwhile). */
  create(folder: string | undefined, name: string, source: KdSource, o?: CallOptions & { onProgress?: ProgressFn }): Promise<KdFile>;
  /** New content of an existing file; undefined when the space has no in-place update (its files are read-only). */
  update?(token: string, name: string, source: KdSource, o?: CallOptions & { onProgress?: ProgressFn }): Promise<KdFile>;
  /** Content version of a file, from fields that every answer of this space (listing and info) carries. */
  versionOf(f: KdFile): string;
  /**
   * The item as a listing that names its parent folder shows it, for spaces whose info answer does not name it;
   * undefined when no listing looked at has it.
   */
  locate?(token: string, name: string, o?: CallOptions): Promise<KdFile | undefined>;
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
    versionOf: defaultVersion,
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
    create: (folder, name, source, o) => c.personalUpload({ filename: name, parent_id: folder, source }, o),
    // Listings carry a version number but the info call (`simple`) does not: only mtime and size are in both.
    versionOf: (f) => `${f.mtime}:${f.size}`,
    // `simple` does not name the parent folder; the listings token paths come from (search, recent, starred) do. Their
    // first pages are looked through, search by name first (it covers the app folder, where this app's files are).
    locate: async (token, name, o) => {
      const q = { offset: 0, count: LOCATE_PAGE };
      const listings = [
        () => c.personalSearchName({ keyword: name, ...q }, o), () => c.personalRecent(q, o), () => c.personalStar(q, o),
      ];
      for (const list of listings) {
        const page = await unlessItemLevel(list());
        const hit = page?.items.find((f) => f.token === token && f.parentToken !== undefined);
        if (hit) return hit;
      }
      return undefined;
    },
  };
}

/** The result, or undefined when the call failed for a reason that concerns what was asked (not found, refused, invalid). */
async function unlessItemLevel<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isDocError(e, 'NotFound') || isDocError(e, 'Forbidden') || isDocError(e, 'InvalidInput')) return undefined;
    throw e;
  }
}

const LIST_PAGE = 100;
/** How long a path's token, as an answer showed it, is used for a change without asking again. */
const TRUST_MS = 30_000;
/** Items per listing the personal space's `locate` looks through. */
const LOCATE_PAGE = 100;

/**
 * The folder of an item at a token path is unknown (its info answer does not say and it is in none of the listings
 * that do), so nothing can be saved next to it. Nothing was changed. Callers may offer to save elsewhere instead
 * (`saveAsNew` option `folder`).
 */
export class FolderUnknownError extends UnsupportedError {}

/** Where new files next to a path go: the folder token (undefined = root) and the path a new item gets there. */
interface Place {
  folder: string | undefined;
  pathFor(f: KdFile): string;
}

export class KdocsRemoteFs implements FileStore {
  /** path -> token of entries seen (folders and files). */
  private readonly tokens = new Map<string, string>();
  /** token -> parent folder token (undefined = root), when an answer said so; places new files next to token paths. */
  private readonly parents = new Map<string, string | undefined>();
  /** path -> when an answer last showed its token, and the item's type (see `recent`). */
  private readonly seenAt = new Map<string, { at: number; type: 'file' | 'folder' }>();
  /** path -> the item as an answer last showed it (read checks the bytes it gets against its sha1). */
  private readonly seenFiles = new Map<string, KdFile>();

  constructor(private readonly client: KdocsClient, readonly space: KdSpace) {}

  // ---------------------------------------------------------------- tokens and entries (public helpers)

  /** File token of the item at `path` (plain or token path). InvalidInputError for the root, NotFoundError when missing. */
  async tokenOf(path: string, o?: CallOptions): Promise<string> {
    const p = normalizePath(path);
    if (p === '') throw new InvalidInputError('The root folder has no file token');
    return (await this.resolve(p, o)).token;
  }

  /** Token of the folder at `path` (undefined = the root); InvalidInputError when it is a file or a placeholder. */
  async folderTokenOf(path: string, o?: CallOptions): Promise<string | undefined> {
    const p = normalizePath(path);
    if (p === '') return undefined;
    const seen = this.recent(p);
    if (seen?.type === 'folder') return seen.token;
    const r = await this.resolve(p, o);
    if (r.entry.type !== 'folder') throw new InvalidInputError(`"${p}" is not a folder`);
    return r.token;
  }

  /**
   * Entry of an item from a listing without paths (recent, starred, app folder, search), at its token path
   * (tokenpath.ts): every method of this RemoteFs accepts that path, and it is the same for the same item every time.
   */
  entryOf(f: KdFile): Entry {
    return this.remember(f, tokenPath(f.token, f.name));
  }

  /** Entry of an item the caller just got from the API for folder path `dir` (remembered for later lookups). */
  entryIn(dir: string, f: KdFile): Entry {
    return this.remember(f, joinPath(normalizePath(dir), f.name));
  }

  /**
   * A path this RemoteFs has seen for `token` (a plain path before a token path), undefined when it saw none. From the
   * cache, not asked of the server: for descriptions (where a recycle-bin item was), never to address anything.
   */
  knownPathOf(token: string): string | undefined {
    let found: string | undefined;
    for (const [p, t] of this.tokens) {
      if (t !== token) continue;
      if (parsePath(p).kind === 'plain') return p;
      found ??= p;
    }
    return found;
  }

  /** Forgets what is cached for a path and below (after changes made outside this object). */
  invalidate(path: string): void {
    this.forget(normalizePath(path));
  }

  // ---------------------------------------------------------------- reading

  async stat(path: string, o?: CallOptions): Promise<Entry> {
    const p = normalizePath(path);
    if (p === '') return rootEntry();
    if (parsePath(p).kind === 'placeholder') return placeholderEntry(p);
    return (await this.resolve(p, o)).entry;
  }

  async list(path: string, cursor?: string, o?: CallOptions & { pageSize?: number }): Promise<Page<Entry>> {
    const p = normalizePath(path);
    const parsed = parsePath(p);
    if (parsed.kind === 'placeholder') {
      // `~token/<t>` holds just the item itself; `~token` holds nothing.
      const items = parsed.token && !cursor ? [this.entryOf(await this.space.info(parsed.token, o))] : [];
      return { items };
    }
    const folder = await this.folderTokenOf(p, o);
    const page = await this.folderPages(folder, o, o?.pageSize)(cursor);
    return { ...page, items: page.items.map((f) => this.remember(f, joinPath(p, f.name))) };
  }

  /** Every item of the folder with token `folder` (undefined = the root), all pages, as the API answers them. */
  children(folder: string | undefined, o?: CallOptions): Promise<KdFile[]> {
    return collectPages(this.folderPages(folder, o), o);
  }

  /** The pages of a folder's listing (cursor = offset). */
  private folderPages(folder: string | undefined, o?: CallOptions, pageSize = LIST_PAGE): PageFetcher<KdFile> {
    return async (cursor) => corePage(await this.space.list(folder, parseCursor(cursor), pageSize, o), (f) => f);
  }

  listAll(path: string, o?: CallOptions): Promise<Entry[]> {
    return collectPages((cursor) => this.list(path, cursor, o), o);
  }

  /**
   * A file a listing showed moments ago (with its content's sha1): two requests, the download link and its GET, and
   * the listing's entry stands for the bytes only when their sha1 is the one it named. Otherwise (not seen, changed
   * since, no sha1): the item's info first, so that data and version always agree (three requests).
   */
  async read(path: string, o?: CallOptions): Promise<{ data: Uint8Array; entry: Entry }> {
    const p = normalizePath(path);
    const seen = this.recent(p);
    const listed = this.seenFiles.get(p);
    if (seen?.type === 'file' && listed?.sha1 && listed.token === seen.token) {
      const data = await this.client.downloadBytes(this.space.name, seen.token, o);
      if (sha1Hex(data) === listed.sha1.toLowerCase()) return { data, entry: this.remember(listed, p) };
    }
    const { entry } = await this.resolveFile(p, o);
    const data = await this.client.downloadBytes(this.space.name, entry.id, o);
    return { data, entry };
  }

  async download(path: string, localPath: string, o?: CallOptions & { onProgress?: ProgressFn }): Promise<void> {
    const { entry } = await this.resolveFile(normalizePath(path), o);
    await this.client.downloadToFile(this.space.name, entry.id, localPath, o);
  }

  // ---------------------------------------------------------------- writing

  write(
    path: string, data: Uint8Array,
    o: CallOptions & Checked & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry> {
    return this.put(normalizePath(path), { data }, o);
  }

  upload(localPath: string, path: string, o: CallOptions & { overwrite: boolean; onProgress?: ProgressFn }): Promise<Entry> {
    return this.put(normalizePath(path), { path: localPath }, { ...o, create: true });
  }

  private async put(
    p: string, source: KdSource,
    o: CallOptions & Checked & { create: boolean; overwrite: boolean; expectedVersion?: string; onProgress?: ProgressFn },
  ): Promise<Entry> {
    if (p === '') throw new InvalidInputError('Cannot write to the root folder');
    // VS Code's pre-save stat asked the server moments ago: that answer is the check (one request less).
    const token = o.current?.path === p ? this.recent(p)?.token : undefined;
    const existing = token && o.current?.id === token ? { token, entry: o.current } : await this.tryResolve(p, o);
    if (existing) {
      if (existing.entry.type === 'folder') throw new AlreadyExistsError(`"${p}" is a folder`);
      if (!o.overwrite) throw new AlreadyExistsError(`"${p}" already exists`);
      const { update } = this.space;
      if (!update) throw new UnsupportedError(noInPlaceUpdate(p));
      checkVersion(p, existing.entry, o.expectedVersion);
      return this.remember(await update(existing.token, baseName(p), source, o), p);
    }
    if (!o.create) throw new NotFoundError(`"${p}" does not exist`);
    if (o.expectedVersion !== undefined) throw new ConflictError(`"${p}" was deleted on the server`);
    return this.createAt(await this.folderPlace(parentPath(p), o), baseName(p), source, o);
  }

  /**
   * Saves `data` as a new file next to `path` under the first free `name (n).ext`; the file at `path` stays as it is.
   * For personal files, whose content cannot be updated in place. Next to a token path, the result has a token path;
   * FolderUnknownError (nothing saved) when that item's folder cannot be found out.
   * `folder` (a folder path, '' = the root): save there instead, under the plain name when it is free there.
   */
  async saveAsNew(
    path: string, data: Uint8Array, o: CallOptions & { onProgress?: ProgressFn; folder?: string } = {},
  ): Promise<Entry> {
    const p = normalizePath(path);
    const { token } = await this.resolveFile(p, o);
    const elsewhere = o.folder !== undefined ? normalizePath(o.folder) : undefined;
    const place = elsewhere !== undefined ? await this.folderPlace(elsewhere, o) : await this.siblingPlace(p, token, o);
    return this.createAt(place, await this.freeName(place.folder, baseName(p), o, elsewhere !== undefined), { data }, o);
  }

  /**
   * Replaces the file at `path` by a new file with `data`, in an order that never loses content: (1) upload under a
   * free `name (n).ext` next to it, (2) move the original to the recycle bin, (3) rename the new file to the
   * original name. The result is a different file: the original's share links do not follow it (for a token path the
   * returned entry's path names the new token). ConflictError (and nothing uploaded) when `expectedVersion` is given
   * and the file changed meanwhile. When step 2 or 3 fails the error says where the new content is.
   */
  async replace(
    path: string, data: Uint8Array, o: CallOptions & { expectedVersion?: string; onProgress?: ProgressFn } = {},
  ): Promise<Entry> {
    const p = normalizePath(path);
    const old = await this.resolveFile(p, o);
    checkVersion(p, old.entry, o.expectedVersion);
    const place = await this.siblingPlace(p, old.token, o);
    const name = baseName(p);
    const fresh = await this.createAt(place, await this.freeName(place.folder, name, o), { data }, o);
    try {
      await this.space.trash(old.token, o);
    } catch (e) {
      throw rewrapError(e, `Replacing "${p}" stopped: the original could not be moved to the recycle bin and is unchanged; the new content is in "${fresh.path}"`);
    }
    this.forget(p);
    try {
      await this.space.rename(fresh.id, name, o);
    } catch (e) {
      throw rewrapError(e, `Replacing "${p}" stopped: the original is in the recycle bin and the new content is in "${fresh.path}" (renaming it failed)`);
    }
    this.forget(fresh.path);
    const target = parsePath(p).kind === 'anchored' ? tokenPath(fresh.id, name) : p;
    this.tokens.set(target, fresh.id);
    return (await this.resolve(target, o)).entry;
  }

  /** Creates a file in `place`. The server may pick "name (1)" when the name was taken meanwhile. */
  private async createAt(place: Place, name: string, source: KdSource, o: CallOptions & { onProgress?: ProgressFn }): Promise<Entry> {
    const f = await this.space.create(place.folder, name, source, o);
    return this.remember(f, place.pathFor(f));
  }

  /** New items in folder path `dir` get paths below it. */
  private async folderPlace(dir: string, o?: CallOptions): Promise<Place> {
    const folder = await this.folderTokenOf(dir, o);
    return { folder, pathFor: (f) => joinPath(dir, f.name) };
  }

  /** Where new files next to the file at `p` (whose token is `token`) go. */
  private async siblingPlace(p: string, token: string, o?: CallOptions): Promise<Place> {
    const dir = parentPath(p);
    if (parsePath(dir).kind !== 'placeholder') return this.folderPlace(dir, o);
    // `p` is the token path of the item itself: its folder is what an answer told about it (after a restart nothing
    // has been listed yet: its info answer, else a listing that shows it).
    if (!this.parents.has(token)) this.remember(await this.space.info(token, o), p);
    if (!this.parents.has(token) && this.space.locate) {
      const seen = await this.space.locate(token, baseName(p), o);
      if (seen) this.noteParent(seen);
    }
    if (!this.parents.has(token)) {
      throw new FolderUnknownError(`Kingsoft Docs does not tell which folder "${baseName(p)}" is in: open it from its folder to save next to it`);
    }
    return { folder: this.parents.get(token), pathFor: (f) => tokenPath(f.token, f.name) };
  }

  /** The first `name (n).ext` that no item of the folder has (`name` itself first when `plainFirst`). */
  private async freeName(folder: string | undefined, name: string, o?: CallOptions, plainFirst = false): Promise<string> {
    const taken = new Set((await this.children(folder, o)).map((f) => f.name));
    if (plainFirst && !taken.has(name)) return name;
    for (let n = 1; ; n++) {
      const candidate = numberedName(name, n);
      if (!taken.has(candidate)) return candidate;
    }
  }

  async mkdir(path: string, o?: CallOptions & Checked): Promise<Entry> {
    const p = normalizePath(path);
    if (p === '') throw new AlreadyExistsError('The root folder exists');
    if (!o?.targetAbsent && await this.tryResolve(p, o)) throw new AlreadyExistsError(`"${p}" already exists`);
    const token = await this.space.mkdir(await this.folderTokenOf(parentPath(p), o), baseName(p), o);
    this.tokens.set(p, token);
    this.seenAt.set(p, { at: Date.now(), type: 'folder' });
    const now = Date.now();
    return { name: baseName(p), path: p, type: 'folder', size: 0, mtime: now, ctime: now, id: token, version: '' };
  }

  async delete(path: string, o: CallOptions & { permanent: boolean }): Promise<void> {
    const p = normalizePath(path);
    if (p === '') throw new InvalidInputError('Cannot delete the root folder');
    // The token is checked first (resolve asks for its info): a colleague may have renamed or moved the item since the
    // listing, and a token acts on whatever item it names now.
    const { token } = await this.resolve(p, o);
    await (o.permanent ? this.space.destroy(token, o) : this.space.trash(token, o));
    this.forget(p);
  }

  async rename(from: string, to: string, o: CallOptions & Checked & { overwrite: boolean }): Promise<void> {
    const src = normalizePath(from);
    const dst = normalizePath(to);
    if (src === '' || dst === '') throw new InvalidInputError('Cannot rename the root folder');
    if (src === dst) return;
    const moving = parentPath(src) !== parentPath(dst);
    // Checked first (see delete): the token must still name the item at `src`.
    const { token, entry } = await this.resolve(src, o);
    if (!moving && o.targetAbsent) {
      // A new name in the same folder, nothing at the target moments ago: the rename is the only other request.
      await this.space.rename(token, baseName(dst), o);
      this.forget(src);
      this.tokens.set(dst, token);
      this.seenAt.set(dst, { at: Date.now(), type: entry.type });
      return;
    }
    // The target folder is checked before anything at the target is cleared away.
    const folder = moving ? await this.folderTokenOf(parentPath(dst), o) : undefined;
    if (!o.targetAbsent) await this.clearTarget(dst, o);
    if (moving) await this.space.move(token, folder, o);
    // Renaming by token after the move also fixes a "name (1)" the server may have picked in the new folder.
    const moved = await this.space.info(token, o);
    this.noteParent(moved);
    if (moved.name !== baseName(dst)) await this.space.rename(token, baseName(dst), o);
    this.forget(src);
    this.tokens.set(dst, token);
  }

  async copy(from: string, to: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const src = normalizePath(from);
    const dst = normalizePath(to);
    if (src === '' || dst === '') throw new InvalidInputError('Cannot copy the root folder');
    const { token } = await this.resolve(src, o);
    const folder = await this.folderTokenOf(parentPath(dst), o);
    await this.clearTarget(dst, o);
    this.tokens.set(dst, await this.space.copy(token, folder, baseName(dst), o));
  }

  /**
   * Makes room at `dst`: AlreadyExistsError without overwrite, else the old entry goes to the recycle bin. Not in a
   * space without in-place updates (personal): there the existing item is what its share links point to, and if the
   * copy or move failed after it was cleared away nothing would be in its place. UnsupportedError, nothing changed.
   */
  private async clearTarget(dst: string, o: CallOptions & { overwrite: boolean }): Promise<void> {
    const existing = await this.tryResolve(dst, o);
    if (!existing) return;
    if (!o.overwrite) throw new AlreadyExistsError(`"${dst}" already exists`);
    if (!this.space.update) throw new UnsupportedError(noOverwrite(dst, existing.entry.type));
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

  private tryResolve(p: string, o?: CallOptions): Promise<{ token: string; entry: Entry } | undefined> {
    return unlessNotFound(this.resolve(p, o));
  }

  /** Token and fresh entry of a (non-root) path; a stale cache entry costs one fresh walk. */
  private async resolve(p: string, o?: CallOptions): Promise<{ token: string; entry: Entry }> {
    const parsed = parsePath(p);
    if (parsed.kind === 'placeholder') {
      throw new InvalidInputError(`"${p}" is no file or folder (token paths are ${TOKEN_SEGMENT}/<file token>/<name>)`);
    }
    const cached = this.tokens.get(p);
    if (cached) {
      try {
        const f = await this.space.info(cached, o);
        if (f.name === baseName(p) && this.sameParent(parsed, cached, f)) return { token: cached, entry: this.remember(f, p) };
      } catch (e) {
        if (!isDocError(e, 'NotFound')) throw e;
      }
      this.forget(p);
    }
    let at = '';
    let found: KdFile | undefined;
    const names = parsed.kind === 'plain' ? parsed.names : parsed.rest;
    if (parsed.kind === 'anchored') {
      at = parsed.anchor;
      found = await this.space.info(parsed.token, o);
      // The name is part of the address: an item renamed elsewhere is not found under its old name (as for folders).
      if (found.name !== parsed.name) throw new NotFoundError(`"${at}" does not exist (the item is now called "${found.name}")`);
      this.remember(found, at);
    }
    let walk = names;
    const parent = parsed.kind === 'plain' && names.length > 1 ? this.recent(parentPath(p)) : undefined;
    if (parent?.type === 'folder') {
      // Its folder was seen moments ago: look only there (one listing, not a walk from the root).
      at = parentPath(p);
      found = { token: parent.token, type: 'folder', name: baseName(at) } as KdFile;
      walk = names.slice(-1);
    }
    for (const name of walk) {
      if (found && found.type !== 'folder') throw new NotFoundError(`"${p}" does not exist ("${at}" is a file)`);
      at = joinPath(at, name);
      found = await this.findChild(found?.token, at, name, o);
      if (!found) throw new NotFoundError(`"${p}" does not exist`);
    }
    return { token: found!.token, entry: this.remember(found!, p) };
  }

  /**
   * False when the answer `f` for the cached token of a path says the item is now in another folder than when it was
   * cached (moved elsewhere under the same name). A token path names its item wherever it is; when the answer or the
   * cache does not know the folder, the name check alone decides.
   */
  private sameParent(parsed: ParsedPath, token: string, f: KdFile): boolean {
    if (parsed.kind === 'anchored' && parsed.rest.length === 0) return true;
    if (f.parentToken === undefined || !this.parents.has(token)) return true;
    return this.parents.get(token) === folderToken(f.parentToken);
  }

  /** Scans a folder's pages for a name, remembering every child seen. */
  private async findChild(folder: string | undefined, childPath: string, name: string, o?: CallOptions): Promise<KdFile | undefined> {
    const dir = parentPath(childPath);
    // Page by page: the walk stops at the page that has the name.
    for await (const page of iteratePages(this.folderPages(folder, o), o)) {
      let hit: KdFile | undefined;
      for (const f of page.items) {
        this.tokens.set(joinPath(dir, f.name), f.token);
        this.seenFiles.set(joinPath(dir, f.name), f);
        this.seenAt.set(joinPath(dir, f.name), { at: Date.now(), type: f.type === 'folder' ? 'folder' : 'file' });
        this.noteParent(f);
        if (f.name === name && !hit) hit = f;
      }
      if (hit) return hit;
    }
    return undefined;
  }

  /**
   * The token of `p` when an answer showed it within TRUST_MS: a folder's token for what goes inside it (a new
   * folder, a listing, a lookup) is used without asking again (a request costs 50-200 ms). Changing or deleting an
   * item always checks its token first (resolve), and reads and stats always ask.
   */
  private recent(p: string): { token: string; type: 'file' | 'folder' } | undefined {
    const token = this.tokens.get(p);
    const seen = this.seenAt.get(p);
    return token && seen && Date.now() - seen.at <= TRUST_MS ? { token, type: seen.type } : undefined;
  }

  private remember(f: KdFile, p: string): Entry {
    this.tokens.set(p, f.token);
    this.seenFiles.set(p, f);
    this.seenAt.set(p, { at: Date.now(), type: f.type === 'folder' ? 'folder' : 'file' });
    this.noteParent(f);
    const e = toEntry(f, p, this.space.versionOf);
    // Without an in-place update, saving over a file is not possible: the UI offers saveAsNew / replace instead.
    if (e.type === 'file' && !this.space.update) e.readonly = true;
    return e;
  }

  private noteParent(f: KdFile): void {
    if (f.parentToken !== undefined) this.parents.set(f.token, folderToken(f.parentToken));
  }

  /** Drops a path and everything below it from the cache. */
  private forget(p: string): void {
    for (const k of [...this.tokens.keys()]) {
      if (k === p || k.startsWith(p + '/')) {
        this.tokens.delete(k);
        this.seenAt.delete(k);
        this.seenFiles.delete(k);
      }
    }
  }
}

/** A kdocs page as a core Page (cursor = next offset), its items mapped. */
export function corePage<T, U>(page: KdPage<T>, map: (t: T) => U): Page<U> {
  return { items: page.items.map(map), next: page.nextOffset !== undefined ? String(page.nextOffset) : undefined, total: page.total };
}

/** `~token` and `~token/<t>`: read-only folders without files (tokenpath.ts). */
function placeholderEntry(p: string): Entry {
  return { ...rootEntry(), name: baseName(p), path: p, readonly: true };
}

/** Folder token as KdSpace methods take it (undefined = the root) of a known parent (KdFile.parentToken, null = root). */
function folderToken(parent: string | null): string | undefined {
  return parent ?? undefined;
}

/** Online documents (智能文档, 智能表格, 多维表格): they live only online, their bytes are no editable format. */
const ONLINE_DOC_EXTS = ['.otl', '.ksheet', '.dbt'];

export function isOnlineDoc(name: string): boolean {
  return ONLINE_DOC_EXTS.includes(splitExt(name).ext.toLowerCase());
}

/** Content version when the space does not say otherwise: the version number, else sha1, else mtime. */
function defaultVersion(f: KdFile): string {
  return f.version !== undefined ? String(f.version) : f.sha1 ?? String(f.mtime);
}

/** Entry of a kdocs item at `path`: id = file token, version = `versionOf` (space-specific). */
export function toEntry(f: KdFile, path: string, versionOf: (f: KdFile) => string = defaultVersion): Entry {
  const folder = f.type === 'folder';
  const online = !folder && isOnlineDoc(f.name);
  return {
    name: f.name,
    path,
    type: f.type,
    size: folder ? 0 : f.size,
    mtime: f.mtime * 1000,
    ctime: (f.ctime || f.mtime) * 1000,
    id: f.token,
    version: folder ? '' : versionOf(f),
    modifiedBy: f.modifier,
    ...(online ? { kind: 'online-doc' as const, readonly: true } : {}),
  };
}

/** ConflictError when `expected` is given and differs from the entry's version (nothing has been sent yet). */
function checkVersion(p: string, current: Entry, expected: string | undefined): void {
  if (expected === undefined || current.version === expected) return;
  throw new ConflictError(`"${p}" was changed on the server (version ${current.version}, expected ${expected})`, {
    remoteVersion: current.version,
  });
}

function noOverwrite(p: string, type: Entry['type']): string {
  return `"${p}" already exists. A Kingsoft Docs personal ${type} is not overwritten by a copy or move: it would go to `
    + 'the recycle bin and its share links would stop working. Rename or delete it first.';
}

function noInPlaceUpdate(p: string): string {
  return `"${p}" is a Kingsoft Docs personal file, whose content the API cannot update in place (uploading again would `
    + 'make a second file that the share links do not follow). Use "Save as New File" to keep both, or "Replace" to '
    + 'upload it and move the original to the recycle bin (its share links stop working).';
}
