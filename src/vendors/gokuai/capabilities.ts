/**
 * The capabilities (src/core/capabilities.ts) of a Gokuai library, as adapters over GokuaiApi and the library's
 * RemoteFs: recycle bin, file history, share links, search, locks, tags and the preview page. Gokuai has no blank
 * online documents, no copies (files update in place) and no batch tasks, so those are absent. Paths are Gokuai
 * fullpaths ('' = the library root), as GokuaiRemoteFs takes them. Plain Node, no vscode.
 */
import type {
  Capabilities, ItemOptions, ItemResults, SearchScope, ShareAccess, ShareLink, ShareSpec, TrashedItem, VersionInfo,
} from '../../core/capabilities';
import { type DocErrorKind, InvalidInputError, isDocError, NotFoundError } from '../../core/errors';
import type { CallOptions, Page } from '../../core/model';
import { collectPages, offsetPager, parseCursor } from '../../core/paging';
import { baseName, normalizePath, parentPath } from '../../core/paths';
import type { FileStore } from '../../core/remote';
import type { GokuaiApi } from './api';
import { DEFAULT_PAGE_SIZE, toEntry } from './remotefs';
import type { GkFile, GkLinkListItem } from './wire';

const DAY_S = 86_400;
/** `deadline` of a link that never expires (the `links` answer documents -1 as "永久有效"). */
const NEVER = -1;
/** Items per request when a whole listing is read (recycle bin, history). */
const FULL_PAGE = 500;

/** Links: any number of days (7 suggested, 0 = never), the three `auth` levels, optional password, many per item. */
export const GOKUAI_SHARE_SPEC: ShareSpec = {
  expiry: { days: 'any', default: 7 },
  access: ['preview', 'download', 'upload'],
  password: true,
  single: false,
};

/** Search scopes -> the API's `scope` words. */
const SEARCH_SCOPES: Record<SearchScope, 'filename' | 'tag' | 'content'> = { name: 'filename', tag: 'tag', content: 'content' };

export function gokuaiCapabilities(api: GokuaiApi, fs: FileStore): Capabilities {
  return {
    write: fs,
    trash: {
      kind: 'recycleBin',
      list: (cursor, o) => recyclePage(api, cursor, o),
      restore: (ids, o) => inRecycleBin(api, ids, o, 'restored', (fullpaths) => api.recover({ fullpaths }, o)),
      purge: (ids, o) => inRecycleBin(api, ids, o, 'deleted for good', (fullpaths) => api.delCompletely({ fullpaths }, o)),
    },

    versions: {
      async list(path, o) {
        const fullpath = normalizePath(path);
        const history = await collectPages(offsetPager(async (start, size) => {
          const r = await api.history({ fullpath, start, size }, o);
          return { items: r.list, total: typeof r.count === 'number' ? r.count : undefined };
        }, FULL_PAGE), o);
        // History lists operations; one without a filehash has no content to go back to.
        return history.filter((h) => h.filehash).map((h): VersionInfo => ({
          id: h.filehash, mtime: (Number(h.dateline) || 0) * 1000, size: Number(h.filesize) || 0, by: h.member_name || undefined,
          action: h.act_name || undefined,
        }));
      },
      read: (path, versionId, o) => api.downloadBytes({ fullpath: normalizePath(path), filehash: versionId }, o),
      async restore(path, versionId, o) {
        // Restoring = writing the old content as a new version: the history keeps everything in between.
        const data = await api.downloadBytes({ fullpath: normalizePath(path), filehash: versionId }, o);
        return fs.write(path, data, { create: false, overwrite: true, signal: o?.signal });
      },
    },

    links: {
      spec: GOKUAI_SHARE_SPEC,
      async linksOf(path, o) {
        const fullpath = normalizePath(path);
        // `links` answers the whole library: the item's links are those naming its path (an answer without fullpath,
        // which the documentation does not list, cannot be told apart by name alone and is left out).
        return (await api.links({}, o)).filter((l) => l.fullpath !== undefined && normalizePath(l.fullpath) === fullpath).map(toShareLink);
      },
      async share(path, s, o) {
        const fullpath = normalizePath(path);
        if (fullpath === '') throw new InvalidInputError('The library root cannot be shared: share a file or folder in it');
        const auth = gokuaiAuth(s.access);
        if (!Number.isInteger(s.days) || s.days < 0) throw new InvalidInputError('A share link lasts a whole number of days (0 = never expires)');
        const deadline = s.days === 0 ? NEVER : Math.floor(Date.now() / 1000) + s.days * DAY_S;
        const password = s.password || undefined;
        const { link } = await api.link({ fullpath, deadline, auth, password, dir: s.folder ? 1 : 0 }, o);
        return {
          url: link, access: auth, expires: deadline === NEVER ? undefined : deadline * 1000, hasPassword: !!password,
          path: fullpath, name: baseName(fullpath),
        };
      },
      async stop(path, o) {
        await api.linkClose({ fullpath: normalizePath(path) }, o);
      },
      all: async (o) => (await api.links({}, o)).map(toShareLink),
    },

    search: {
      scopes: ['name', 'tag', 'content'],
      oneScopeAtATime: false,
      async search(keyword, scopes, o) {
        if (keyword.trim() === '') throw new InvalidInputError('Type something to search for');
        const scope = [...new Set(scopes)].map((s) => {
          if (!Object.hasOwn(SEARCH_SCOPES, s)) throw new InvalidInputError(`A Gokuai library cannot search by ${String(s)}`);
          return SEARCH_SCOPES[s];
        });
        if (!scope.length) throw new InvalidInputError('Choose where to search: file name, tag or content');
        const r = await api.search({ keywords: keyword, scope, size: o?.limit ?? DEFAULT_PAGE_SIZE }, o);
        return r.list.map(toEntry);
      },
    },

    locks: {
      lock: (path, o) => api.lock({ fullpath: normalizePath(path), lock: 'lock' }, o),
      unlock: (path, o) => api.lock({ fullpath: normalizePath(path), lock: 'unlock' }, o),
    },

    tags: {
      add: async (path, tags, o) => api.addTag({ fullpath: normalizePath(path), tag: checkTags(tags) }, o),
      remove: async (path, tags, o) => api.delTag({ fullpath: normalizePath(path), tag: checkTags(tags) }, o),
    },

    // The preview page is Gokuai's web view of a file (it carries a temporary token: not logged).
    web: { url: async (path, o) => (await api.previewUrl({ fullpath: normalizePath(path) }, o)).url },
  };
}

