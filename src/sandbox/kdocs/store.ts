import * as crypto from 'node:crypto';
import type { Blob } from '../common/blob';
import { kerr } from './errors';

/** The two spaces of an account: the user's files (OAuth) and the app's space (WPS-2 signed). */
export type SpaceName = 'personal' | 'appspace';

/**
 * One kdocs file space (the user's personal documents, or the app space): entries keyed by token, each knowing its
 * parent token; a content-addressed blob store shared by all versions; a recycle bin (trashing a folder hides its
 * subtree). Names are unique among the live children of a folder: creating, uploading, copying or moving onto a taken
 * name picks `name (1).ext`; renaming onto a taken name is a conflict.
 */

export const ROOT = '0';

export interface Version {
  version: number;
  sha1: string;
  size: number;
  /** Unix seconds. */
  mtime: number;
  modifier: string;
}

export interface Share {
  sid: string;
  permission: 'read' | 'write';
  status: 'open' | 'close';
  extPermList: string[];
  /** Unix seconds, 0 = never. */
  expireTime: number;
  members: Map<string, 'read' | 'write'>;
}

export interface Entry {
  token: string;
  unionId: string;
  name: string;
  parent: string;
  dir: boolean;
  /** Content versions, oldest first (files only). */
  versions: Version[];
  ctime: number;
  mtime: number;
  creator: string;
  modifier: string;
  /** Set on the top entry of a trashed subtree. */
  trashedAt?: number;
  starred: boolean;
  /** Another user's file that was shared with this user (no share right). */
  owner?: string;
  share?: Share;
}

export function splitName(name: string): { base: string; ext: string } {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? { base: name.slice(0, dot), ext: name.slice(dot) } : { base: name, ext: '' };
}

export function validName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || /[/\\]/.test(name) || name === '.' || name === '..') {
    throw kerr.param('a valid file name is required');
  }
  return name;
}

export class Space {
  readonly entries = new Map<string, Entry>();
  readonly blobs = new Map<string, Blob>();
  /** Overridable clock (seed places history in the past). */
  now: () => number = () => Date.now();

  constructor(readonly label: string, readonly capacity: number) {
    const t = this.nowSec();
    this.entries.set(ROOT, { token: ROOT, unionId: ROOT, name: '', parent: '', dir: true, versions: [], ctime: t, mtime: t, creator: '', modifier: '', starred: false });
  }

