import * as vscode from 'vscode';
import { NotFoundError } from '../core/errors';
import type { Logger } from '../core/log';
import type { RemoteFs } from '../core/remote';
import { Conflicts } from './conflict';
import { BaselineStore, RemoteFileSystemProvider, resolvePair } from './fsProvider';
import { ReadonlyProvider } from './roProvider';
import { EditorSaves } from './saves';
import { fromUri, type RemoteRef, refKey, roSchemeOf } from './uri';
import type { AccountsService, FilesService, Mounted, VendorRegistryView } from './types';

/**
 * The file systems of every vendor (one writable and one read-only provider per scheme) behind one facade for the
 * commands, the tree and the poller: resolve a ref to its RemoteFs, announce changes, ask for known versions.
 */
export class RemoteFiles implements FilesService, vscode.Disposable {
  private readonly providers = new Map<string, RemoteFileSystemProvider>();
  private readonly snapshots = new Map<string, ReadonlyProvider>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  /** Changes of every writable file system (our own operations and what polling found). */
  readonly onDidChangeFile = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Save conflicts of every scheme: the modal, the Compare diffs and the overwrites approved from them. */
  readonly conflicts = new Conflicts();

  /** `workspaceState` keeps the editors' baselines across window reloads (see BaselineStore). */
  constructor(private readonly accounts: AccountsService, vendors: VendorRegistryView, log: Logger, workspaceState?: vscode.Memento) {
    const keyOf = (uri: vscode.Uri) => (vendors.isRemoteUri(uri) ? refKey(fromUri(uri)) : undefined);
    const openKeys = () => new Set([...vscode.workspace.textDocuments, ...vscode.workspace.notebookDocuments].map((d) => keyOf(d.uri)));
    const baselines = new BaselineStore(workspaceState, (key) => openKeys().has(key));
    const saves = new EditorSaves(keyOf, (key) => baselines.get(key));
    this.subscriptions.push(this.conflicts, baselines, saves, vscode.workspace.onDidCloseTextDocument((d) => {
      const key = keyOf(d.uri);
      // Closed with nothing unsaved (a dirty one closes only at shutdown, and hot exit needs its baseline then).
      if (key && !d.isDirty && !openKeys().has(key)) baselines.drop(key);
    }));
    for (const glue of vendors.all) {
      const fsp = new RemoteFileSystemProvider(glue.scheme, glue.vendor, (ref) => this.resolve(ref), this.conflicts, baselines, saves, log);
      this.providers.set(glue.scheme, fsp);
      this.snapshots.set(roSchemeOf(glue.scheme), new ReadonlyProvider((ref) => this.resolve(ref)));
      this.subscriptions.push(fsp, fsp.onDidChangeFile((e) => this.emitter.fire(e)));
    }
  }

  /** Registers every provider with VS Code. */
  register(): vscode.Disposable[] {
    return [
      ...[...this.providers].map(([scheme, p]) => vscode.workspace.registerFileSystemProvider(scheme, p, { isCaseSensitive: true })),
      ...[...this.snapshots].map(([scheme, p]) => vscode.workspace.registerFileSystemProvider(scheme, p, { isCaseSensitive: true, isReadonly: true })),
    ];
  }

  dispose(): void {
    for (const d of [...this.subscriptions, ...this.snapshots.values()]) d.dispose();
    this.emitter.dispose();
  }

  /** The RemoteFs holding a ref and the path inside it. */
  async resolve(ref: RemoteRef): Promise<Mounted> {
    const fsp = this.providers.get(ref.scheme);
    if (!fsp) throw new NotFoundError(vscode.l10n.t('No account "{0}". Add it again.', ref.accountId));
    const glue = this.accounts.vendors.forScheme(ref.scheme);
    return (await this.accounts.connection(ref.accountId, glue?.vendor)).resolve(ref.path);
  }

  /** Both ends of a copy or move (same account and space, else UnsupportedError). */
  resolvePair(from: RemoteRef, to: RemoteRef): Promise<{ from: Mounted; to: Mounted }> {
    return resolvePair((r) => this.resolve(r), from, to);
  }

  /** The RemoteFs of an account's root (public API `getRemoteFs`). */
  async remoteFs(accountId: string): Promise<RemoteFs> {
    const info = this.accounts.find(accountId);
    if (!info) throw new NotFoundError(vscode.l10n.t('No account "{0}". Add it again.', accountId));
    return (await this.resolve({ scheme: this.accounts.vendors.get(info.vendor).scheme, accountId, path: '' })).fs;
  }

  /** Version this window last saw for a file. */
  knownVersion(uri: vscode.Uri): string | undefined {
    return this.providers.get(uri.scheme)?.knownVersion(uri);
  }

  /** Fires change events (per scheme) for URIs changed by commands that bypass the providers (upload, restore...). */
  notify(changes: Array<{ uri: vscode.Uri; type: vscode.FileChangeType }>): void {
    for (const [scheme, fsp] of this.providers) fsp.notify(changes.filter((c) => c.uri.scheme === scheme));
  }

  forgetListings(): void {
    for (const fsp of this.providers.values()) fsp.forgetListings();
  }

  /** One polling round over every scheme (see RemoteFileSystemProvider.checkOpenDocuments). */
  async checkOpenDocuments(docs: readonly vscode.TextDocument[]): Promise<void> {
    for (const fsp of this.providers.values()) await fsp.checkOpenDocuments(docs.filter((d) => d.uri.scheme === fsp.scheme));
  }

  /** The ref of a URI of one of our file systems, undefined for other URIs. */
  refOf(uri: vscode.Uri): RemoteRef | undefined {
    return this.accounts.vendors.isRemoteUri(uri) ? fromUri(uri) : undefined;
  }
}
