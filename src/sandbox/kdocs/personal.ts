import * as crypto from 'node:crypto';
import { bufferBlob, readAll } from '../common/blob';
import { blankContent, contentFromUrl, type Deps } from './deps';
import { kerr } from './errors';
import { int, oneOf, page, pathArray, q, qAll, requiredStr, str, tokenList, type Ctx, type RouteDef } from './router';
import { ROOT, validName, type Entry, type Share } from './store';

/**
 * User and personal-document routes (access_token auth). Undocumented details chosen by the sandbox:
 * - parent: `parent_id` (absent, '' or '0' = root) or `parent_path` (array or 'a/b'; below the app folder unless
 *   `path_from_root` is true; missing folders are created).
 * - list items `{id:{open_id,union_id}, fname, ftype: "file"|"folder", fsize, ctime, mtime, fver, parent_id,
 *   creator:{name}, modifier:{name}, starred}` in `data.files`, with `data.next_offset` (-1 = end).
 * - defaults: order_by=mtime, order=desc (ties by name); count 20, at most 500.
 * - flat: files only, `exts` keeps, `ignore` drops extensions (both repeatable, without or with the dot).
 * - search (name: substring of fname; content: substring of text content) only inside the app folder, `keyword`.
 * - batch task bodies: `file_tokens` (or `file_ids`) plus a parent as above; task results via tasks/:task_id, per
 *   file (tasks.ts).
 */

const me = (d: Deps) => d.user.nickname;

export function personalItem(d: Deps, e: Entry): Record<string, unknown> {
  const v = e.dir ? undefined : d.personal.current(e);
  return {
    id: { open_id: e.token, union_id: e.unionId },
    fname: e.name,
    ftype: e.dir ? 'folder' : 'file',
    fsize: v?.size ?? 0,
    ctime: e.ctime,
    mtime: e.mtime,
    fver: v?.version ?? 0,
    parent_id: e.parent,
    creator: { name: e.creator },
    modifier: { name: e.modifier },
    starred: e.starred,
  };
}

function files(d: Deps, entries: Entry[], c: Ctx, defCount = 20): { files: unknown[]; next_offset: number } {
  const p = page(entries, c, defCount);
  return { files: p.list.map((e) => personalItem(d, e)), next_offset: p.next_offset };
}

function sorted(d: Deps, entries: Entry[], c: Ctx): Entry[] {
  const by = q(c, 'order_by') ?? 'mtime';
  const order = q(c, 'order') ?? 'desc';
  if (!['mtime', 'fname', 'fsize'].includes(by)) throw kerr.param('order_by must be mtime, fname or fsize');
  if (order !== 'asc' && order !== 'desc') throw kerr.param('order must be asc or desc');
  const size = (e: Entry) => (e.dir ? 0 : d.personal.current(e).size);
  const value = (e: Entry): number | string => (by === 'mtime' ? e.mtime : by === 'fsize' ? size(e) : e.name);
  const sign = order === 'asc' ? 1 : -1;
  return [...entries].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const primary = x < y ? -1 : x > y ? 1 : 0;
    return primary !== 0 ? primary * sign : a.name < b.name ? -1 : a.name > b.name ? 1 : a.token < b.token ? -1 : 1;
  });
}

/** Target folder from parent_id / parent_path (see the header). */
function parentFolder(d: Deps, c: Ctx): Entry {
  const id = oneOf(c, ['parent_id']);
  if (id !== undefined) return ownFolder(d, id);
  const names = pathArray(c.body.parent_path, 'parent_path');
  if (!names) return d.personal.folder(ROOT);
  const fromRoot = str(c, 'path_from_root') === 'true';
  return d.personal.folderByPath(names, fromRoot ? ROOT : d.appFolder().token, me(d), true);
}

function ownFolder(d: Deps, token: string): Entry {
  const f = d.personal.folder(token);
  if (f.owner) throw kerr.notFound('folder');
  return f;
}

function file(d: Deps, c: Ctx): Entry {
  return d.personal.live(c.params.file_token);
}

function ownFile(d: Deps, c: Ctx): Entry {
  const e = file(d, c);
  if (e.owner) throw kerr.noShareRight();
  return e;
}

function extOf(name: string): string {
  return (/\.([^.]+)$/.exec(name)?.[1] ?? '').toLowerCase();
}

