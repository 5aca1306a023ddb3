import * as vscode from 'vscode';
import { EntryCache } from '../core/entrycache';
import { ConflictError, isDocError, UnsupportedError } from '../core/errors';
import type { Logger } from '../core/log';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import { config } from './config';
import type { Conflicts } from './conflict';
import type { EditorSaves, SaveInProgress } from './saves';
import { ui } from './ui';
import { toFileSystemError } from './errors';
import { baseName, fromUri, refKey, type RemoteRef } from './uri';
import type { Mounted, VendorId } from './types';
import { writerOf } from './writable';

/** expectedVersion(): the version an open document started from is not known (ask before overwriting). */
const UNKNOWN = Symbol('unknown baseline');

/** Where a ref lives: its account's connection resolves the path onto a RemoteFs. */
export type Resolver = (ref: RemoteRef) => Promise<Mounted>;

export function toFileStat(e: Entry, readonly = false): vscode.FileStat {
  return {
    type: e.type === 'folder' ? vscode.FileType.Directory : vscode.FileType.File,
    ctime: e.ctime,
    mtime: e.mtime,
    size: e.size,
    permissions: readonly || e.readonly ? vscode.FilePermission.Readonly : undefined,
  };
}

/** A folder's entries as FileSystemProvider.readDirectory returns them (writable and read-only providers). */
export function directoryEntries(entries: readonly Entry[]): Array<[string, vscode.FileType]> {
  return entries.map((e): [string, vscode.FileType] => [e.name, toFileStat(e).type]);
}

/** Both ends of a copy or move: they must live in the same RemoteFs (same account, same space). */
export async function resolvePair(resolve: Resolver, from: RemoteRef, to: RemoteRef): Promise<{ from: Mounted; to: Mounted }> {
  if (from.scheme !== to.scheme || from.accountId !== to.accountId) {
    throw new UnsupportedError(vscode.l10n.t('Moving or copying between accounts is not supported.'));
  }
  const [a, b] = await Promise.all([resolve(from), resolve(to)]);
  if (a.fs !== b.fs) throw new UnsupportedError(vscode.l10n.t('Moving or copying between spaces is not supported.'));
  return { from: a, to: b };
}

/** What an editor started from: the server version it read, and the mtime and size VS Code saw with it. */
export interface Baseline { version: string; mtime: number; size: number }

/**
 * The baselines of the documents of this window, kept in the workspace's storage so that they survive a window
 * reload and hot exit: a dirty editor restored from its backup still saves conditionally (no silent overwrite).
 * Keyed by ref (refKey). An entry goes when its document is closed without unsaved changes; beyond MAX entries the
 * oldest of the files no editor shows go first. Writes to the storage are batched.
 */
export class BaselineStore implements vscode.Disposable {
  static readonly KEY = 'docWorkspaces.baselines';
  static readonly MAX = 2000;
  private readonly map: Map<string, Baseline>;
  private timer?: NodeJS.Timeout;

  /** `isOpen(key)`: an editor shows that file (its baseline is never dropped). */
  constructor(private readonly memento: vscode.Memento | undefined, private readonly isOpen: (key: string) => boolean = () => false) {
    const saved = memento?.get<Array<[string, Baseline]>>(BaselineStore.KEY) ?? [];
    this.map = new Map(saved.filter(([k, b]) => typeof k === 'string' && typeof b?.version === 'string'));
  }

  dispose(): void {
    if (this.timer) this.flush();
  }

  get(key: string): Baseline | undefined {
    return this.map.get(key);
  }

  set(key: string, b: Baseline): void {
    this.map.delete(key); // re-insert: the newest last
    this.map.set(key, b);
    if (this.map.size > BaselineStore.MAX) {
      for (const k of [...this.map.keys()]) {
        if (this.map.size <= BaselineStore.MAX) break;
        if (!this.isOpen(k)) this.map.delete(k);
      }
    }
    this.persist();
  }

  /** Removes `key` and everything below it (a deleted folder); with `to`, moves them there (a rename). */
  move(key: string, to?: string): void {
    let changed = false;
    for (const [k, v] of [...this.map]) {
      if (k !== key && !k.startsWith(key + '/')) continue;
      this.map.delete(k);
      if (to !== undefined) this.map.set(to + k.slice(key.length), v);
      changed = true;
    }
    if (changed) this.persist();
  }

