import * as crypto from 'node:crypto';
import type { Blob } from '../common/blob';
import { err } from './errors';

/**
 * In-memory state of one Gokuai library: live entries keyed by fullpath, a content-addressed blob store, per-file
 * version history, the recycle bin and an operation log (one entry per hash, latest op time in ms) for `updates`.
 * Paths are '/'-separated without leading slash; '' is the root (never stored as a node).
 */

export interface HistoryItem {
  hid: string;
  act: number;
  act_name: string;
  fullpath: string;
  filehash: string;
  filesize: number;
  member_id: number;
  member_name: string;
  /** Unix seconds. */
  dateline: number;
}

export interface Node {
  hash: string;
  dir: boolean;
  fullpath: string;
  filehash: string;
  filesize: number;
  createMember: string;
  createDateline: number;
  lastMember: string;
  lastDateline: number;
  tags: string[];
  /** template key -> attributes */
  metadata: Record<string, Record<string, unknown>>;
  lockedBy?: string;
  inherit: 0 | 1;
  members: Record<string, string[]>;
  groups: Record<string, string[]>;
  /** Content versions, oldest first (files only). */
  history: HistoryItem[];
}

export interface BinItem {
  top: Node;
  /** top plus its descendants, with the fullpaths they had when deleted. */
  nodes: Node[];
  deletedAt: number;
}

export interface OpEntry {
  ms: number;
  deleted: boolean;
  node: Node;
  /** fullpath at the time of the op (a deleted node keeps the path it had). */
  fullpath: string;
}

export const ACT = {
  create: { act: 1, name: '新建' },
  edit: { act: 3, name: '编辑' },
  recover: { act: 6, name: '恢复' },
} as const;

/** Member shown when a request names no operator. */
export const DEFAULT_MEMBER = '管理员 Admin';
/** Member name used by control.writeFile / lockFile and the control routes when none is given. */
export const OTHER_MEMBER = '同事 Colleague';

/** Display name of the operator named by `op_name` / `op_id` (the API acts with full rights either way). */
export function operatorName(p: { op_name?: string; op_id?: string }): string {
  return p.op_name || (p.op_id ? `member ${p.op_id}` : DEFAULT_MEMBER);
}

/**
 * `a//b/` -> `a/b`. A `.` or `..` segment is refused (400 / 40001): the reference only says a fullpath is the
 * "完整路径" in the library and is silent on dot segments, so this is the sandbox's choice. Stored literally they
 * would be entries no client can address again (every client normalises them away), and resolving them would let a
 * path climb out of the folder it names; the kdocs sandbox refuses such names too.
 */
export function normalizePath(p: string): string {
  const segments = p.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) throw err.param('fullpath must not contain "." or ".." segments');
  return segments.join('/');
}
export function parentOf(fullpath: string): string {
  const i = fullpath.lastIndexOf('/');
  return i < 0 ? '' : fullpath.slice(0, i);
}
export function nameOf(fullpath: string): string {
  return fullpath.slice(fullpath.lastIndexOf('/') + 1);
}
function joinPath(parent: string, name: string): string {
  return parent ? `${parent}/${name}` : name;
}
function isUnder(fullpath: string, folder: string): boolean {
  return folder === '' || fullpath.startsWith(folder + '/');
}
/** Code-point order, folders first: deterministic listing. */
function compareNodes(a: Node, b: Node): number {
  if (a.dir !== b.dir) return a.dir ? -1 : 1;
  const x = nameOf(a.fullpath);
  const y = nameOf(b.fullpath);
  return x < y ? -1 : x > y ? 1 : 0;
}

export class Library {
  readonly nodes = new Map<string, Node>();
  readonly blobs = new Map<string, Blob>();
  readonly bin: BinItem[] = [];
  readonly ops = new Map<string, OpEntry>();
  private lastOpMs = 0;
  private frozenMs?: number;
  private counter = 0;

  constructor(readonly name: string, readonly capacity: number) {}

  // --- clock ---
  nowMs(): number {
    return this.frozenMs ?? Date.now();
  }
  nowSec(): number {
    return Math.floor(this.nowMs() / 1000);
  }
  /** Runs `fn` as if the wall clock were `ms` (used by the seed to create history in the past). */
  at<T>(ms: number, fn: () => T): T {
    this.frozenMs = ms;
    try {
      return fn();
    } finally {
      this.frozenMs = undefined;
    }
  }
  private touch(node: Node, deleted = false): void {
    const ms = Math.max(this.nowMs(), this.lastOpMs + 1); // unique, increasing: `updates` pages by ms
    this.lastOpMs = ms;
    this.ops.set(node.hash, { ms, deleted, node, fullpath: node.fullpath });
  }

  newId(kind: string): string {
    return crypto.createHash('sha1').update(`${kind}-${++this.counter}`).digest('hex');
  }