// ---------------------------------------------------------------- recycle bin

async function recyclePage(api: GokuaiApi, cursor: string | undefined, o?: CallOptions & { pageSize?: number }): Promise<Page<TrashedItem>> {
  const fetch = offsetPager<TrashedItem>(async (start, size) => {
    const r = await api.recycle({ start, size }, o);
    return { items: r.list.map(toTrashed), total: typeof r.count === 'number' ? r.count : undefined };
  }, o?.pageSize ?? DEFAULT_PAGE_SIZE);
  return fetch(cursor === undefined ? undefined : String(parseCursor(cursor)));
}

/**
 * A recycle-bin item. Its id is the path it had (recover and del_completely take paths). The answer has no deletion
 * time or deleter (its last_dateline / last_member_name are the last change of the content), so those stay unset.
 */
function toTrashed(f: GkFile): TrashedItem {
  const path = normalizePath(f.fullpath);
  const folder = Number(f.dir) === 1;
  return {
    id: path, name: f.filename || baseName(path), type: folder ? 'folder' : 'file', folder: parentPath(path),
    size: folder ? 0 : Number(f.filesize) || 0,
  };
}

/**
 * Restore or purge of recycle-bin items. recover and del_completely take every path in one call, so a failure of the
 * call fails every item of it. The ids are first checked against the bin: one that is not there (restored or purged
 * meanwhile, or never deleted) fails alone and is never sent. That matters for purge: del_completely deletes a
 * *live* file at a path for good too, so a stale id must never reach it.
 */
async function inRecycleBin(
  api: GokuaiApi, ids: string[], o: ItemOptions | undefined, done: string, call: (fullpaths: string[]) => Promise<void>,
): Promise<ItemResults> {
  const unique = [...new Set(ids.map(normalizePath))];
  const result: ItemResults = { succeeded: [], failed: [] };
  if (!unique.length) return result;
  const binned = new Set((await collectPages((c) => recyclePage(api, c, { ...o, pageSize: FULL_PAGE }), o)).map((t) => t.id));
  const send: string[] = [];
  for (const id of unique) {
    if (binned.has(id)) send.push(id);
    else result.failed.push({ id, error: new NotFoundError(`"${id}" is not in the recycle bin (already ${done}?)`) });
  }
  o?.onProgress?.(result.failed.length, unique.length);
  if (!send.length) return result;
  try {
    await call(send);
    result.succeeded.push(...send);
  } catch (e) {
    if (isBatchLevel(e)) throw e;
    for (const id of send) result.failed.push({ id, error: e });
  }
  o?.onProgress?.(unique.length, unique.length);
  return result;
}

/** Errors about the whole operation (cancelled, signed out, offline, rate limited): thrown, not reported per item. */
const BATCH_LEVEL: ReadonlySet<DocErrorKind> = new Set(['Cancelled', 'Unauthorized', 'Network', 'Timeout', 'RateLimited']);

function isBatchLevel(e: unknown): boolean {
  return !isDocError(e) || BATCH_LEVEL.has(e.kind);
}

// ---------------------------------------------------------------- links, tags

function gokuaiAuth(access: ShareAccess): 'preview' | 'download' | 'upload' {
  if (access === 'preview' || access === 'download' || access === 'upload') return access;
  throw new InvalidInputError(`Gokuai links allow preview, download or upload, not "${access}"`);
}

/**
 * A link of the `links` answer. It does not say what the link allows (no `auth` field), so `access` is unset; a
 * deadline of -1 never expires.
 */
function toShareLink(l: GkLinkListItem): ShareLink {
  const deadline = Number(l.deadline);
  const path = l.fullpath !== undefined ? normalizePath(l.fullpath) : undefined;
  return {
    url: l.link, expires: deadline === NEVER || !Number.isFinite(deadline) || deadline <= 0 ? undefined : deadline * 1000,
    hasPassword: Number(l.password) === 1, path, name: l.filename || (path !== undefined ? baseName(path) : undefined),
  };
}

function checkTags(tags: string[]): string[] {
  const clean = [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
  if (!clean.length) throw new InvalidInputError('Name at least one tag');
  // The API joins tags with ';': a tag containing one would arrive as two.
  if (clean.some((t) => t.includes(';'))) throw new InvalidInputError('A tag cannot contain ";"');
  return clean;
}
