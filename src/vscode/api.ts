import type * as vscode from 'vscode';
import type { RemoteFs } from '../core/remote';
import type { AccountInfo, TreeNode, VendorId } from './types';
import type { UserInput } from './ui';

/** What `activate()` returns to every extension (production): accounts, mounted file systems and the tree. */
export interface DocWorkspacesPublicApi {
  readonly accounts: {
    /** Accounts of every vendor (narrow by `vendor`). */
    list(): AccountInfo[];
    /**
     * Adds an account of `vendor` from its credentials, checked with one call first; `input` is the vendor's shape
     * (README "Public API"). `signal` cancels the check; `verify: false` is ignored in production.
     */
    add(vendor: VendorId, input: unknown, opts?: { signal?: AbortSignal }): Promise<AccountInfo>;
    remove(id: string): Promise<void>;
    readonly onDidChange: vscode.Event<void>;
  };
  /** The RemoteFs of an account's root (for a multi-space account, a read-only folder of its spaces). */
  getRemoteFs(accountId: string): Promise<RemoteFs>;
  /** The tree's data provider (getChildren / getTreeItem / resolveTreeItem). */
  readonly tree: vscode.TreeDataProvider<TreeNode>;
}

/**
 * The public API plus hooks for the integration tests. Returned only when the extension host does not run in
 * production (`ExtensionMode.Test` or `Development`): in an installed extension no other extension can reach the
 * sandbox's control object, replace the conflict dialog or drive drops.
 */
export interface DocWorkspacesApi extends DocWorkspacesPublicApi {
  /** The embedded sandbox of any vendor (its VendorGlue sandbox `handle`), undefined when it does not run. */
  vendorSandbox(vendor: VendorId): unknown;
  /** Resolves once the sandboxes match the current settings (after toggling them). */
  sandboxReady(): Promise<void>;
  /**
   * Puts a scripted user behind the extension's prompt seam (ui.ts): every input box, QuickPick, confirmation, dialog,
   * notification and browser page goes to it; undefined restores VS Code's UI.
   */
  setUserInput(user: UserInput | undefined): void;
  /** The tree view (tests select and reveal rows in it, as a user clicks them). */
  readonly treeView: vscode.TreeView<TreeNode>;
  /** The tree's drag-and-drop controller (tests call handleDrop with a DataTransfer). */
  readonly dragAndDrop: vscode.TreeDragAndDropController<TreeNode>;
  /** The extension's URI handler (tests deliver OAuth callbacks `vscode://<extension id>/kdocs-auth?code=&state=`). */
  handleUri(uri: vscode.Uri): void;
}
