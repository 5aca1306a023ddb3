import * as crypto from 'node:crypto';
import { err } from './errors';
import type { Params } from '../common/form';
import { nameOf, normalizePath, operatorName, parentOf, type Library, type Node } from './store';
import type { Uploads } from './upload';
import type { TemporaryUrls } from '../common/urls';

/**
 * The 35 library endpoints `/m-open/1/file/<name>` (gokuai-library-file-api.txt). Each handler takes the decoded,
 * already authenticated parameters and returns the JSON body; endpoints documented as "HTTP 200" return `{}`.
 */

export interface ApiContext {
  lib: Library;
  urls: GokuaiUrls;
  uploads: Uploads;
  host: string;
  uploadServer: string;
}

type Handler = (p: Params) => unknown;

/** Target of preview_url / cedit_url pages. */
export interface PageTarget { hash: string; readonly: boolean }
export type GokuaiUrls = TemporaryUrls<PageTarget>;

const ALL_PERMISSIONS = ['file_preview', 'file_read', 'file_upload', 'file_write', 'file_delete', 'file_link'];
const OFFICE_EXT = /\.(docx?|xlsx?|pptx?)$/i;
const IMAGE_EXT = /\.(png|jpe?g|gif|bmp|webp)$/i;

// --- parameter helpers ---
function required(p: Params, key: string): string {
  const v = p[key];
  if (v === undefined || v === '') throw err.param(`${key} is required`);
  return v;
}
function int(p: Params, key: string, def: number): number {
  const v = p[key];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw err.param(`${key} must be a non-negative integer`);
  return n;
}
function flag(p: Params, key: string): boolean {
  return p[key] === '1';
}
function split(v: string | undefined, sep: string): string[] {
  return (v ?? '').split(sep).map((s) => s.trim()).filter((s) => s !== '');
}
function jsonParam(p: Params, key: string): unknown {
  try {
    return JSON.parse(required(p, key));
  } catch (e) {
    if ((e as { code?: number }).code === 40001) throw e;
    throw err.param(`${key} must be a JSON string`);
  }
}
function page<T>(items: T[], p: Params, defSize: number): { count: number; list: T[] } {
  const start = int(p, 'start', 0);
  const size = int(p, 'size', defSize);
  return { count: items.length, list: items.slice(start, start + size) };
}

// --- response shapes ---
export function fileJson(n: Node, fullpath = n.fullpath): Record<string, unknown> {
  return {
    hash: n.hash,
    dir: n.dir ? 1 : 0,
    fullpath,
    filename: nameOf(fullpath),
    filehash: n.dir ? '' : n.filehash,
    filesize: n.dir ? 0 : n.filesize,
    create_member_name: n.createMember,
    create_dateline: n.createDateline,
    last_member_name: n.lastMember,
    last_dateline: n.lastDateline,
    property: {
      tag: n.tags.join(';'),
      inherit: n.inherit,
      lock: n.lockedBy !== undefined ? 1 : 0,
      ...(n.lockedBy !== undefined ? { lock_member_name: n.lockedBy } : {}),
    },
  };
}

export type OpenedLink =
  | { node: Node; auth: string; hasPassword: boolean }
  | { passwordRequired: true; wrongPassword: boolean };

export interface Api {
  /** Endpoint name (the last path segment) -> handler. */
  endpoints: Record<string, Handler>;
  /**
   * Opens a share link (the sandbox's link page): enforces startline, deadline, access_limit and password, and counts
   * the visit. Throws 404 (unknown code), 403 40303 (not active yet / expired / visits used up); answers
   * `passwordRequired` (no visit counted) when the link has a password and `password` is missing or wrong.
   */
  openLink(code: string, password: string | undefined): OpenedLink;
}

