/**
 * The capabilities (src/core/capabilities.ts) of one Kingsoft Docs space, as adapters over KdocsOperations and the
 * space's KdocsRemoteFs. The two spaces of an account differ:
 *
 *   capability     personal files                       app space
 *   trash          "Recycle bin"                         "Trash"
 *   versions       -  (the API keeps none)               yes (version numbers)
 *   links          one link per file, 0/7/30 days        -  (the API has no share links)
 *   collaborators  the members of the share link         -
 *   search         name or content, one per request      -  (the API has no search)
 *   documents      blank documents; import a cloud URL   blank documents; import any URL (async task)
 *   web            edit page                             edit page
 *   copies         save as new / replace                 -  (files update in place)
 *   batch          copy / move / delete tasks            copy / move tasks, deletes one by one
 *   convert        convert, extract text; outline -> MD   convert, extract text
 *   scripts        AirScript against online sheets       -
 *   previews       -                                     anonymous previews (app files, web URLs, bytes)
 *   chat           -                                     woa / WeCom / DingTalk robots, woa app messages
 *
 * The last four are in office-capabilities.ts (conversions of other files' bytes go through the app space).
 *
 * Paths are those of the space's KdocsRemoteFs (plain or token paths). Plain Node, no vscode.
 */
import type {
  Capabilities, CollaboratorsCapability, CopiesCapability, DocumentsCapability, ItemResults, SearchCapability,
  ShareAccess, ShareLink, ShareLinksCapability, ShareSpec, TrashCapability, TrashedItem, VersionsCapability,
} from '../../core/capabilities';
import { BadResponseError, InvalidInputError, isDocError } from '../../core/errors';
import type { CallOptions, Entry } from '../../core/model';
import { collectPages } from '../../core/paging';
import { baseName, joinPath, normalizePath } from '../../core/paths';
import { KD_BLANK_TYPES, type BatchResult, type KdocsOperations, type KdSpaceName, type TokenBatchResult } from './operations';
import { chatOf, convertOf, previewsOf, scriptsOf } from './office-capabilities';
import { FolderUnknownError, type KdocsRemoteFs } from './remotefs';
import type { KdFile, KdLink } from './wire';

/** Personal share links: never / 7 / 30 days; view, view and comment, edit; no password; one link per file. */
export const KDOCS_SHARE_SPEC: ShareSpec = {
  expiry: { days: [0, 7, 30] },
  access: ['read', 'comment', 'write'],
  password: false,
  single: true,
};

/** Results asked per search scope (the API pages by offset; the first page is what a search shows). */
const SEARCH_PAGE = 100;
/** Versions per request when the whole history is read. */
const VERSION_PAGE = 100;

export function kdocsCapabilities(ops: KdocsOperations, space: KdSpaceName): Capabilities {
  const fs = ops.fsOf(space);
  const common: Capabilities = {
    write: fs,
    trash: trashOf(ops, space),
    documents: documentsOf(ops, space),
    web: { url: (path, o) => ops.editUrl(space, path, o) },
    batch: {
      copy: async (paths, folder, o) => pathResults(await ops.copyMany(space, paths, folder, o)),
      move: async (paths, folder, o) => pathResults(await ops.moveMany(space, paths, folder, o)),
      delete: async (paths, o) => pathResults(await ops.deleteMany(space, paths, o)),
    },
  };
  return space === 'personal'
    ? {
      ...common, links: linksOf(ops, fs), collaborators: collaboratorsOf(ops), search: searchOf(ops), copies: copiesOf(fs),
      convert: convertOf(ops, space), scripts: scriptsOf(ops),
    }
    : { ...common, versions: versionsOf(ops), convert: convertOf(ops, space), previews: previewsOf(ops), chat: chatOf(ops) };
}

function trashOf(ops: KdocsOperations, space: KdSpaceName): TrashCapability {
  const fs = ops.fsOf(space);
  return {
    kind: space === 'personal' ? 'recycleBin' : 'trash',
    async list(cursor, o) {
      const page = await ops.recycleBin(space, cursor, o);
      return { ...page, items: page.items.map((f) => toTrashed(fs, f)) };
    },
    restore: async (ids, o) => tokenResults(await ops.restoreFromBin(space, ids, o)),
    purge: async (ids, o) => tokenResults(await ops.destroyFromBin(space, ids, o)),
  };
}

