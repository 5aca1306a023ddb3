import { bufferBlob } from '../common/blob';
import { blankContent, contentFromUrl, contentType, type Deps } from './deps';
import { kerr } from './errors';
import { oneOf, page, pathArray, q, requiredStr, str, tokenList, type Ctx, type RouteDef } from './router';
import { ROOT, validName, type Entry, type Version } from './store';

/**
 * App-space routes (WPS-2 auth). Undocumented details chosen by the sandbox:
 * - item `{file_token, filename, ftype: "file"|"folder", content_type, size, version, sha1, ctime, mtime, creator,
 *   modifier, parent_token}`; lists in `data.files` with `data.next_offset` (-1 = end), default count 10, max 500.
 * - parent: `parent_token` or `parent_path` (array; multipart: JSON array or 'a/b'; missing folders are created);
 *   neither = root. Names are made unique (`name (1).ext`), except rename (409).
 * - versions list `data.versions` of `{version, size, sha1, content_type, mtime, modifier}`, newest first.
 * - async upload `{url, filename, parent_token|parent_path, creator}` -> `{task_id}`; tasks advance one step per poll;
 *   batch tasks report per file (tasks.ts).
 */

const DEFAULT_MEMBER = 'app';

export function appItem(d: Deps, e: Entry): Record<string, unknown> {
  const v = e.dir ? undefined : d.app.current(e);
  return {
    file_token: e.token,
    filename: e.name,
    ftype: e.dir ? 'folder' : 'file',
    content_type: e.dir ? '' : contentType(e.name),
    size: v?.size ?? 0,
    version: v?.version ?? 0,
    sha1: v?.sha1 ?? '',
    ctime: e.ctime,
    mtime: e.mtime,
    creator: e.creator,
    modifier: e.modifier,
    parent_token: e.parent === ROOT ? '' : e.parent,
  };
}

function versionJson(e: Entry, v: Version): Record<string, unknown> {
  return { file_token: e.token, version: v.version, size: v.size, sha1: v.sha1, content_type: contentType(e.name), mtime: v.mtime, modifier: v.modifier };
}

