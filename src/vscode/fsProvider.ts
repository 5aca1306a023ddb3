import * as vscode from 'vscode';
import { isDocError, UnsupportedError } from '../core/errors';
import type { Logger } from '../core/log';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import { config } from './config';
import type { ConflictResolver } from './conflict';
import { toFileSystemError } from './errors';
import { baseName, fromUri, refKey, type RemoteRef } from './uri';
import type { Mounted, VendorId } from './vendors/types';

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
export async function readDirectory(m: Mounted): Promise<Array<[string, vscode.FileType]>> {
  return (await m.fs.listAll(m.path)).map((e): [string, vscode.FileType] => [e.name, toFileStat(e).type]);
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

/**
 * `<scheme>://<account>/<path>` of one vendor, backed by core RemoteFs (the account's connection says which one for a
 * path). Thin by design: path mapping, the version memory that makes saves conditional (no silent overwrite), change
 * events for our own operations, and error mapping in errors.ts.
 *
 * stat() is never cached: VS Code compares the mtime it read with a fresh stat before saving ("file is newer"), and
 * that check only helps if the mtime is current.
 */
export class RemoteFileSystemProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;
  /** Version (Gokuai filehash...) last read or written per file: the `expectedVersion` of the next save. */
  private readonly versions = new Map<string, string>();

  constructor(
    readonly scheme: string,
    private readonly vendor: VendorId,
    private readonly resolve: Resolver,
    private readonly resolveConflict: ConflictResolver,
    private readonly log: Logger,
  ) {}

  dispose(): void {
    this.emitter.dispose();
  }

  /** Version this window last saw for a file (undefined when never read or written here). */
  knownVersion(uri: vscode.Uri): string | undefined {
    return this.versions.get(refKey(fromUri(uri)));
  }

  /** Fires change events for URIs changed by commands that bypass the provider (upload, restore...). */
  notify(changes: Array<{ uri: vscode.Uri; type: vscode.FileChangeType }>): void {
    for (const c of changes) if (c.type === vscode.FileChangeType.Deleted) this.forget(fromUri(c.uri));
    if (changes.length) this.emitter.fire(changes);
  }

  watch(): vscode.Disposable {
    // Our own operations fire events; remote changes are found by polling (see checkOpenDocuments).
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, 'stat', async (m) => toFileStat(await m.fs.stat(m.path)));
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.run(uri, 'readDirectory', readDirectory);
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, 'readFile', async (m, ref) => {
      const { data, entry } = await m.fs.read(m.path);
      // A dirty editor's next save must be checked against the version that editor was loaded from. Anyone else
      // reading the file meanwhile (workspace search, another extension, a diff) must not move that baseline, or the
      // save would silently overwrite the colleague's change it just read.
      if (!this.hasDirtyDocument(ref)) this.remember(ref, entry);
      return data;
    });
  }

  writeFile(uri: vscode.Uri, content: Uint8Array, options: { create: boolean; overwrite: boolean }): Promise<void> {
    return this.run(uri, 'writeFile', async ({ fs, path }, ref) => {
      const key = refKey(ref);
      const expectedVersion = this.versions.get(key);
      let entry: Entry;
      try {
        entry = await fs.write(path, content, { ...options, expectedVersion });
      } catch (e) {
        if (!isDocError(e, 'Conflict')) throw e;
        const same = await this.sameAsRemote(fs, path, content);
        if (same) {
          // Nothing would be overwritten: typically an earlier save of ours landed but its answer was lost.
          this.remember(ref, same);
          return;
        }
        const name = baseName(ref.path);
        this.log.warn(`Save conflict on ${uri.toString()}: the server copy changed since it was read`);
        if ((await this.resolveConflict({ uri, name })) !== 'overwrite') {
          // Throwing keeps the editor dirty and the remote untouched.
          throw vscode.FileSystemError.Unavailable(vscode.l10n.t("'{0}' was changed on the server since you opened it. Your changes were not saved.", name));
        }
        entry = await fs.write(path, content, { ...options, overwrite: true });
      }
      this.remember(ref, entry);
      this.emitter.fire([{ type: expectedVersion === undefined && options.create ? vscode.FileChangeType.Created : vscode.FileChangeType.Changed, uri }]);
    });
  }

  createDirectory(uri: vscode.Uri): Promise<void> {
    return this.run(uri, 'createDirectory', async (m) => {
      await m.fs.mkdir(m.path);
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
    return this.run(uri, 'delete', async (m) => {
      await m.fs.delete(m.path, { permanent });
      this.notify([{ type: vscode.FileChangeType.Deleted, uri }]);
    });
  }

  rename(oldUri: vscode.Uri, newUri: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(oldUri, 'rename', async (_m, ref) => {
      const to = fromUri(newUri);
      const pair = await resolvePair(this.resolve, ref, to);
      await pair.from.fs.rename(pair.from.path, pair.to.path, options);
      this.moveVersions(ref, to);
      this.emitter.fire([{ type: vscode.FileChangeType.Deleted, uri: oldUri }, { type: vscode.FileChangeType.Created, uri: newUri }]);
    });
  }

  copy(source: vscode.Uri, destination: vscode.Uri, options: { overwrite: boolean }): Promise<void> {
    return this.run(source, 'copy', async (_m, ref) => {
      const pair = await resolvePair(this.resolve, ref, fromUri(destination));
      await pair.from.fs.copy(pair.from.path, pair.to.path, options);
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
    const key = refKey(ref);
    const dirty = (uri: vscode.Uri) => uri.scheme === this.scheme && refKey(fromUri(uri)) === key;
    return vscode.workspace.textDocuments.some((d) => d.isDirty && dirty(d.uri))
      || vscode.workspace.notebookDocuments.some((d) => d.isDirty && dirty(d.uri));
  }

  /** The remote entry when the server already holds exactly `content` (compared only when the sizes agree). */
  private async sameAsRemote(fs: RemoteFs, path: string, content: Uint8Array): Promise<Entry | undefined> {
    try {
      const current = await fs.stat(path);
      if (current.type !== 'file' || current.size !== content.byteLength) return undefined;
      const { data, entry } = await fs.read(path);
      return Buffer.from(data).equals(content) ? entry : undefined;
    } catch (e) {
      this.log.debug(`Comparing ${path} with the server copy failed`, e);
      return undefined;
    }
  }

  private remember(ref: RemoteRef, entry: Entry): void {
    if (entry.version) this.versions.set(refKey(ref), entry.version);
    else this.versions.delete(refKey(ref));
  }

  private forget(ref: RemoteRef): void {
    const key = refKey(ref);
    for (const k of [...this.versions.keys()]) if (k === key || k.startsWith(key + '/')) this.versions.delete(k);
  }

  private moveVersions(from: RemoteRef, to: RemoteRef): void {
    const fromKey = refKey(from);
    const toKey = refKey(to);
    for (const [k, v] of [...this.versions]) {
      if (k !== fromKey && !k.startsWith(fromKey + '/')) continue;
      this.versions.delete(k);
      this.versions.set(toKey + k.slice(fromKey.length), v);
    }
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