/** App space: every content update is a numbered version (the id is the number as a string). */
function versionsOf(ops: KdocsOperations): VersionsCapability {
  return {
    async list(path, o) {
      const all = await collectPages((cursor) => ops.versions(path, cursor, { ...o, pageSize: VERSION_PAGE }), o);
      return all.map((v) => ({ id: String(v.version), label: String(v.version), mtime: v.mtime * 1000, size: v.size, by: v.modifier }));
    },
    read: async (path, versionId, o) => ops.readVersion(path, versionNumber(versionId), o),
    restore: async (path, versionId, o) => ops.revertVersion(path, versionNumber(versionId), o),
  };
}

/** Personal files: one share link per file, created or changed in place. */
function linksOf(ops: KdocsOperations, fs: KdocsRemoteFs): ShareLinksCapability {
  return {
    spec: KDOCS_SHARE_SPEC,
    async linksOf(path, o) {
      const link = await ops.getShare(path, o);
      return link ? [toShareLink(link, path)] : [];
    },
    async share(path, s, o) {
      if (s.password) throw new InvalidInputError('Kingsoft Docs share links cannot have a password');
      const period = s.days;
      if (period !== 0 && period !== 7 && period !== 30) {
        throw new InvalidInputError('A Kingsoft Docs share link works for 7 or 30 days, or never expires');
      }
      const permission = s.access === 'write' ? 'write' : s.access === 'read' || s.access === 'comment' ? 'read' : undefined;
      if (!permission) throw new InvalidInputError(`Kingsoft Docs links allow read, comment or write, not "${s.access}"`);
      // The one link of the file is created, or changed (and re-opened when it was cancelled).
      return toShareLink(await ops.share(path, { permission, comment: s.access === 'comment', period }, o), path);
    },
    async stop(path, o) {
      try {
        await ops.cancelShare(path, o);
      } catch (e) {
        // "Not found" is the file (then stat says so) or its link: a file without a link has none to stop.
        if (!isDocError(e, 'NotFound')) throw e;
        await fs.stat(path, o);
      }
    },
    // The API has no list of all links.
  };
}

/**
 * The collaborators of a personal file are the members of its open share link: without one (never shared, or
 * cancelled) the file has none, and adding, changing or removing one is refused in words (the service would answer
 * "not found", which reads as if the file were gone, or change the members of a cancelled link nobody sees).
 */
function collaboratorsOf(ops: KdocsOperations): CollaboratorsCapability {
  const requireLink = async (path: string, o?: CallOptions) => {
    if (!await ops.getShare(path, o)) throw noLink(path);
  };
  return {
    permissions: ['read', 'write'],
    async list(path, o) {
      const link = await ops.getShare(path, o);
      return (link?.members ?? []).map((m) => ({ userId: m.userId, permission: m.permission }));
    },
    async add(path, userIds, permission, o) {
      const p = memberPermission(permission);
      if (!userIds.length) throw new InvalidInputError('Name at least one collaborator');
      // No link is created implicitly: anyone who has its URL could open the file, which adding one named person
      // does not announce.
      await requireLink(path, o);
      await ops.addCollaborators(path, userIds, p, o);
    },
    async change(path, userId, permission, o) {
      const p = memberPermission(permission);
      await requireLink(path, o);
      await ops.updateCollaborator(path, userId, p, o);
    },
    async remove(path, userId, o) {
      await requireLink(path, o);
      await ops.removeCollaborator(path, userId, o);
    },
  };
}