export function createApi(ctx: ApiContext): Api {
  const { lib, urls, uploads } = ctx;

  /** Node by `fullpath` or `hash` (one of them is required). */
  const ref = (p: Params): Node => {
    if (p.fullpath) return lib.require(p.fullpath);
    if (p.hash) {
      const n = lib.byHash(p.hash);
      if (!n) throw err.notFound();
      return n;
    }
    throw err.param('fullpath or hash is required');
  };
  const file = (n: Node): Node => {
    if (n.dir) throw err.param('a file is required, got a folder');
    return n;
  };
  const folder = (fullpath: string): string => {
    const path = normalizePath(fullpath);
    if (!lib.isFolder(path)) throw lib.get(path) ? err.param('a folder is required, got a file') : err.notFound('folder not found');
    return path;
  };
  /** Enforced only for an op_id with explicitly set permissions (the API itself acts with full rights). */
  const allow = (p: Params, fullpath: string, permission: string): void => {
    if (!p.op_id) return;
    const perms = lib.memberPermissions(fullpath, p.op_id);
    if (perms && !perms.includes(permission)) throw err.permission(permission);
  };

  // --- copy queue: folders copy asynchronously; each queue_status poll advances 0 -> 1 -> 2 ---
  interface QueueItem { from: Node; to: string; member: string; hash: string; keep: boolean; polls: number; status: 0 | 1 | 2 | 3; add: number; start: number; finish: number }
  const queues = new Map<string, QueueItem>();
  const copyNode = (src: Node, dest: string, member: string, keep: boolean): Record<string, unknown> => {
    if (!src.dir) {
      const n = lib.copy(src, dest, member, { keepAttributes: keep });
      return { hash: n.hash, fullpath: n.fullpath };
    }
    const id = lib.newId('queue');
    const hash = lib.newId('node');
    queues.set(id, { from: src, to: dest, member, hash, keep, polls: 0, status: 0, add: lib.nowSec(), start: 0, finish: 0 });
    return { hash, fullpath: dest, queue_id: id };
  };
  const runQueue = (q: QueueItem): void => {
    q.polls++;
    if (q.status >= 2) return;
    if (q.polls === 1) return;
    if (q.polls === 2) {
      q.status = 1;
      q.start = lib.nowSec();
      return;
    }
    try {
      if (!lib.nodes.has(q.from.fullpath) || lib.nodes.get(q.from.fullpath) !== q.from || lib.get(q.to)) throw err.exists();
      lib.copy(q.from, q.to, q.member, { keepAttributes: q.keep, topHash: q.hash });
      q.status = 2;
    } catch {
      q.status = 3;
    }
    q.finish = lib.nowSec();
  };

  // --- links ---
  interface Link { code: string; hash: string; deadline: number; password: string; auth: string; startline: number; accessLimit: number; visits: number }
  const links = new Map<string, Link>();
  const linkUrl = (code: string): string => `${ctx.host}/link/${code}`;

  const removeByTag = (tags: string[], path: string, destroy: boolean, member: string): void => {
    const scope = folder(path);
    const hits = lib.descendants(scope).filter((n) => n.tags.some((t) => tags.includes(t)));
    for (const n of hits) if (lib.nodes.get(n.fullpath) === n) lib.remove(n.fullpath, member, destroy);
  };

  const openLink: Api['openLink'] = (code, password) => {
    const l = links.get(code);
    const node = l && lib.byHash(l.hash);
    if (!l || !node) throw err.noSuchId('link');
    const now = lib.nowSec();
    if (l.startline > now) throw err.expired('link is not active yet');
    if (l.deadline !== -1 && l.deadline < now) throw err.expired();
    if (l.accessLimit > 0 && l.visits >= l.accessLimit) throw err.expired('link access limit reached');
    if (l.password !== '' && password !== l.password) return { passwordRequired: true, wrongPassword: password !== undefined && password !== '' };
    l.visits++;
    return { node, auth: l.auth, hasPassword: l.password !== '' };
  };

  const endpoints: Record<string, Handler> = {
    ls(p) {
      const path = folder(p.fullpath ?? '');
      let items: Node[];
      if (p.hashs) {
        const wanted = new Set(split(p.hashs, ','));
        items = lib.descendants(path).filter((n) => wanted.has(n.hash));
      } else if (p.tag) {
        const tags = split(p.tag, ';');
        items = lib.descendants(path).filter((n) => n.tags.some((t) => tags.includes(t)));
      } else {
        items = lib.children(path);
      }
      const r = page(items, p, 100);
      return { count: r.count, list: r.list.map((n) => fileJson(n)) };
    },

    updates(p) {
      const fetch = int(p, 'fetch_dateline', 0);
      const compare = p.mode === 'compare';
      const dir = p.dir === undefined || p.dir === '' ? undefined : p.dir === '1';
      let ops = [...lib.ops.values()].filter((o) => dir === undefined || o.node.dir === dir);
      if (compare) {
        ops = ops.filter((o) => o.ms > fetch).sort((a, b) => a.ms - b.ms);
      } else {
        ops = ops.filter((o) => !o.deleted && (fetch === 0 || o.ms < fetch)).sort((a, b) => b.ms - a.ms);
      }
      ops = ops.slice(0, 100);
      const last = ops[ops.length - 1];
      return {
        fetch_dateline: last ? last.ms : fetch,
        list: ops.map((o) => ({ ...fileJson(o.node, o.fullpath), ...(compare ? { cmd: o.deleted ? 0 : 1 } : {}) })),
      };
    },

    updates_count(p) {
      const begin = Number(required(p, 'begin_dateline'));
      const end = Number(required(p, 'end_dateline'));
      if (!Number.isFinite(begin) || !Number.isFinite(end)) throw err.param('begin_dateline/end_dateline must be numbers');
      const showdel = flag(p, 'showdel');
      let count = 0;
      for (const o of lib.ops.values()) if (o.ms >= begin && o.ms <= end && (showdel || !o.deleted)) count++;
      return { count };
    },

    download_url(p) {
      const n = file(ref(p));
      allow(p, n.fullpath, 'file_read');
      const filehash = p.filehash || n.filehash;
      if (!n.history.some((h) => h.filehash === filehash) || !lib.blobs.has(filehash)) throw err.notFound('version not found');
      return { urls: [urls.download({ filehash, filename: p.filename || nameOf(n.fullpath), open: flag(p, 'open') })] };
    },

    preview_url(p) {
      const n = file(ref(p));
      allow(p, n.fullpath, 'file_preview');
      const url = urls.page('preview', { hash: n.hash, readonly: true }, 10 * 60 * 1000);
      return flag(p, 'thumbnail') && IMAGE_EXT.test(n.fullpath) ? { url, thumbnail: url } : { url };
    },

    cedit_url(p) {
      if (!p.op_id && !p.out_id && !p.account) throw err.param('op_id, out_id or account is required');
      const n = file(ref(p));
      if (!OFFICE_EXT.test(n.fullpath)) throw err.param('collaborative editing supports Office documents only');
      const timeout = int(p, 'timeout', 3600);
      return { url: urls.page('cedit', { hash: n.hash, readonly: flag(p, 'readonly') }, timeout * 1000) };
    },

    info(p) {
      const n = ref(p);
      let filehash = n.filehash;
      let filesize = n.filesize;
      if (p.hid) {
        const h = n.history.find((x) => x.hid === p.hid);
        if (!h) throw err.notFound('version not found');
        filehash = h.filehash;
        filesize = h.filesize;
      }
      const basic = { hash: n.hash, dir: n.dir ? 1 : 0, fullpath: n.fullpath, filename: nameOf(n.fullpath), filehash: n.dir ? '' : filehash, filesize: n.dir ? 0 : filesize };
      if (p.attribute === '10') return basic;
      const out: Record<string, unknown> = {
        ...fileJson(n),
        ...basic,
        uri: n.dir ? '' : urls.download({ filehash, filename: nameOf(n.fullpath), open: false }),
        preview: n.dir ? '' : urls.page('preview', { hash: n.hash, readonly: true }, 10 * 60 * 1000),
        thumbnail: '',
        tag: n.tags.join(';'),
        lock: n.lockedBy !== undefined ? 1 : 0,
        metadata: n.metadata,
      };
      if (n.dir) {
        const inside = lib.descendants(n.fullpath);
        const children = lib.children(n.fullpath);
        out.file_count = children.filter((c) => !c.dir).length;
        out.folder_count = children.filter((c) => c.dir).length;
        out.files_size = inside.reduce((s, c) => s + (c.dir ? 0 : c.filesize), 0);
      }
      for (const key of split(p.ignores, ',')) delete out[key === 'url' ? 'uri' : key];
      return out;
    },

    search(p) {
      const keywords = required(p, 'keywords').toLowerCase();
      const path = folder(p.path ?? '');
      let scope: unknown = ['filename', 'tag'];
      if (p.scope) {
        try {
          scope = JSON.parse(p.scope);
        } catch {
          scope = split(p.scope, ','); // lenient: also accept "filename,tag"
        }
      }
      if (!Array.isArray(scope)) throw err.param('scope must be a JSON array string');
      const hits = lib.descendants(path).filter((n) => {
        if (scope.includes('filename') && nameOf(n.fullpath).toLowerCase().includes(keywords)) return true;
        if (scope.includes('tag') && n.tags.some((t) => t.toLowerCase().includes(keywords))) return true;
        if (scope.includes('content') && !n.dir) {
          const blob = lib.blobs.get(n.filehash);
          if (blob?.inMemory && blob.size <= 1024 * 1024) return blob.read(0, blob.size).toString('utf8').toLowerCase().includes(keywords);
        }
        return false;
      });
      const r = page(hits, p, 100);
      return { count: r.count, list: r.list.map((n) => fileJson(n)) };
    },

    create_folder(p) {
      const path = normalizePath(required(p, 'fullpath'));
      if (path === '') throw err.param('fullpath is required');
      allow(p, parentOf(path), 'file_upload');
      const n = lib.ensureFolder(path, operatorName(p))!;
      return { hash: n.hash, fullpath: n.fullpath };
    },

    create_file(p) {
      let fullpath = normalizePath(required(p, 'fullpath'));
      // The reference is explicit: "文件内容sha1值, 40字节, 英文字母小写" (40 characters, lowercase letters).
      const filehash = required(p, 'filehash');
      if (!/^[0-9a-f]{40}$/.test(filehash)) throw err.param('filehash must be the sha1 as 40 lowercase hex digits');
      const filesize = int(p, 'filesize', -1);
      if (filesize < 0) throw err.param('filesize is required');
      const overwrite = flag(p, 'overwrite');
      const member = operatorName(p);
      let existing = lib.get(fullpath);
      if (existing && (existing.dir || !overwrite)) {
        fullpath = lib.uniquePath(fullpath);
        existing = undefined;
      }
      if (existing) {
        allow(p, fullpath, 'file_write');
        lib.assertWritable(existing, member);
      } else {
        allow(p, parentOf(fullpath), 'file_upload');
      }
      if (lib.stat().size + filesize - (existing?.filesize ?? 0) > lib.capacity) throw err.quota();
      const pending = { hash: existing?.hash ?? lib.newId('node'), fullpath, filehash, filesize, overwrite, member };
      const known = lib.blobs.get(filehash);
      if (known && known.size === filesize) {
        const r = uploads.commitKnown(pending);
        return { hash: r.hash, fullpath: r.fullpath, state: 1, server: ctx.uploadServer };
      }
      uploads.announce(pending);
      return { hash: pending.hash, fullpath, state: 0, server: ctx.uploadServer };
    },

    upload_servers(p) {
      required(p, 'fullpath');
      const timeout = int(p, 'timeout', 300);
      return { 'm-upload': [ctx.uploadServer], key: uploads.newWebKey(timeout) };
    },

    copy(p) {
      const src = lib.require(required(p, 'from_fullpath'));
      let dest = normalizePath(required(p, 'fullpath'));
      const member = operatorName(p);
      if (src.dir && (dest === src.fullpath || dest.startsWith(src.fullpath + '/'))) throw err.param('cannot copy a folder into itself');
      folder(parentOf(dest));
      allow(p, parentOf(dest), 'file_upload');
      const existing = lib.get(dest);
      if (existing && flag(p, 'overwrite')) {
        if (!existing.dir && !src.dir) {
          const n = lib.putContent(dest, lib.blobOf(src), member, { overwrite: true });
          return { hash: n.hash, fullpath: n.fullpath };
        }
        lib.remove(dest, member, false);
      } else if (existing) {
        dest = lib.uniquePath(dest);
      }
      return copyNode(src, dest, member, false);
    },

    mcopy(p) {
      const sources = split(p.from_fullpaths, '|').map((f) => lib.require(f));
      const targets = split(p.paths, '|').map(folder);
      if (sources.length === 0 || targets.length === 0) throw err.param('from_fullpaths and paths are required');
      const member = operatorName(p);
      const out: unknown[] = [];
      for (const target of targets) {
        for (const src of sources) {
          const dest = lib.uniquePath(target ? `${target}/${nameOf(src.fullpath)}` : nameOf(src.fullpath));
          if (src.dir && dest.startsWith(src.fullpath + '/')) throw err.param('cannot copy a folder into itself');
          out.push(copyNode(src, dest, member, flag(p, 'copy_all')));
        }
      }
      return out;
    },

    move(p) {
      const from = required(p, 'fullpath');
      allow(p, from, 'file_delete');
      lib.move(from, required(p, 'dest_fullpath'), operatorName(p));
      return {};
    },

    del(p) {
      const destroy = flag(p, 'destroy');
      if (p.fullpath) {
        allow(p, p.fullpath, 'file_delete');
        lib.remove(p.fullpath, operatorName(p), destroy);
      } else if (p.tag) {
        removeByTag(split(p.tag, ';'), p.path ?? '', destroy, operatorName(p));
      } else {
        throw err.param('fullpath or tag is required');
      }
      return {};
    },

    del_completely(p) {
      const member = operatorName(p);
      if (p.fullpaths) {
        for (const f of split(p.fullpaths, '|')) {
          if (lib.purgeFromBin(f)) continue;
          lib.remove(f, member, true);
        }
      } else if (p.tag) {
        const tags = split(p.tag, ';');
        removeByTag(tags, '', true, member);
        for (const b of [...lib.bin]) if (b.top.tags.some((t) => tags.includes(t))) lib.purgeFromBin(b.top.fullpath);
      } else {
        throw err.param('fullpaths or tag is required');
      }
      return {};
    },

    recycle(p) {
      const keyword = (p.keyword ?? '').toLowerCase();
      const items = [...lib.bin].reverse().filter((b) => nameOf(b.top.fullpath).toLowerCase().includes(keyword));
      const r = page(items, p, 100);
      return {
        count: r.count,
        list: r.list.map((b) => {
          const { property: _property, ...rest } = fileJson(b.top);
          return rest;
        }),
      };
    },

    recover(p) {
      const paths = split(p.fullpaths, '|');
      if (paths.length === 0) throw err.param('fullpaths is required');
      for (const f of paths) lib.recover(f, operatorName(p));
      return {};
    },

    history(p) {
      const n = file(lib.require(required(p, 'fullpath')));
      const items = [...n.history].reverse().map((h) => ({
        hid: h.hid, act: h.act, act_name: h.act_name, dir: 0, hash: n.hash, fullpath: n.fullpath, filename: nameOf(n.fullpath),
        filehash: h.filehash, filesize: h.filesize, member_id: h.member_id, member_name: h.member_name, dateline: h.dateline,
        property: '{"machine":"sandbox"}',
      }));
      return page(items, p, 20);
    },

    link(p) {
      const n = lib.require(required(p, 'fullpath'));
      allow(p, n.fullpath, 'file_link');
      // The API doc only says `dir`: "是否文件夹 1是 0不是 默认 0". Assumption: the real service builds a file link or
      // a folder link from it and refuses one that does not match the target (a folder shared as a file link would
      // not open), so the sandbox answers 400 / 40001 to make a client that sends the wrong `dir` fail in tests.
      const dir = int(p, 'dir', 0);
      if (dir > 1) throw err.param('dir must be 0 or 1');
      if ((dir === 1) !== n.dir) throw err.param(n.dir ? 'fullpath is a folder: dir=1 is required' : 'fullpath is a file: dir=1 is not allowed');
      const auth = p.auth || 'preview';
      if (!['preview', 'download', 'upload'].includes(auth)) throw err.param('auth must be preview, download or upload');
      const code = crypto.randomBytes(6).toString('hex');
      const deadline = p.deadline ? Number(p.deadline) : lib.nowSec() + 48 * 3600;
      if (!Number.isInteger(deadline)) throw err.param('deadline must be a unix timestamp');
      const startline = int(p, 'startline', 0);
      const accessLimit = int(p, 'access_limit', 0);
      links.set(code, { code, hash: n.hash, deadline, password: p.password ?? '', auth, startline, accessLimit, visits: 0 });
      lib.changed(n);
      return { link: linkUrl(code), code };
    },

    link_close(p) {
      if (p.code) {
        if (!links.delete(p.code)) throw err.noSuchId('link code');
      } else if (p.fullpath) {
        const n = lib.require(p.fullpath);
        for (const [code, l] of links) if (l.hash === n.hash) links.delete(code);
      } else {
        throw err.param('code or fullpath is required');
      }
      return {};
    },

    links(p) {
      const out: unknown[] = [];
      for (const l of links.values()) {
        const n = lib.byHash(l.hash);
        if (!n || (flag(p, 'file') && n.dir)) continue;
        out.push({
          filename: nameOf(n.fullpath), filesize: n.dir ? 0 : n.filesize, link: linkUrl(l.code), deadline: l.deadline,
          password: l.password ? 1 : 0, fullpath: n.fullpath, code: l.code,
        });
      }
      return out;
    },

    lock(p) {
      const n = lib.require(required(p, 'fullpath'));
      const action = required(p, 'lock');
      if (action !== 'lock' && action !== 'unlock') throw err.param('lock must be lock or unlock');
      lib.setLock(n, action === 'lock' ? operatorName(p) : undefined);
      return {};
    },

    set_permission_inherit(p) {
      const n = lib.require(folder(required(p, 'fullpath')));
      const inherit = required(p, 'inherit');
      if (inherit !== '0' && inherit !== '1') throw err.param('inherit must be 0 or 1');
      n.inherit = inherit === '1' ? 1 : 0;
      lib.changed(n);
      return {};
    },

    get_all_permission(p) {
      const n = lib.require(folder(required(p, 'fullpath')));
      return { members: n.members, groups: n.groups };
    },

    file_permission(p) {
      const n = lib.require(folder(required(p, 'fullpath')));
      const perms = jsonParam(p, 'permissions');
      if (!perms || typeof perms !== 'object' || Array.isArray(perms)) throw err.param('permissions must be a JSON object');
      const target = flag(p, 'is_group') ? n.groups : n.members;
      for (const [id, list] of Object.entries(perms as Record<string, unknown>)) {
        if (!Array.isArray(list) || list.some((x) => !ALL_PERMISSIONS.includes(x as string))) throw err.param(`invalid permissions for ${id}`);
        target[id] = [...new Set(list as string[])];
      }
      lib.changed(n);
      return {};
    },

    reset_permission(p) {
      const n = lib.require(folder(required(p, 'fullpath')));
      for (const id of split(p.members, ',')) delete n.members[id];
      for (const id of split(p.groups, ',')) delete n.groups[id];
      lib.changed(n);
      return {};
    },

    get_permission(p) {
      const n = lib.require(required(p, 'fullpath'));
      const who = p.member_id || p.out_id || p.account;
      if (who) return lib.memberPermissions(n.fullpath, who) ?? ALL_PERMISSIONS;
      const members: Record<string, string[]> = {};
      for (let path = n.fullpath; ; path = parentOf(path)) {
        const node = lib.get(path);
        if (node) for (const [id, list] of Object.entries(node.members)) members[id] ??= list;
        if (path === '' || node?.inherit === 0) break;
      }
      return { members };
    },

    add_tag(p) {
      const n = lib.require(required(p, 'fullpath'));
      lib.setTags(n, [...n.tags, ...split(required(p, 'tag'), ';')]);
      return {};
    },

    del_tag(p) {
      const n = lib.require(required(p, 'fullpath'));
      const remove = split(required(p, 'tag'), ';');
      lib.setTags(n, n.tags.filter((t) => !remove.includes(t)));
      return {};
    },

    set_metadata(p) {
      const n = ref(p);
      const key = required(p, 'key');
      const metadata = jsonParam(p, 'metadata');
      if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) throw err.param('metadata must be a JSON object');
      n.metadata[key] = { ...n.metadata[key], ...(metadata as Record<string, unknown>) };
      lib.changed(n);
      return {};
    },

    del_metadata(p) {
      const n = ref(p);
      delete n.metadata[required(p, 'key')];
      lib.changed(n);
      return {};
    },

    stat() {
      const s = lib.stat();
      return {
        org_id: 1, org_name: lib.name, mount_id: 1, capacity: lib.capacity, size: s.size, size_recycle: s.sizeRecycle,
        count_file: s.countFile, storage_point: 'sandbox',
      };
    },

    queue_status(p) {
      const q = queues.get(required(p, 'queue_id'));
      if (!q) throw err.noSuchId('queue_id');
      runQueue(q);
      return { status: q.status, fullpath: q.to, add_dateline: q.add, start_dateline: q.start, finish_dateline: q.finish };
    },
  };
  return { endpoints, openLink };
}