  // --- lookup ---
  get(fullpath: string): Node | undefined {
    return this.nodes.get(normalizePath(fullpath));
  }
  /** Node or 404. */
  require(fullpath: string): Node {
    const node = this.get(fullpath);
    if (!node) throw err.notFound();
    return node;
  }
  byHash(hash: string): Node | undefined {
    for (const n of this.nodes.values()) if (n.hash === hash) return n;
    return undefined;
  }
  isFolder(fullpath: string): boolean {
    return fullpath === '' || this.get(fullpath)?.dir === true;
  }
  children(folder: string): Node[] {
    return [...this.nodes.values()].filter((n) => parentOf(n.fullpath) === folder).sort(compareNodes);
  }
  descendants(folder: string): Node[] {
    return [...this.nodes.values()].filter((n) => isUnder(n.fullpath, folder)).sort(compareNodes);
  }
  blobOf(node: Node, filehash?: string): Blob {
    const blob = this.blobs.get(filehash ?? node.filehash);
    if (!blob || node.dir) throw err.notFound();
    return blob;
  }

  /** `a.txt` -> `a (1).txt` ... until the name is free ("文件名后增加数字标识"). */
  uniquePath(fullpath: string): string {
    if (!this.nodes.has(fullpath)) return fullpath;
    const parent = parentOf(fullpath);
    const name = nameOf(fullpath);
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 1; ; n++) {
      const candidate = joinPath(parent, `${stem} (${n})${ext}`);
      if (!this.nodes.has(candidate)) return candidate;
    }
  }

  // --- writes ---
  private makeNode(fullpath: string, dir: boolean, member: string, hash?: string): Node {
    const now = this.nowSec();
    return {
      hash: hash ?? this.newId('node'),
      dir,
      fullpath,
      filehash: '',
      filesize: 0,
      createMember: member,
      createDateline: now,
      lastMember: member,
      lastDateline: now,
      tags: [],
      metadata: {},
      inherit: 1,
      members: {},
      groups: {},
      history: [],
    };
  }

  /** mkdir -p; returns the folder node (existing or new). A file in the way -> 409. */
  ensureFolder(fullpath: string, member: string): Node | undefined {
    fullpath = normalizePath(fullpath);
    if (fullpath === '') return undefined;
    const existing = this.nodes.get(fullpath);
    if (existing) {
      if (!existing.dir) throw err.exists('a file with this name exists');
      return existing;
    }
    this.ensureFolder(parentOf(fullpath), member);
    const node = this.makeNode(fullpath, true, member);
    this.nodes.set(fullpath, node);
    this.touch(node);
    return node;
  }

  addBlob(blob: Blob): void {
    if (!this.blobs.has(blob.sha1)) this.blobs.set(blob.sha1, blob);
  }

  /** Locked by somebody other than `member` -> 423. Folders check every locked file inside. */
  assertWritable(node: Node, member: string): void {
    const nodes = node.dir ? this.descendants(node.fullpath) : [node];
    for (const n of nodes) if (n.lockedBy !== undefined && n.lockedBy !== member) throw err.locked(n.lockedBy);
  }

  /**
   * Creates or replaces file content. `overwrite: false` and the name exists -> auto-renamed. Replacing appends a
   * version to the history and keeps the hash. `hash` chooses the hash of a new file (the one create_file announced).
   */
  putContent(fullpath: string, blob: Blob, member: string, opts: { overwrite: boolean; hash?: string }): Node {
    fullpath = normalizePath(fullpath);
    if (fullpath === '') throw err.param('fullpath is required');
    let node = this.nodes.get(fullpath);
    if (node && (node.dir || !opts.overwrite)) {
      fullpath = this.uniquePath(fullpath);
      node = undefined;
    }
    const growth = blob.size - (node ? node.filesize : 0);
    if (growth > 0 && this.stat().size + growth > this.capacity) throw err.quota();
    this.addBlob(blob);
    if (node) {
      this.assertWritable(node, member);
    } else {
      this.ensureFolder(parentOf(fullpath), member);
      node = this.makeNode(fullpath, false, member, opts.hash && !this.byHash(opts.hash) ? opts.hash : undefined);
      this.nodes.set(fullpath, node);
    }
    this.setContent(node, blob, member, node.history.length === 0 ? ACT.create : ACT.edit);
    return node;
  }

  private setContent(node: Node, blob: Blob, member: string, act: { act: number; name: string }): void {
    node.filehash = blob.sha1;
    node.filesize = blob.size;
    node.lastMember = member;
    node.lastDateline = this.nowSec();
    node.history.push({
      hid: this.newId('hid'),
      act: act.act,
      act_name: act.name,
      fullpath: node.fullpath,
      filehash: blob.sha1,
      filesize: blob.size,
      member_id: 0,
      member_name: member,
      dateline: node.lastDateline,
    });
    this.touch(node);
  }

  /** Rename/move; the hash (and everything else) stays. Existing target -> 409. */
  move(from: string, to: string, member: string): Node {
    const node = this.require(from);
    to = normalizePath(to);
    if (to === '') throw err.param('dest_fullpath is required');
    if (to === node.fullpath) return node;
    if (this.nodes.has(to)) throw err.exists();
    if (node.dir && isUnder(to, node.fullpath)) throw err.param('cannot move a folder into itself');
    if (!this.isFolder(parentOf(to))) throw err.notFound('destination folder not found');
    this.assertWritable(node, member);
    const old = node.fullpath;
    for (const n of [node, ...(node.dir ? this.descendants(old) : [])]) {
      this.nodes.delete(n.fullpath);
      n.fullpath = to + n.fullpath.slice(old.length);
      this.nodes.set(n.fullpath, n);
      this.touch(n);
    }
    node.lastMember = member;
    return node;
  }

  /** Copies a file or folder tree to `to` (already decided by the caller). New hashes, shared blobs. */
  copy(from: Node, to: string, member: string, opts: { keepAttributes?: boolean; topHash?: string } = {}): Node {
    const keepAttributes = opts.keepAttributes === true;
    const sources = [from, ...(from.dir ? this.descendants(from.fullpath) : [])];
    const base = from.fullpath;
    let top: Node | undefined;
    this.ensureFolder(parentOf(to), member);
    for (const src of sources) {
      const path = to + src.fullpath.slice(base.length);
      const existing = this.nodes.get(path);
      if (existing && existing.dir && src.dir) {
        top ??= existing;
        continue;
      }
      const hash = src === from && opts.topHash && !this.byHash(opts.topHash) ? opts.topHash : undefined;
      const node = this.makeNode(path, src.dir, keepAttributes ? src.createMember : member, hash);
      if (keepAttributes) node.tags = [...src.tags];
      this.nodes.set(path, node);
      if (src.dir) this.touch(node);
      else this.setContent(node, this.blobOf(src), member, ACT.create);
      top ??= node;
    }
    return top!;
  }

  /** Deletes to the recycle bin, or for good with `destroy`. */
  remove(fullpath: string, member: string, destroy: boolean): void {
    const node = this.require(fullpath);
    this.assertWritable(node, member);
    const nodes = [node, ...(node.dir ? this.descendants(node.fullpath) : [])];
    for (const n of nodes) {
      this.nodes.delete(n.fullpath);
      this.touch(n, true);
    }
    if (!destroy) this.bin.push({ top: node, nodes, deletedAt: this.nowSec() });
  }

  /** Restores the most recently deleted item with this path. A taken name is auto-renamed. */
  recover(fullpath: string, member: string): Node {
    fullpath = normalizePath(fullpath);
    let i = -1;
    for (let j = this.bin.length - 1; j >= 0 && i < 0; j--) if (this.bin[j].top.fullpath === fullpath) i = j;
    if (i < 0) throw err.notFound('not in recycle bin');
    const [item] = this.bin.splice(i, 1);
    const target = this.uniquePath(fullpath);
    this.ensureFolder(parentOf(target), member);
    for (const n of item.nodes) {
      n.fullpath = target + n.fullpath.slice(fullpath.length);
      this.nodes.set(n.fullpath, n);
      this.touch(n);
    }
    return item.top;
  }

  /** Removes bin items with this path; false when none. */
  purgeFromBin(fullpath: string): boolean {
    fullpath = normalizePath(fullpath);
    const before = this.bin.length;
    for (let j = this.bin.length - 1; j >= 0; j--) if (this.bin[j].top.fullpath === fullpath) this.bin.splice(j, 1);
    return this.bin.length !== before;
  }

  isInBin(fullpath: string): boolean {
    fullpath = normalizePath(fullpath);
    return this.bin.some((b) => b.nodes.some((n) => n.fullpath === fullpath));
  }

  // --- attributes (all count as an operation for `updates`) ---
  setTags(node: Node, tags: string[]): void {
    node.tags = [...new Set(tags)];
    this.touch(node);
  }
  setLock(node: Node, member: string | undefined): void {
    if (node.dir) throw err.param('only files can be locked');
    if (member !== undefined && node.lockedBy !== undefined && node.lockedBy !== member) throw err.locked(node.lockedBy);
    node.lockedBy = member;
    this.touch(node);
  }
  changed(node: Node): void {
    this.touch(node);
  }

  /**
   * Permissions explicitly set for a member on the node or, while inheriting, on its ancestors.
   * undefined = nothing set, i.e. the library default (full access).
   */
  memberPermissions(fullpath: string, memberId: string): string[] | undefined {
    for (let p = normalizePath(fullpath); ; p = parentOf(p)) {
      const node = this.nodes.get(p);
      if (node?.members[memberId]) return node.members[memberId];
      if ((node && node.inherit === 0) || p === '') return undefined;
    }
  }

  // --- stats ---
  stat(): { size: number; sizeRecycle: number; countFile: number } {
    let size = 0;
    let countFile = 0;
    for (const n of this.nodes.values()) {
      if (n.dir) continue;
      size += n.filesize;
      countFile++;
    }
    let sizeRecycle = 0;
    for (const b of this.bin) for (const n of b.nodes) sizeRecycle += n.dir ? 0 : n.filesize;
    return { size: size + sizeRecycle, sizeRecycle, countFile };
  }
}
