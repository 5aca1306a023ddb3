import type * as vscode from 'vscode';
import type { Logger } from '../core/log';

/**
 * The extension's one `vscode://doc-workspaces.doc-workspaces/<path>` handler (VS Code allows one per extension),
 * dispatching by path to whoever registered it (the kdocs OAuth callback: '/kdocs-auth'). Unknown paths are logged
 * and ignored. Query strings may carry authorization codes: they are never logged.
 */
export class UriRouter implements vscode.UriHandler {
  private readonly routes = new Map<string, (uri: vscode.Uri) => void>();

  constructor(private readonly log: Logger) {}

  /** Routes URIs with `path` (e.g. '/kdocs-auth') to `fn`; dispose to stop. */
  on(path: string, fn: (uri: vscode.Uri) => void): vscode.Disposable {
    this.routes.set(path, fn);
    return { dispose: () => { if (this.routes.get(path) === fn) this.routes.delete(path); } };
  }

  handleUri(uri: vscode.Uri): void {
    const fn = this.routes.get(uri.path);
    if (fn) fn(uri);
    else this.log.warn(`Ignored a URI for ${uri.path}: nothing handles it`);
  }
}