/** Personal search: by name or by content, one request each (the service searches the app's folder). */
function searchOf(ops: KdocsOperations): SearchCapability {
  return {
    scopes: ['name', 'content'],
    oneScopeAtATime: true,
    async search(keyword, scopes, o) {
      const modes = [...new Set(scopes)].map((s) => {
        if (s !== 'name' && s !== 'content') throw new InvalidInputError(`Kingsoft Docs cannot search by ${s}`);
        return s;
      });
      if (!modes.length) throw new InvalidInputError('Choose where to search: file name or content');
      const limit = o?.limit ?? SEARCH_PAGE;
      // An item found by name and by content is listed once, where it was found first.
      const found = new Map<string, Entry>();
      for (const mode of modes) {
        const page = await ops.search(keyword, mode, undefined, { signal: o?.signal, pageSize: limit });
        for (const e of page.items) if (!found.has(e.id)) found.set(e.id, e);
      }
      return [...found.values()].slice(0, limit);
    },
  };
}

/** Personal files cannot be updated in place: a changed copy is saved as a new file or replaces the original. */
function copiesOf(fs: KdocsRemoteFs): CopiesCapability {
  return {
    async saveAsNew(path, data, o) {
      try {
        return { entry: await fs.saveAsNew(path, data, o), elsewhere: false };
      } catch (e) {
        // An item from Recent, Starred or a search whose folder the service does not tell: the copy goes to the root.
        if (!(e instanceof FolderUnknownError)) throw e;
        return { entry: await fs.saveAsNew(path, data, { ...o, folder: '' }), elsewhere: true };
      }
    },
    replace: (path, data, o) => fs.replace(path, data, o),
  };
}

function documentsOf(ops: KdocsOperations, space: KdSpaceName): DocumentsCapability {
  return {
    types: KD_BLANK_TYPES,
    async create(folder, name, o) {
      const r = await ops.createBlank(space, joinPath(normalizePath(folder), name), o);
      return { entry: r.entry, url: r.editUrl, urlError: r.editUrlError };
    },
    importUrl: (folder, url, name, o) => ops.importFromUrl(space, folder, url, name, o),
    // Personal files come from a link of the Kingsoft cloud drive (`files/cloud`); the app space downloads any URL.
    importFrom: space === 'personal' ? 'cloud' : 'any',
  };
}

// ---------------------------------------------------------------- helpers

/** A recycle-bin item: id = file token. Its folder is known when it was in the root or the RemoteFs saw that folder. */
function toTrashed(fs: KdocsRemoteFs, f: KdFile): TrashedItem {
  const folder = f.parentToken === null ? '' : f.parentToken !== undefined ? fs.knownPathOf(f.parentToken) : undefined;
  return {
    id: f.token, name: f.name, type: f.type, size: f.type === 'folder' ? 0 : f.size,
    ...(folder !== undefined ? { folder } : {}),
    ...(f.deletedTime ? { deletedAt: f.deletedTime * 1000 } : {}),
  };
}

function tokenResults(r: TokenBatchResult): ItemResults {
  return { succeeded: r.succeeded, failed: r.failed.map((f) => ({ id: f.token, error: f.error })) };
}

function pathResults(r: BatchResult): ItemResults {
  return { succeeded: r.succeeded, failed: r.failed.map((f) => ({ id: f.path, error: f.error })) };
}

/** The version number behind a VersionInfo id. */
function versionNumber(id: string): number {
  const n = Number(id);
  if (!/^\d+$/.test(id) || !Number.isSafeInteger(n)) throw new InvalidInputError(`"${id}" is no Kingsoft Docs version number`);
  return n;
}

/** Readers who may comment have 'read' plus the 'comment' extra permission. */
function toShareLink(l: KdLink, path: string): ShareLink {
  if (!l.url) throw new BadResponseError('share link: no link URL in the answer');
  const access: ShareAccess = l.permission === 'write' ? 'write' : l.extPermList?.includes('comment') ? 'comment' : 'read';
  const p = normalizePath(path);
  return { url: l.url, access, expires: l.expireTime ? l.expireTime * 1000 : undefined, hasPassword: false, path: p, name: baseName(p) };
}

function memberPermission(permission: string): 'read' | 'write' {
  if (permission !== 'read' && permission !== 'write') {
    throw new InvalidInputError(`A Kingsoft Docs collaborator can read or write, not "${permission}"`);
  }
  return permission;
}

function noLink(path: string): InvalidInputError {
  return new InvalidInputError(`"${baseName(normalizePath(path))}" has no share link yet: create one first (collaborators are added to its share link)`);
}
