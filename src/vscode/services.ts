import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { Accounts } from './accounts';
import type { RemoteFiles } from './files';
import type { DocTreeProvider } from './tree/provider';
import type { UriRouter } from './uriHandler';
import type { TreeNode } from './tree/nodes';
import type { VendorRegistry } from './vendors/registry';

/** A command body: arguments as VS Code, menus, other extensions or tests pass them. */
export type CommandFn = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Everything the command modules (generic and vendor) need, built once in extension.ts. */
export interface Services {
  readonly accounts: Accounts;
  readonly vendors: VendorRegistry;
  /** Every vendor's file systems: resolve refs to RemoteFs, announce changes. */
  readonly files: RemoteFiles;
  readonly tree: DocTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly log: Logger;
  /** The extension's global storage folder (vendor caches such as account avatars). */
  readonly storageUri: vscode.Uri;
  /** The extension's URI handler: vendors route `vscode://<extension id>/<path>` callbacks (OAuth) through it. */
  readonly uris: UriRouter;
  showLog(): void;
  /** Registers a command through the one wrapper (commands/wrap.ts runCommand: log + one notification on failure). */
  command(id: string, fn: CommandFn): vscode.Disposable;
}