function shareJson(d: Deps, e: Entry, s: Share): Record<string, unknown> {
  return {
    sid: s.sid,
    link_url: `${d.host}/l/${s.sid}`,
    link_permission: s.permission,
    status: s.status,
    range: 'anyone',
    expire_time: s.expireTime,
    ext_perm_list: s.extPermList,
    file_id: e.token,
    members: [...s.members].map(([user_id, permission]) => ({ user_id, permission })),
  };
}

function share(e: Entry): Share {
  if (!e.share) throw kerr.notFound('share link');
  return e.share;
}

function permission(v: string | undefined): 'read' | 'write' {
  if (v !== 'read' && v !== 'write') throw kerr.param('permission must be read or write');
  return v;
}

function editUrl(d: Deps, e: Entry, c: Ctx): string {
  const editToken = q(c, 'edit_token') ?? d.oauth.newEditToken().token;
  if (!d.oauth.editTokenValid(editToken)) throw kerr.notFound('edit token');
  return `${d.urls.page('edit', { space: 'personal', token: e.token, editToken }, d.oauth.editTokenTtlSec * 1000)}&edit_token=${encodeURIComponent(editToken)}`;
}

export function personalRoutes(d: Deps): RouteDef[] {
  const { personal: sp } = d;
  const t = (path: string, method: string, scope: RouteDef['scope'], handle: (c: Ctx) => unknown): RouteDef =>
    ({ method, path, auth: 'token', scope, handle });
  return [
    // --- user ---
    t('/user/basic', 'GET', 'user_basic', () => ({ id: d.user.id, union_id: d.user.unionId, nickname: d.user.nickname, avatar: d.user.avatar })),
    t('/user/edit_token', 'POST', 'user_basic', () => d.oauth.newEditToken()),
    t('/user/edit_token/:token', 'DELETE', 'user_basic', (c) => {
      d.oauth.cancelEditToken(c.params.token);
      return {};
    }),

    // --- listing ---
    t('/personal/files', 'GET', 'access_personal_files', (c) => {
      const parent = ownFolder(d, q(c, 'parent_id') ?? ROOT);
      const filter = q(c, 'filter');
      if (filter !== undefined && filter !== 'folder' && filter !== 'file') throw kerr.param('filter must be folder or file');
      const kids = sp.children(parent.token).filter((e) => !filter || (filter === 'folder') === e.dir);
      return files(d, sorted(d, kids, c), c);
    }),
    t('/personal/files/flat', 'GET', 'access_personal_files', (c) => {
      const keep = qAll(c, 'exts').map((x) => x.replace(/^\./, '').toLowerCase());
      const drop = qAll(c, 'ignore').map((x) => x.replace(/^\./, '').toLowerCase());
      const all = sp.descendants(ROOT).filter((e) => !e.dir && (!keep.length || keep.includes(extOf(e.name))) && !drop.includes(extOf(e.name)));
      return files(d, sorted(d, all, c), c);
    }),
    t('/personal/apps/files', 'GET', 'access_personal_files', (c) => files(d, sorted(d, sp.children(d.appFolder().token), c), c)),
    t('/personal/files/recent', 'GET', 'access_personal_files', (c) => {
      const shared = [...sp.entries.values()].filter((e) => e.owner && !e.dir && !sp.isTrashed(e));
      const recent = [...sp.descendants(ROOT).filter((e) => !e.dir), ...shared].sort((a, b) => b.mtime - a.mtime || (a.name < b.name ? -1 : 1));
      return files(d, recent, c);
    }),
    t('/personal/files/star', 'GET', 'access_personal_files', (c) => files(d, sorted(d, sp.descendants(ROOT).filter((e) => e.starred), c), c)),
    t('/personal/files/search/name', 'GET', 'access_personal_files', (c) => {
      const keyword = (q(c, 'keyword') ?? '').toLowerCase();
      if (!keyword) throw kerr.param('keyword is required');
      return files(d, sp.descendants(d.appFolder().token).filter((e) => e.name.toLowerCase().includes(keyword)), c);
    }),
    t('/personal/files/search/content', 'GET', 'access_personal_files', (c) => {
      const keyword = q(c, 'keyword') ?? '';
      if (!keyword) throw kerr.param('keyword is required');
      const hits = sp.descendants(d.appFolder().token).filter((e) => {
        if (e.dir) return false;
        const blob = sp.blobOf(sp.current(e));
        return blob.inMemory && blob.size < 1024 * 1024 && readAll(blob).toString('utf8').includes(keyword);
      });
      return files(d, hits, c);
    }),
    t('/personal/files/:file_token/simple', 'GET', 'access_personal_files', (c) => {
      const e = file(d, c);
      return { id: e.token, fname: e.name, ftype: e.dir ? 'folder' : 'file', fsize: e.dir ? 0 : sp.current(e).size, mtime: e.mtime };
    }),
    t('/personal/files/:file_token/download', 'GET', 'download_personal_files', (c) => {
      const e = file(d, c);
      if (e.dir) throw kerr.param('a folder cannot be downloaded');
      const v = sp.current(e);
      return { url: d.urls.download({ filehash: v.sha1, filename: e.name, open: false }), fsize: v.size, checksums: { sha1: v.sha1 } };
    }),

    // --- creating ---
    t('/personal/files', 'POST', 'create_personal_files', (c) => {
      const name = validName(requiredStr(c, 'filename'));
      return personalItem(d, sp.add(parentFolder(d, c).token, name, false, me(d), blankContent(name)));
    }),
    t('/personal/files/upload', 'POST', 'create_personal_files', (c) => {
      const f = c.files.find((x) => x.field === 'file');
      if (!f) throw kerr.param('multipart field "file" is required');
      const name = validName(str(c, 'filename') || f.filename);
      return personalItem(d, sp.add(parentFolder(d, c).token, name, false, me(d), bufferBlob(f.data)));
    }),
    t('/personal/files/cloud', 'POST', 'create_personal_files', (c) => {
      const blob = contentFromUrl(d, requiredStr(c, 'url'));
      const name = validName(requiredStr(c, 'filename'));
      return personalItem(d, sp.add(parentFolder(d, c).token, name, false, me(d), blob));
    }),
    t('/personal/files/folder', 'POST', 'create_personal_files', (c) => {
      const name = validName(oneOf(c, ['name', 'folder_name', 'filename']));
      return personalItem(d, sp.add(parentFolder(d, c).token, name, true, me(d)));
    }),

    // --- changing ---
    t('/personal/files/:file_token/name', 'PUT', 'edit_personal_files', (c) => {
      const e = ownFile(d, c);
      sp.rename(e, requiredStr(c, 'new_name'), me(d));
      return personalItem(d, e);
    }),
    t('/personal/files/:file_token', 'DELETE', 'modify_personal_files', (c) => {
      sp.trash(ownFile(d, c), me(d));
      return {};
    }),
    t('/personal/recycles', 'GET', 'access_personal_files', (c) => {
      const p = page(sp.trashed().filter((e) => !e.owner), c, 20);
      return { files: p.list.map((e) => ({ ...personalItem(d, e), deleted_time: e.trashedAt })), next_offset: p.next_offset };
    }),
    t('/personal/recycles/recover', 'POST', 'modify_personal_files', (c) => {
      const entries = tokenList(c).map((tok) => sp.trashedEntry(tok));
      for (const e of entries) sp.restore(e, me(d));
      return { files: entries.map((e) => personalItem(d, e)) };
    }),
    t('/personal/recycles/destroy', 'POST', 'modify_personal_files', (c) => {
      const entries = tokenList(c).map((tok) => sp.trashedEntry(tok));
      for (const e of entries) sp.destroy(e);
      return {};
    }),

    // --- sharing ---
    t('/personal/files/:file_token/links', 'POST', 'edit_personal_files', (c) => {
      const e = ownFile(d, c);
      const range = str(c, 'range') ?? 'anyone';
      if (range !== 'anyone') throw kerr.param('range must be anyone');
      const status = str(c, 'status') ?? 'open';
      if (status !== 'open' && status !== 'close') throw kerr.param('status must be open or close');
      const period = int(c, 'period', 0);
      if (![0, 7, 30].includes(period)) throw kerr.param('period must be 0, 7 or 30');
      const ext = c.body.ext_perm_list ?? [];
      if (!Array.isArray(ext) || !ext.every((x) => typeof x === 'string')) throw kerr.param('ext_perm_list must be a string array');
      const reset = c.body.reset === true || c.body.reset === 'true';
      if (!e.share || reset) {
        if (e.share) d.shares.delete(e.share.sid);
        e.share = { sid: crypto.randomBytes(8).toString('hex'), permission: 'read', status: 'open', extPermList: [], expireTime: 0, members: e.share?.members ?? new Map() };
        d.shares.set(e.share.sid, e.token);
      }
      e.share.permission = permission(str(c, 'permission') ?? 'read');
      e.share.status = status;
      e.share.extPermList = ext as string[];
      e.share.expireTime = period ? sp.nowSec() + period * 86400 : 0;
      return shareJson(d, e, e.share);
    }),
    t('/personal/files/:file_token/links', 'GET', 'access_personal_files', (c) => {
      const e = ownFile(d, c);
      return shareJson(d, e, share(e));
    }),
    t('/personal/files/:file_token/links', 'DELETE', 'edit_personal_files', (c) => {
      share(ownFile(d, c)).status = 'close';
      return {};
    }),
    t('/personal/files/:file_token/links/members', 'POST', 'edit_personal_files', (c) => {
      const e = ownFile(d, c);
      const s = share(e);
      const raw = c.body.user_ids ?? (str(c, 'user_id') !== undefined ? [str(c, 'user_id')] : undefined);
      if (!Array.isArray(raw) || raw.length === 0 || !raw.every((x) => typeof x === 'string' && x !== '')) throw kerr.param('user_ids is required');
      const perm = permission(str(c, 'permission') ?? 'read');
      for (const id of raw as string[]) s.members.set(id, perm);
      return shareJson(d, e, s);
    }),
    t('/personal/files/:file_token/links/members/:user_id', 'PUT', 'edit_personal_files', (c) => {
      const e = ownFile(d, c);
      const s = share(e);
      if (!s.members.has(c.params.user_id)) throw kerr.notFound('member');
      s.members.set(c.params.user_id, permission(str(c, 'permission')));
      return shareJson(d, e, s);
    }),
    t('/personal/files/:file_token/links/members/:user_id', 'DELETE', 'edit_personal_files', (c) => {
      if (!share(ownFile(d, c)).members.delete(c.params.user_id)) throw kerr.notFound('member');
      return {};
    }),
    t('/personal/files/:file_token/url/with_edit_token', 'GET', 'edit_personal_files', (c) => ({ url: editUrl(d, file(d, c), c) })),
    t('/personal/files/:file_token/links/with_edit_token', 'GET', 'edit_personal_files', (c) => {
      const e = ownFile(d, c);
      const s = share(e);
      const editToken = q(c, 'edit_token') ?? d.oauth.newEditToken().token;
      return { url: `${d.host}/l/${s.sid}?edit_token=${encodeURIComponent(editToken)}` };
    }),

    // --- batch tasks ---
    t('/personal/tasks/files/copy', 'POST', 'create_personal_files', (c) => {
      const entries = tokenList(c).map((tok) => sp.live(tok));
      const target = parentFolder(d, c);
      return { task_id: d.tasks.createBatch('personal', entries.map((e) => e.token), (tok) => personalItem(d, sp.copy(sp.live(tok), target.token, me(d)))) };
    }),
    t('/personal/tasks/files/move', 'POST', 'edit_personal_files', (c) => {
      const entries = tokenList(c).map((tok) => sp.live(tok));
      if (entries.some((e) => e.owner)) throw kerr.noShareRight();
      const target = parentFolder(d, c);
      return {
        task_id: d.tasks.createBatch('personal', entries.map((e) => e.token), (tok) => {
          const e = sp.live(tok);
          sp.move(e, target.token, me(d));
          return personalItem(d, e);
        }),
      };
    }),
    t('/personal/tasks/files/delete', 'POST', 'modify_personal_files', (c) => {
      const entries = tokenList(c).map((tok) => sp.live(tok));
      if (entries.some((e) => e.owner)) throw kerr.noShareRight();
      return {
        task_id: d.tasks.createBatch('personal', entries.map((e) => e.token), (tok) => {
          sp.trash(sp.live(tok), me(d));
          return tok;
        }),
      };
    }),
    t('/personal/tasks/:task_id', 'GET', 'access_personal_files', (c) => d.tasks.poll(c.params.task_id)),
  ];
}