  nowSec(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Runs `fn` with the clock set to `ms` (seed). */
  at<T>(ms: number, fn: () => T): T {
    const saved = this.now;
    this.now = () => ms;
    try {
      return fn();
    } finally {
      this.now = saved;
    }
  }

  newToken(): string {
    return crypto.randomBytes(12).toString('base64url');
  }

  /** True when the entry or one of its ancestors is in the recycle bin. */
  isTrashed(e: Entry): boolean {
    for (let cur: Entry | undefined = e; cur; cur = cur.parent ? this.entries.get(cur.parent) : undefined) {
      if (cur.trashedAt !== undefined) return true;
    }
    return false;
  }

  /** A live entry (not trashed) or 404. */
  live(token: string, what = 'file'): Entry {
    const e = this.entries.get(token);
    if (!e || e.token === ROOT || this.isTrashed(e)) throw kerr.notFound(what);
    return e;
  }

  /** A live folder token ('' / undefined = root). */
  folder(token: string | undefined): Entry {
    if (token === undefined || token === '' || token === ROOT) return this.entries.get(ROOT)!;
    const e = this.live(token, 'folder');
    if (!e.dir) throw kerr.param('parent is not a folder');
    return e;
  }

  children(parent: string): Entry[] {
    const out: Entry[] = [];
    for (const e of this.entries.values()) if (e.parent === parent && e.trashedAt === undefined && e.token !== ROOT) out.push(e);
    return out;
  }

  /** Live descendants of a folder (depth first). */
  descendants(parent: string): Entry[] {
    const out: Entry[] = [];
    for (const c of this.children(parent)) {
      out.push(c);
      if (c.dir) out.push(...this.descendants(c.token));
    }
    return out;
  }

  pathOf(e: Entry): string {
    const parts: string[] = [];
    for (let cur: Entry | undefined = e; cur && cur.token !== ROOT; cur = this.entries.get(cur.parent)) parts.unshift(cur.name);
    return parts.join('/');
  }

  /** Live entry at a '/'-separated path below `from` (root by default). */
  byPath(path: string, from = ROOT): Entry | undefined {
    let cur = this.entries.get(from);
    for (const name of path.split('/').filter((s) => s !== '')) {
      cur = cur && this.children(cur.token).find((c) => c.name === name);
    }
    return cur && cur.token !== ROOT ? cur : undefined;
  }

  /** Folder at path below `from`, created (with parents) when `create`. */
  folderByPath(names: string[], from: string, member: string, create: boolean): Entry {
    let cur = this.folder(from);
    for (const raw of names) {
      const name = validName(raw);
      let next = this.children(cur.token).find((c) => c.name === name);
      if (!next) {
        if (!create) throw kerr.notFound('folder');
        next = this.add(cur.token, name, true, member, undefined, { exactName: true });
      } else if (!next.dir) {
        throw kerr.param(`${name} is not a folder`);
      }
      cur = next;
    }
    return cur;
  }

  /** `name`, or `base (n).ext` when a live sibling already has it. */
  uniqueName(parent: string, name: string, except?: Entry): string {
    const taken = new Set(this.children(parent).filter((c) => c !== except).map((c) => c.name));
    if (!taken.has(name)) return name;
    const { base, ext } = splitName(name);
    for (let i = 1; ; i++) {
      const candidate = `${base} (${i})${ext}`;
      if (!taken.has(candidate)) return candidate;
    }
  }

  used(): number {
    let n = 0;
    for (const e of this.entries.values()) if (!e.dir) n += e.versions[e.versions.length - 1]?.size ?? 0;
    return n;
  }

  private storeBlob(blob: Blob): void {
    if (this.used() + blob.size > this.capacity) throw kerr.capacity();
    if (!this.blobs.has(blob.sha1)) this.blobs.set(blob.sha1, blob);
  }

  /** Creates a file (with content) or folder under `parent`; the name is made unique unless `exactName`. */
  add(parent: string, name: string, dir: boolean, member: string, blob?: Blob, opts: { exactName?: boolean } = {}): Entry {
    this.folder(parent);
    validName(name);
    const t = this.nowSec();
    const e: Entry = {
      token: this.newToken(), unionId: this.newToken(), name: opts.exactName ? name : this.uniqueName(parent, name), parent, dir,
      versions: [], ctime: t, mtime: t, creator: member, modifier: member, starred: false,
    };
    if (!dir) {
      if (!blob) throw kerr.param('content is required');
      this.storeBlob(blob);
      e.versions.push({ version: 1, sha1: blob.sha1, size: blob.size, mtime: t, modifier: member });
    }
    this.entries.set(e.token, e);
    this.touch(parent, member);
    return e;
  }

  /** New content version. */
  setContent(e: Entry, blob: Blob, member: string): Version {
    if (e.dir) throw kerr.param('a file is required');
    this.storeBlob(blob);
    const t = this.nowSec();
    const v: Version = { version: (e.versions[e.versions.length - 1]?.version ?? 0) + 1, sha1: blob.sha1, size: blob.size, mtime: t, modifier: member };
    e.versions.push(v);
    e.mtime = t;
    e.modifier = member;
    return v;
  }

  current(e: Entry): Version {
    const v = e.versions[e.versions.length - 1];
    if (!v) throw kerr.param('a file is required');
    return v;
  }

  blobOf(v: Version): Blob {
    const b = this.blobs.get(v.sha1);
    if (!b) throw kerr.notFound('content');
    return b;
  }

  rename(e: Entry, name: string, member: string): void {
    validName(name);
    if (this.children(e.parent).some((c) => c !== e && c.name === name)) throw kerr.conflict();
    e.name = name;
    e.mtime = this.nowSec();
    e.modifier = member;
  }

  move(e: Entry, parent: string, member: string): void {
    const target = this.folder(parent);
    for (let cur: Entry | undefined = target; cur; cur = this.entries.get(cur.parent)) {
      if (cur === e) throw kerr.conflict('cannot move a folder into itself');
    }
    if (e.parent === target.token) return;
    e.name = this.uniqueName(target.token, e.name, e);
    this.touch(e.parent, member);
    e.parent = target.token;
    this.touch(target.token, member);
  }

  /** Deep copy with new tokens; versions (and blobs) are shared, history restarts at the current content. */
  copy(e: Entry, parent: string, member: string, name = e.name): Entry {
    if (e.dir) {
      for (let cur: Entry | undefined = this.folder(parent); cur; cur = this.entries.get(cur.parent)) {
        if (cur === e) throw kerr.conflict('cannot copy a folder into itself');
      }
    }
    const children = e.dir ? this.children(e.token) : [];
    const top = this.add(parent, name, e.dir, member, e.dir ? undefined : this.blobOf(this.current(e)));
    for (const c of children) this.copy(c, top.token, member);
    return top;
  }

  trash(e: Entry, member: string): void {
    e.trashedAt = this.nowSec();
    this.touch(e.parent, member);
  }

  /** Trashed top entries, most recent first. */
  trashed(): Entry[] {
    return [...this.entries.values()].filter((e) => e.trashedAt !== undefined).sort((a, b) => (b.trashedAt ?? 0) - (a.trashedAt ?? 0));
  }

  trashedEntry(token: string): Entry {
    const e = this.entries.get(token);
    if (!e || e.trashedAt === undefined) throw kerr.notFound('recycle bin item');
    return e;
  }

  /** Back to its folder (or the root when that folder is gone), renamed if the name is taken meanwhile. */
  restore(e: Entry, member: string): void {
    const parent = this.entries.get(e.parent);
    if (!parent || this.isTrashed(parent)) e.parent = ROOT;
    e.trashedAt = undefined;
    e.name = this.uniqueName(e.parent, e.name, e);
    this.touch(e.parent, member);
  }

  /** Removes the entry and its subtree for good. */
  destroy(e: Entry): void {
    for (const c of [...this.entries.values()].filter((x) => x.parent === e.token)) this.destroy(c);
    this.entries.delete(e.token);
  }

  private touch(folder: string, member: string): void {
    const f = this.entries.get(folder);
    if (f && f.token !== ROOT) {
      f.mtime = this.nowSec();
      f.modifier = member;
    }
  }
}