export function appspaceRoutes(d: Deps): RouteDef[] {
  const sp = d.app;
  const w = (path: string, method: string, handle: (c: Ctx) => unknown): RouteDef => ({ method, path, auth: 'wps2', handle });
  const member = (c: Ctx, key = 'creator') => str(c, key) || str(c, 'modifier') || DEFAULT_MEMBER;
  const parent = (c: Ctx): Entry => {
    const token = str(c, 'parent_token');
    const names = pathArray(c.body.parent_path, 'parent_path');
    if (token && names) throw kerr.param('parent_token and parent_path are exclusive');
    if (names) return sp.folderByPath(names, ROOT, member(c), true);
    return sp.folder(token);
  };
  const file = (c: Ctx): Entry => sp.live(c.params.file_token);
  const onlyFile = (c: Ctx): Entry => {
    const e = file(c);
    if (e.dir) throw kerr.param('a file is required, got a folder');
    return e;
  };
  const version = (e: Entry, raw: string): Version => {
    const v = e.versions.find((x) => String(x.version) === raw);
    if (!v) throw kerr.notFound('version');
    return v;
  };
  const upload = (c: Ctx) => {
    const f = c.files.find((x) => x.field === 'file');
    if (!f) throw kerr.param('multipart field "file" is required');
    return f;
  };
  const downloadJson = (e: Entry, v: Version) => ({ url: d.urls.download({ filehash: v.sha1, filename: e.name, open: false }), size: v.size, sha1: v.sha1 });
  const list = (entries: Entry[], c: Ctx) => {
    const p = page(entries, c, 10);
    return { files: p.list.map((e) => appItem(d, e)), next_offset: p.next_offset };
  };

  return [
    w('/appspace/files', 'POST', (c) => {
      const name = validName(requiredStr(c, 'filename'));
      return { file_token: sp.add(parent(c).token, name, false, member(c), blankContent(name)).token };
    }),
    w('/appspace/files/upload', 'POST', (c) => {
      const f = upload(c);
      const e = sp.add(parent(c).token, validName(str(c, 'filename') || f.filename), false, member(c), bufferBlob(f.data));
      return appItem(d, e);
    }),
    w('/appspace/folders', 'POST', (c) => {
      const name = validName(oneOf(c, ['name', 'folder_name', 'filename']));
      return { file_token: sp.add(parent(c).token, name, true, member(c)).token };
    }),
    w('/appspace/files', 'GET', (c) => {
      const folder = sp.folder(q(c, 'parent_token'));
      const kids = sp.children(folder.token).sort((a, b) => Number(b.dir) - Number(a.dir) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return list(kids, c);
    }),
    w('/appspace/files/:file_token', 'GET', (c) => appItem(d, file(c))),
    w('/appspace/files/:file_token/download', 'GET', (c) => {
      const e = onlyFile(c);
      return downloadJson(e, sp.current(e));
    }),
    w('/appspace/files/:file_token/versions', 'GET', (c) => {
      const e = onlyFile(c);
      const p = page([...e.versions].reverse(), c, 10);
      return { versions: p.list.map((v) => versionJson(e, v)), next_offset: p.next_offset };
    }),
    w('/appspace/files/:file_token/versions/:version', 'GET', (c) => {
      const e = onlyFile(c);
      return versionJson(e, version(e, c.params.version));
    }),
    w('/appspace/files/:file_token/versions/:version/download', 'GET', (c) => {
      const e = onlyFile(c);
      return downloadJson(e, version(e, c.params.version));
    }),
    w('/appspace/files/:file_token/versions/:version/revert', 'POST', (c) => {
      const e = onlyFile(c);
      const v = version(e, c.params.version);
      sp.setContent(e, sp.blobOf(v), member(c, 'modifier'));
      return appItem(d, e);
    }),
    w('/appspace/files/:file_token/name', 'PUT', (c) => {
      const e = file(c);
      sp.rename(e, oneOf(c, ['filename', 'new_name', 'name']) ?? '', member(c, 'modifier'));
      return appItem(d, e);
    }),
    w('/appspace/files/:file_token/content', 'PUT', (c) => {
      const e = onlyFile(c);
      sp.setContent(e, bufferBlob(upload(c).data), member(c, 'modifier'));
      return appItem(d, e);
    }),
    w('/appspace/files/:file_token/copy', 'POST', (c) => {
      const e = file(c);
      const name = str(c, 'filename');
      return { file_token: sp.copy(e, parent(c).token, member(c), name ? validName(name) : e.name).token };
    }),
    w('/appspace/files/:file_token', 'DELETE', (c) => {
      sp.trash(file(c), DEFAULT_MEMBER);
      return {};
    }),
    w('/appspace/files/:file_token/destroy', 'DELETE', (c) => {
      const e = sp.entries.get(c.params.file_token);
      if (!e || e.token === ROOT) throw kerr.notFound();
      sp.destroy(e);
      return {};
    }),
    w('/appspace/files/:file_token/url/with_edit_token', 'GET', (c) => {
      const e = file(c);
      const editToken = q(c, 'edit_token') ?? d.oauth.newEditToken().token;
      if (!d.oauth.editTokenValid(editToken)) throw kerr.notFound('edit token');
      return { url: `${d.urls.page('edit', { space: 'appspace', token: e.token, editToken }, d.oauth.editTokenTtlSec * 1000)}&edit_token=${encodeURIComponent(editToken)}` };
    }),
    w('/appspace/file/async/upload', 'POST', (c) => {
      const url = requiredStr(c, 'url');
      const name = validName(requiredStr(c, 'filename'));
      const target = parent(c);
      const creator = member(c);
      // The download happens when the task runs, like the real service fetching the URL in the background.
      return { task_id: d.tasks.create(() => ({ file_token: sp.add(sp.folder(target.token).token, name, false, creator, contentFromUrl(d, url)).token })) };
    }),
    w('/appspace/file/async/upload/:task_id', 'GET', (c) => d.tasks.poll(c.params.task_id)),
    w('/appspace/tasks/files/copy', 'POST', (c) => {
      const entries = tokenList(c).map((t) => sp.live(t));
      const target = parent(c);
      const creator = member(c);
      return { task_id: d.tasks.createBatch('appspace', entries.map((e) => e.token), (t) => appItem(d, sp.copy(sp.live(t), target.token, creator))) };
    }),
    w('/appspace/tasks/files/move', 'POST', (c) => {
      const entries = tokenList(c).map((t) => sp.live(t));
      const target = parent(c);
      const creator = member(c);
      return {
        task_id: d.tasks.createBatch('appspace', entries.map((e) => e.token), (t) => {
          const e = sp.live(t);
          sp.move(e, target.token, creator);
          return appItem(d, e);
        }),
      };
    }),
    w('/appspace/tasks/:task_id', 'GET', (c) => d.tasks.poll(c.params.task_id)),
    w('/appspace/trash', 'GET', (c) => {
      const p = page(sp.trashed(), c, 10);
      return { files: p.list.map((e) => ({ ...appItem(d, e), deleted_time: e.trashedAt })), next_offset: p.next_offset };
    }),
    w('/appspace/trash/:file_token/put_back', 'PUT', (c) => {
      const e = sp.trashedEntry(c.params.file_token);
      sp.restore(e, DEFAULT_MEMBER);
      return appItem(d, e);
    }),
    w('/appspace/trash/:file_token', 'DELETE', (c) => {
      sp.destroy(sp.trashedEntry(c.params.file_token));
      return {};
    }),
    w('/appspace/trash/destroy', 'POST', (c) => {
      const entries = tokenList(c).map((t) => sp.trashedEntry(t));
      for (const e of entries) sp.destroy(e);
      return {};
    }),
    w('/appspace/volume/usage', 'GET', () => ({ used: sp.used(), total: sp.capacity })),
  ];
}
