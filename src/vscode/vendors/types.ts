import type * as vscode from 'vscode';
import type { DocError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { CallOptions, ProgressFn } from '../../core/model';
import type { PageFetcher } from '../../core/paging';
import type { RemoteFs } from '../../core/remote';
import type { AccountInfo, Accounts } from '../accounts';
import type { ErrorDescription } from '../errors';
import type { Services } from '../services';
import type { AccountNode, EntryNode, TreeNode, VendorNode } from '../tree/nodes';
import type { RemoteRef } from '../uri';

/**
 * The plug-in point of a cloud vendor: everything vendor-specific in the VS Code glue hangs off one VendorGlue object
 * exported by src/vscode/vendors/<vendor>/index.ts and listed in src/vscode/vendors/index.ts. The generic glue
 * (accounts store, file systems, tree, file commands, drag and drop, errors) only talks to vendors through it.
 * See src/vscode/vendors/README.md.
 */

export type VendorId = 'gokuai' | 'kdocs' | 'shimo' | 'vika';

/** Where a URI path of an account lives: the RemoteFs that stores it and the path inside that RemoteFs. */
export interface Mounted {
  readonly fs: RemoteFs;
  /** Path inside `fs` ('' = its root). */
  readonly path: string;
  /** URI path of `fs`'s root inside the account ('' when the account is one RemoteFs, 'personal' for a kdocs space). */
  readonly root: string;
}

/** What one account gives the glue. Vendors extend it with their API clients (GokuaiConnection adds `api`). */
export interface Connection {
  readonly vendor: VendorId;
  /**
   * Maps a URI path of the account ('' = the account root) onto a RemoteFs. Must return the same RemoteFs instance for
   * paths of the same space (the file system compares them to refuse moves between spaces). Throws DocErrors
   * (NotFoundError for a path outside every space).
   */
  resolve(path: string): Mounted | Promise<Mounted>;
}

/** The stored secret of an account. Vendors choose its shape (Gokuai: the client secret; others may store JSON). */
export interface SecretHandle {
  readonly value: string;
  /**
   * Replaces the stored secret (e.g. refreshed OAuth tokens) WITHOUT dropping the live connection: the connection that
   * calls this already uses the new value. Sandbox accounts keep it in memory only (they are not persisted).
   */
  store(value: string): Promise<void>;
  /**
   * The value stored now, which another window may have replaced since `value` was read (e.g. it renewed rotating
   * OAuth tokens first); undefined when it was deleted. Sandbox accounts answer the last value stored in memory.
   */
  read(): Promise<string | undefined>;
}

export interface AccountDescription {
  label: string;
  /** Shown after the label in the tree (e.g. the host). */
  description?: string;
  /** Codicon id of the account node (default 'cloud'). */
  icon?: string;
  /** An image (e.g. the user's avatar in local storage) shown instead of `icon`. */
  iconPath?: vscode.Uri;
}

/** Services the generic tree offers to vendor tree code. */
export interface TreeContext {
  readonly accounts: Accounts;
  readonly log: Logger;
  /** Registers `node` as a child of `parent` (keeps one instance per id, so refresh events reach VS Code's element). */
  child<N extends TreeNode>(parent: TreeNode, node: N): N;
  /** Children of a remote folder (`path` is a URI path of parent's account): entry nodes, then "Load more" if needed. */
  folder(parent: TreeNode, path: string): Promise<TreeNode[]>;
  /**
   * Any other paged listing (recycle bin, recent files...): the first page, then "Load more". `key` identifies the
   * listing (unique across vendors, e.g. 'gokuai.recycle\n' + accountId); Tree `refreshListing(key)` re-lists it.
   * `toNode` must give ids unique in the whole tree.
   */
  paged<T>(parent: TreeNode, key: string, fetch: PageFetcher<T>, toNode: (item: T) => TreeNode): Promise<TreeNode[]>;
}

/** A remote file or folder a command can act on. */
export type RemoteTarget = RemoteRef & { type?: 'file' | 'folder' };

/**
 * The vendor's part of the tree: below the account node, and its own node kinds `N` (see VendorNode in tree/nodes.ts).
 * The generic provider calls it only with nodes whose `vendor` is this vendor.
 */
export interface VendorTree<N extends VendorNode = VendorNode> {
  /** Children of the account node. Errors become an error node (with Retry) in place of the children. */
  accountChildren(account: AccountNode, ctx: TreeContext): Promise<TreeNode[]>;
  /** Children of the vendor's own node kinds. */
  children(node: N, ctx: TreeContext): Promise<TreeNode[]>;
  /** Tree items of the vendor's own node kinds. contextValue: '<vendor>.<kind>' (see README for the menu traits). */
  treeItem(node: N, ctx: TreeContext): vscode.TreeItem;
  /** The remote file or folder a vendor node stands for (a library root...), for generic commands and drops. */
  targetOf?(node: N): RemoteTarget | undefined;
  /** Adjusts the generic item of a file or folder (icons of online documents, click action...). */
  decorateEntry?(item: vscode.TreeItem, node: EntryNode): void;
  /** Markdown lines (already escaped) for the account tooltip after its label. May call the server. */
  accountTooltip?(account: AccountInfo, ctx: TreeContext): Promise<string[]>;
}

/** Per-item results of a batch: the URI paths handled, and those that failed with their own error. */
export interface BatchResult { succeeded: string[]; failed: Array<{ path: string; error: unknown }> }

/** `onProgress(done, total)` counts items. */
export type BatchCallOptions = CallOptions & { onProgress?: ProgressFn };

/**
 * Copy / move / delete of many items of one account at once (e.g. server-side tasks), each item with its own result:
 * a failing item does not stop the others. Paths are URI paths of the account (`folder` the destination folder).
 * Throws only for the batch as a whole (cancelled, signed out, items the vendor cannot batch together). Without it,
 * the generic Copy to… / Move to… / Delete commands go item by item through RemoteFs.
 */
export interface VendorBatch {
  copy(s: Services, accountId: string, paths: string[], folder: string, o: BatchCallOptions): Promise<BatchResult>;
  move(s: Services, accountId: string, paths: string[], folder: string, o: BatchCallOptions): Promise<BatchResult>;
  delete(s: Services, accountId: string, paths: string[], o: BatchCallOptions & { permanent: boolean }): Promise<BatchResult>;
}

/** Settings every embedded emulator starts with. */
export interface SandboxSettings { port: number; controlRoutes: boolean }

export interface RunningSandbox {
  /** The sandbox account shown while it runs (not persisted; `sandbox: true`) and its secret. */
  readonly account: AccountInfo;
  readonly secret: string;
  /** Handed to the integration tests (`api.vendorSandbox(vendor)`), e.g. the GokuaiSandbox with its control. */
  readonly handle: unknown;
  close(): Promise<void>;
}

export interface VendorGlue {
  readonly vendor: VendorId;
  /** Product name for messages ("Gokuai", "Kingsoft Docs"). */
  readonly displayName: string;
  /** Writable scheme `<scheme>://<accountId>/<path>`; read-only snapshots use `<scheme>-ro` (uri.ts roSchemeOf). */
  readonly scheme: string;
  /** Builds an account's connection (once per account, again after its secret changed elsewhere). */
  connect(account: AccountInfo, secret: SecretHandle, deps: { log: Logger }): Connection;
  /** Label, description and icon of the account (tree, pickers, workspace folder names). */
  describeAccount(account: AccountInfo): AccountDescription;
  readonly tree: VendorTree;
  /** Vendor-only commands (they must refuse targets of other vendors: see README). */
  registerCommands(s: Services): vscode.Disposable[];
  /** Vendor-specific wording of an error (e.g. a signature rejected); undefined = the generic mapping of errors.ts. */
  describeError?(e: DocError): ErrorDescription | undefined;
  /** Command that repairs an account's credentials (argument: the account id), offered on credential error nodes. */
  readonly credentialsCommand?: { command: string; title: string };
  /** Content of an older version, for `<scheme>-ro://...?version=` URIs. Without it such URIs fail as Unsupported. */
  readVersion?(conn: Connection, path: string, version: string, opts?: CallOptions): Promise<Uint8Array>;
  /** Batch copy / move / delete with per-item results (see VendorBatch); the generic commands use it when present. */
  readonly batch?: VendorBatch;
  /** Embedded emulator started while `docWorkspaces.sandbox.enabled` is on. */
  readonly sandbox?: { start(settings: SandboxSettings, deps: { log: Logger }): Promise<RunningSandbox> };
}
