import * as vscode from 'vscode';
import type { Accounts } from './accounts';
import { toFileSystemError } from './errors';
import { toFileStat } from './fsProvider';
import { fromUri, versionOf } from './uri';

/**
 * gokuai-ro://<account>/<fullpath>[?version=<filehash>]: read-only snapshots for history and for the server side of a
 * conflict diff. Without `version` it shows the current server content.
 */
export class GokuaiReadonlyProvider implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  constructor(private readonly accounts: Accounts) {}

  dispose(): void {
    this.emitter.dispose();
  }

  /** Makes VS Code re-read a snapshot (the "current server copy" changes over time). */
  refresh(uri: vscode.Uri): void {
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    try {
      const entry = await (await this.accounts.connection(uri.authority)).fs.stat(fromUri(uri).path);
      // A historic version has no size/mtime of its own in `stat`; 0 mtime keeps VS Code from treating it as changed.
      return versionOf(uri) ? { ...toFileStat(entry, true), mtime: 0, size: 0 } : toFileStat(entry, true);
    } catch (e) {
      throw toFileSystemError(e, uri);
    }
  }

  async readDirectory(uri: vscode.Uri): Promise<Array<[string, vscode.FileType]>> {
    try {
      const list = await (await this.accounts.connection(uri.authority)).fs.listAll(fromUri(uri).path);
      return list.map((e): [string, vscode.FileType] => [e.name, toFileStat(e).type]);
    } catch (e) {
      throw toFileSystemError(e, uri);
    }
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    try {
      const conn = await this.accounts.connection(uri.authority);
      const { path } = fromUri(uri);
      const version = versionOf(uri);
      return version ? await conn.api.downloadBytes({ fullpath: path, filehash: version }) : (await conn.fs.read(path)).data;
    } catch (e) {
      throw toFileSystemError(e, uri);
    }
  }

  writeFile(): never { throw vscode.FileSystemError.NoPermissions(); }
  createDirectory(): never { throw vscode.FileSystemError.NoPermissions(); }
  delete(): never { throw vscode.FileSystemError.NoPermissions(); }
  rename(): never { throw vscode.FileSystemError.NoPermissions(); }
}
