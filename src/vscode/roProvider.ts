import * as vscode from 'vscode';
import { UnsupportedError } from '../core/errors';
import { toFileSystemError } from './errors';
import { directoryEntries, type Resolver, toFileStat } from './fsProvider';
import { fromUri, versionOf } from './uri';
import type { Mounted } from './types';

/**
 * `<scheme>-ro://<account>/<path>[?version=<v>]`: read-only snapshots for history and for the server side of a
 * conflict diff. Without `version` it shows the current server content; versions come from the store's
 * VersionsCapability.
 */
export class ReadonlyProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  /** `resolve` is the writable provider's (RemoteFiles.resolve). */
  constructor(private readonly resolve: Resolver) {}

  dispose(): void {
    this.emitter.dispose();
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    return this.run(uri, async () => {
      const m = await this.mounted(uri);
      const entry = await m.fs.stat(m.path);
      // A historic version has no size/mtime of its own in `stat`; 0 mtime keeps VS Code from treating it as changed.
      return versionOf(uri) ? { ...toFileStat(entry, true), mtime: 0, size: 0 } : toFileStat(entry, true);
    });
  }

  readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    return this.run(uri, async () => {
      const m = await this.mounted(uri);
      return directoryEntries(await m.fs.listAll(m.path));
    });
  }

  readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return this.run(uri, async () => {
      const version = versionOf(uri);
      const m = await this.mounted(uri);
      if (!version) return (await m.fs.read(m.path)).data;
      if (!m.caps.versions) throw new UnsupportedError(vscode.l10n.t('This file keeps no versions.'));
      return m.caps.versions.read(m.path, version);
    });
  }

  writeFile(): never { throw vscode.FileSystemError.NoPermissions(); }
  createDirectory(): never { throw vscode.FileSystemError.NoPermissions(); }
  delete(): never { throw vscode.FileSystemError.NoPermissions(); }
  rename(): never { throw vscode.FileSystemError.NoPermissions(); }

  private mounted(uri: vscode.Uri): Promise<Mounted> {
    return this.resolve(fromUri(uri));
  }

  /** Every failure reaches VS Code as a FileSystemError. */
  private async run<T>(uri: vscode.Uri, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toFileSystemError(e, uri);
    }
  }
}