  /** A document was closed with nothing unsaved: its baseline is not needed any more. */
  drop(key: string): void {
    if (this.map.delete(key)) this.persist();
  }

  private persist(): void {
    if (!this.memento || this.timer) return;
    this.timer = setTimeout(() => this.flush(), 250);
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    void this.memento?.update(BaselineStore.KEY, [...this.map]);
  }
}

/**
 * `<scheme>://<account>/<path>` of one vendor, backed by core RemoteFs (the account's connection says which one for a
 * path). Thin by design: path mapping, the baseline that makes saves conditional (no silent overwrite, see
 * conflict.ts for the one-prompt design), change events for our own operations, and error mapping in errors.ts.
 *
 * Requests per action (a request costs 50-200 ms): an EntryCache per account answers the stats VS Code makes around
 * an action when the answer is known — an entry in a fresh listing of its folder (opening a file from the Explorer,
 * the folder a new folder goes into), kept current by our own operations — and the Explorer's second readDirectory.
 * The stat of a file an editor has open always asks the server: VS Code compares it with what the editor loaded
 * before saving ("file is newer"), and a save checks against that answer when it has one (no second request). A read
 * that finds a newer version than the listing said tells VS Code the file changed.
 */
export class RemoteFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Auto-saves refused over a conflict: the server version the user was told about (once per change). */
  private readonly autoSaveNotified = new Map<string, string | undefined>();
  /** Per account: listings and our own operations' outcomes (see the class comment). */
  private readonly caches = new Map<string, EntryCache>();
  /** Stats answered from a listing, by key: readFile compares them with what it reads. */
  private readonly servedFromListing = new Map<string, Entry>();

  constructor(
    readonly scheme: string,
    private readonly vendor: VendorId,
    private readonly resolve: Resolver,
    private readonly conflicts: Conflicts,
    private readonly baselines: BaselineStore,
    private readonly saves: EditorSaves,
    private readonly log: Logger,
  ) {}

  dispose(): void {
    this.emitter.dispose();
  }

  /** Version this window's editors started from (undefined when never read or written here). */
  knownVersion(uri: vscode.Uri): string | undefined {
    return this.baselines.get(refKey(fromUri(uri)))?.version;
  }

  /** Fires change events for URIs changed by commands that bypass the provider (upload, restore...). */
  notify(changes: Array<{ uri: vscode.Uri; type: vscode.FileChangeType }>): void {
    for (const c of changes) {
      const ref = fromUri(c.uri);
      this.cacheOf(ref).forget(ref.path);
      if (c.type === vscode.FileChangeType.Deleted) this.baselines.move(refKey(ref));
    }
    if (changes.length) this.emitter.fire(changes);
  }

  /** Forgets every listing (Refresh): the next stat and readDirectory ask the server. */
  forgetListings(): void {
    for (const c of this.caches.values()) c.clear();
  }

  private cacheOf(ref: RemoteRef): EntryCache {
    const key = ref.accountId;
    let c = this.caches.get(key);
    if (!c) this.caches.set(key, (c = new EntryCache()));
    return c;
  }

  watch(): vscode.Disposable {
    // Our own operations fire events; remote changes are found by polling (see checkOpenDocuments).
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, 'stat', async (m, ref) => {
      const key = refKey(ref);
      const cache = this.cacheOf(ref);
      // The stat VS Code makes right after our write of this file: what we wrote (once).
      const written = cache.takeOwn(ref.path);
      if (written?.type === 'file') return toFileStat(written, !m.caps.write);
      // A folder, or a file no editor has open, as a fresh listing shows it. Never "nothing there" (a colleague's new
      // file must open), never an open file (VS Code compares this answer with what the editor loaded before saving).
      const known = cache.lookup(ref.path)?.entry;
      if (known && (known.type === 'folder' || !this.isOpen(ref))) {
        if (known.type === 'file') {
          if (this.servedFromListing.size >= 1000) this.servedFromListing.clear(); // stats never followed by a read
          this.servedFromListing.set(key, known);
        }
        return toFileStat(known, !m.caps.write);
      }
      const entry = await m.fs.stat(m.path);
      cache.saw(ref.path, entry);
      if (entry.type === 'file') this.saves.sawStat(key, entry);
      // A store without the write capability is read-only: VS Code opens its files read-only.
      return toFileStat(entry, !m.caps.write);
    });
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.run(uri, 'readDirectory', async (m, ref) => {
      const cache = this.cacheOf(ref);
      let entries = cache.listing(ref.path);
      if (!entries) {
        const generation = cache.generation(ref.path);
        cache.setListing(ref.path, (entries = await m.fs.listAll(m.path)), generation);
      }
      return directoryEntries(entries);
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, 'readFile', async (m, ref) => {
      const { data, entry } = await m.fs.read(m.path);
      this.cacheOf(ref).saw(ref.path, entry);
      const served = this.servedFromListing.get(refKey(ref));
      this.servedFromListing.delete(refKey(ref)); // one read per stat answered from a listing
      if (served?.version && entry.version && served.version !== entry.version) {
        // The listing was older than the file: VS Code holds the listing's mtime for this content. Telling it the file
        // changed makes it stat again (asking the server now that the editor is open) before any save compares them.
        setImmediate(() => this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]));
      }
      // A dirty editor's next save must be checked against the version that editor was loaded from. Anyone else
      // reading the file meanwhile (workspace search, another extension, a diff) must not move that baseline, or the
      // save would silently overwrite the colleague's change it just read.
      if (this.hasDirtyDocument(ref)) return data;
      // A clean editor showing an older version than this read found must show the new one too: its baseline moves
      // now, and an edit of the old text saved later would overwrite the change without a question.
      const before = this.baselines.get(refKey(ref));
      this.remember(ref, entry);
      if (before && entry.version && before.version !== entry.version && this.isOpen(ref)) {
        this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
      }
      return data;
    });
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, 'writeFile', async (m, ref) => {
      const { fs, path } = m;
      const key = refKey(ref);
      const name = baseName(ref.path);
      const writer = writerOf(m, name);
      const save = this.saves.take(key);
      const expected = await this.expectedVersion(uri, ref, fs, path, save);
      let entry: Entry;
      try {
        if (expected === UNKNOWN) throw new ConflictError(`the version ${name} started from is unknown`);
        // VS Code's pre-save stat of this save asked the server moments ago: the store checks against that answer.
        entry = await writer.write(path, content, { ...options, expectedVersion: expected, current: save?.stat });
      } catch (e) {
        if (!isDocError(e, 'Conflict')) throw e;
        const current = await this.current(fs, path);
        if (current && await this.sameAsRemote(fs, path, current, content)) {
          // Nothing would be overwritten: typically an earlier save of ours landed but its answer was lost.
          this.remember(ref, current);
          this.conflicts.resolved(uri);
          return;
        }
        const reason = !current ? 'deleted' : expected === UNKNOWN ? 'unknown' : 'changed';
        this.log.warn(`Save conflict on ${uri.toString()}: ${reason === 'unknown' ? 'unknown starting version' : reason === 'deleted' ? 'deleted on the server' : 'the server copy changed since it was read'}`);
        if (save && save.reason !== vscode.TextDocumentSaveReason.Manual) throw this.refuseAutoSave(key, name, current?.version);
        const choice = await this.conflicts.ask({ uri, name, serverVersion: current?.version, reason });
        // Throwing keeps the editor dirty and the remote untouched; VS Code shows the message in "Failed to save".
        if (choice === 'compare') throw vscode.FileSystemError.Unavailable(vscode.l10n.t("'{0}' was not saved: compare, then choose Overwrite Server Copy or Discard My Changes in the comparison's title.", name));
        if (choice !== 'overwrite') throw vscode.FileSystemError.Unavailable(vscode.l10n.t("'{0}' was not saved because it changed on the server. Save again to compare or overwrite.", name));
        // Over the version the user decided to overwrite: a change after that is a new conflict, not overwritten. A file
        // deleted on the server is made again (create, no overwrite: one that reappeared meanwhile is not replaced).
        if (!current) entry = await writer.write(path, content, { create: true, overwrite: false });
        else if (!current.version) throw vscode.FileSystemError.Unavailable(vscode.l10n.t("'{0}' was not saved: the server copy cannot be checked now. Try again.", name));
        else entry = await writer.write(path, content, { ...options, overwrite: true, expectedVersion: current.version });
      }
      this.remember(ref, entry);
      this.cacheOf(ref).learn(ref.path, entry);
      this.autoSaveNotified.delete(key);
      this.conflicts.resolved(uri);
      this.emitter.fire([{ type: expected === undefined && options.create ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri }]);
    });
  }

  /**
   * An auto-save met a conflict: no modal while the user types. The save is refused (the editor stays dirty) and one
   * notification per server change says how to go on.
   */
  private refuseAutoSave(key: string, name: string, serverVersion: string | undefined): vscode.FileSystemError {
    if (!this.autoSaveNotified.has(key) || this.autoSaveNotified.get(key) !== serverVersion) {
      this.autoSaveNotified.set(key, serverVersion);
      void ui().notify('warning', vscode.l10n.t("'{0}' changed on the server: your edits are no longer saved automatically. Save it (Ctrl+S) to compare or overwrite.", name));
    }
    return vscode.FileSystemError.Unavailable(vscode.l10n.t("'{0}' was not saved automatically because it changed on the server.", name));
  }

  /**
   * The version a save must find on the server, or UNKNOWN (ask), or undefined (unconditional: a new file, or a write
   * through the API of a file no editor has open).
   * - An overwrite the user approved in the Compare diff: the version that diff showed.
   * - VS Code's own check refused the previous attempt of this editor save over server version S and this attempt
   *   came through (the user chose Overwrite in VS Code's dialog): S, if VS Code's stat of this attempt still saw S.
   *   Asking again would be the second prompt for one conflict; a change after S is a new one and is asked about.
   * - Otherwise the baseline; without one, an open document is a possible conflict when the file exists.
   * A write through the API never counts as answered by VS Code's dialog.
   */
  private async expectedVersion(
    uri: vscode.Uri, ref: RemoteRef, fs: RemoteFs, path: string, save: SaveInProgress | undefined,
  ): Promise<string | undefined | typeof UNKNOWN> {
    const approval = this.conflicts.takeApproval(uri);
    if (approval?.version) return approval.version;
    if (save?.refusedOver && save.stat?.version === save.refusedOver) return save.refusedOver;
    const base = this.baselines.get(refKey(ref));
    if (base) return base.version;
    if (!this.isOpen(ref)) return undefined;
    return (await this.current(fs, path)) ? UNKNOWN : undefined;
  }

  /** The server's entry of a file now (undefined when it does not exist or cannot be read). */
  private async current(fs: RemoteFs, path: string): Promise<Entry | undefined> {
    try {
      const e = await fs.stat(path);
      return e.type === 'file' ? e : undefined;
    } catch (e) {
      this.log.debug(`Stat of ${path} for a conflict check failed`, e);
      return undefined;
    }
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, 'createDirectory', async (m, ref) => {
      // VS Code calls this only after its stat of the path found nothing.
      const entry = await writerOf(m, baseName(m.path)).mkdir(m.path, { targetAbsent: true });
      const cache = this.cacheOf(ref);
      cache.learn(ref.path, { ...entry, name: baseName(ref.path), type: 'folder' });
      cache.setListing(ref.path, []);
      this.emitter.fire([{ type: vscode.FileChangeType.Created, uri }]);
    });
  }

  /**
   * VS Code passes `useTrash: false` to every extension provider (they cannot declare the Trash capability), so the
   * flag carries no user intent. Deleting goes to the vendor's recycle bin unless the user set
   * `docWorkspaces.<vendor>.deletePermanently`; the "Delete permanently" command passes `permanent: true` itself.
   */
  delete(uri: vscode.Uri): Promise<void> {
    const permanent = config.deletePermanently(this.vendor);
    return this.run(uri, 'delete', async (m, ref) => {
      await writerOf(m, baseName(m.path)).delete(m.path, { permanent });
      this.baselines.move(refKey(ref));
      this.cacheOf(ref).learn(ref.path, undefined);
      this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(oldUri, 'rename', async (_m, ref) => {
      const to = fromUri(newUri);
      const pair = await resolvePair(this.resolve, ref, to);
      // Without overwrite, VS Code calls this only after its stat of the target found nothing.
      await writerOf(pair.from, baseName(ref.path)).rename(pair.from.path, pair.to.path, { ...options, targetAbsent: !options.overwrite });
      this.baselines.move(refKey(ref), refKey(to));
      const cache = this.cacheOf(ref);
      const moved = cache.lookup(ref.path)?.entry;
      cache.learn(ref.path, undefined);
      if (moved) cache.learn(to.path, { ...moved, name: baseName(to.path), path: pair.to.path });
      else cache.forget(to.path);
      this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri }]);
    });
  }

  copy(source: vscode.Uri, destination: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(source, 'copy', async (_m, ref) => {
      const pair = await resolvePair(this.resolve, ref, fromUri(destination));
      await writerOf(pair.from, baseName(ref.path)).copy(pair.from.path, pair.to.path, options);
      this.cacheOf(ref).forget(fromUri(destination).path);
      this.emitter.fire([{ type: vscode.FileChangeType.Created, uri: destination }]);
    });
  }

  /**
   * Optional remote-change polling: for open, unmodified documents whose server version differs from the one we read,
   * fire a change so VS Code reloads them. Dirty documents are left alone (their save will meet the conflict check).
   */
  async checkOpenDocuments(docs: readonly vscode.TextDocument[]): Promise<void> {
    const changed: vscode.FileChangeEvent[] = [];
    for (const doc of docs) {
      const known = this.knownVersion(doc.uri);
      if (doc.uri.scheme !== this.scheme || doc.isDirty || !known) continue;
      try {
        const m = await this.resolve(fromUri(doc.uri));
        const entry = await m.fs.stat(m.path);
        if (entry.version && entry.version !== known) changed.push({ type: vscode.FileChangeType.Changed, uri: doc.uri });
      } catch (e) {
        this.log.debug(`Polling ${doc.uri.toString()} failed`, e);
      }
    }
    this.notify(changed);
  }

  /** True when an open text or notebook document of this file has unsaved changes. */
  private hasDirtyDocument(ref: RemoteRef): boolean {
    return this.openDocuments(ref).some((d) => d.isDirty);
  }

  isOpen(ref: RemoteRef): boolean {
    return this.openDocuments(ref).length > 0;
  }

  private openDocuments(ref: RemoteRef): Array<{ isDirty: boolean }> {
    const key = refKey(ref);
    const mine = (uri: vscode.Uri) => uri.scheme === this.scheme && refKey(fromUri(uri)) === key;
    return [...vscode.workspace.textDocuments.filter((d) => mine(d.uri)), ...vscode.workspace.notebookDocuments.filter((d) => mine(d.uri))];
  }

  /** Whether the server holds exactly `content` (compared only when the sizes agree). */
  private async sameAsRemote(fs: RemoteFs, path: string, current: Entry, content: Uint8Array): Promise<boolean> {
    if (current.size !== content.byteLength) return false;
    try {
      const { data } = await fs.read(path);
      return Buffer.from(data).equals(content);
    } catch (e) {
      this.log.debug(`Comparing ${path} with the server copy failed`, e);
      return false;
    }
  }

  private remember(ref: RemoteRef, entry: Entry): void {
    if (entry.version) this.baselines.set(refKey(ref), { version: entry.version, mtime: entry.mtime, size: entry.size });
    else this.baselines.move(refKey(ref));
  }

  private async run<T>(uri: vscode.Uri, op: string, fn: (m: Mounted, ref: RemoteRef) => Promise<T>): Promise<T> {
    try {
      const ref = fromUri(uri);
      return await fn(await this.resolve(ref), ref);
    } catch (e) {
      const err = toFileSystemError(e, uri);
      // NotFound is routine (VS Code probes for .vscode/settings.json and friends): keep it out of the warnings.
      if (err.code === 'FileNotFound') this.log.trace(`${op} ${uri.toString()}: not found`);
      else this.log.warn(`${op} ${uri.toString()} failed`, e);
      throw err;
    }
  }
}
