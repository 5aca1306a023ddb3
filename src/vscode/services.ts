import type * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { Accounts } from './accounts';
import type { GokuaiFileSystemProvider } from './fsProvider';
import type { GokuaiReadonlyProvider } from './roProvider';
import type { DocTreeProvider } from './tree/provider';
import type { TreeNode } from './tree/nodes';

/** Everything the command modules need, built once in extension.ts. */
export interface Services {
  readonly accounts: Accounts;
  readonly fsp: GokuaiFileSystemProvider;
  readonly ro: GokuaiReadonlyProvider;
  readonly tree: DocTreeProvider;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly log: Logger;
  showLog(): void;
}
