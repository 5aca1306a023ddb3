import type * as vscode from 'vscode';
import type { RemoteFs } from '../core/remote';
import type { GokuaiSandbox } from '../sandbox/types';
import type { AccountInfo, AddGokuaiInput } from './accounts';
import type { ConflictResolver } from './conflict';
import type { TreeNode } from './tree/nodes';

/** What `activate()` returns: used by the integration tests (and available to other extensions). */
export interface DocWorkspacesApi {
  /** The embedded sandbox while `docWorkspaces.sandbox.enabled` is on (tests reach `sandbox.control`). */
  readonly sandbox: GokuaiSandbox | undefined;
  /** Resolves once the sandbox matches the current settings (after toggling them). */
  sandboxReady(): Promise<void>;
  readonly accounts: {
    list(): AccountInfo[];
    addGokuai(input: AddGokuaiInput): Promise<AccountInfo>;
    remove(id: string): Promise<void>;
    readonly onDidChange: vscode.Event<void>;
  };
  getRemoteFs(accountId: string): Promise<RemoteFs>;
  /** The tree's data provider (getChildren / getTreeItem). */
  readonly tree: vscode.TreeDataProvider<TreeNode>;
  /** Replaces the save-conflict modal (undefined restores it). */
  setConflictResolver(resolver: ConflictResolver | undefined): void;
}
