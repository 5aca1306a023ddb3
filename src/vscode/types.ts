import type * as vscode from 'vscode';
import type { Capabilities, CapabilityName, TrashedItem } from '../core/capabilities';
import type { DocError } from '../core/errors';
import type { Logger } from '../core/log';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import type { ErrorDescription } from './errors';
import type { RemoteRef } from './uri';

/**
 * The types the VS Code glue shares: accounts and their connections, the tree's nodes, a vendor's plug-in
 * (VendorGlue) and the services every command gets. A leaf module: it imports types of core and of two leaf glue
 * modules only, and the glue's classes implement the interfaces here, so no module of src/vscode needs another one's
 * class to name a type (no import cycles, type-only imports included: .dependency-cruiser.cjs checks it).
 */

/** A vendor's id ('gokuai', 'kdocs'...): any string a registered VendorGlue declares. */
export type VendorId = string;

// ------------------------------------------------------------------------------------------------ accounts

/**
 * Non-secret description of an account, kept in globalState; the secret lives only in SecretStorage. Vendors extend
 * it with their own JSON-serialisable fields and narrow it by `vendor`.
 */
export interface AccountInfo {
  /** URI authority and key of per-account state: unique across vendors (a vendor prefix such as 'gk-'). */
  id: string;
  vendor: VendorId;
  /** Server base URL when the account has its own. */
  host?: string;
  /** Name learnt from the server (library, user or space name). */
  libraryName?: string;
  /** An embedded sandbox account (not persisted). */
  sandbox?: boolean;
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

/** The stored secret of an account. Vendors choose its shape (a client secret, or JSON). */
export interface SecretHandle {
  readonly value: string;
  /** Replaces the stored secret (e.g. refreshed OAuth tokens) without dropping the live connection. */
  store(value: string): Promise<void>;
  /** The value stored now (another window may have replaced it); undefined when deleted. */
  read(): Promise<string | undefined>;
}

/** One store of an account (a library, a space) mounted below a first URI path segment ('' = the whole account). */
export interface Mount {
  /** URI path of the store's root inside the account ('' when the account is one store, 'personal' for a space). */
  readonly root: string;
  readonly fs: RemoteFs;
  readonly caps: Capabilities;
}

/** Where a URI path of an account lives: its store and the path inside that store. */
export interface Mounted extends Mount {
  /** Path inside `fs` ('' = its root). */
  readonly path: string;
}

/** What one account gives the glue. Vendors extend it with their API clients. */
export interface Connection {
  readonly vendor: VendorId;
  /** The account's stores, each with its capabilities. */
  readonly mounts: readonly Mount[];
  /**
   * Maps a URI path of the account ('' = the account root) onto a store. Returns the same RemoteFs instance for paths
   * of the same store (moves between stores are refused by comparing them). Throws DocErrors.
   */
  resolve(path: string): Mounted | Promise<Mounted>;
}

// ------------------------------------------------------------------------------------------------ tree nodes

/** Elements of the tree: plain data; the provider keeps one instance per `id` (unique in the whole tree). */
export interface NodeBase {
  id: string;
  accountId: string;
  vendor: VendorId;
}

export type AccountNode = NodeBase & { kind: 'account' };
/**
 * A remote file or folder; `entry.path` is the URI path inside the account. `caps`: the capabilities of its store
 * (the context menu offers their commands).
 */
export type EntryNode = NodeBase & { kind: 'entry'; entry: Entry; caps: CapabilityName[] };
/** "Load more" at the end of a paged listing (`listing` is its key). */
export type LoadMoreNode = NodeBase & { kind: 'loadMore'; listing: string };
export type ErrorNode = NodeBase & { kind: 'error'; error: ErrorDescription; retry?: TreeNode };
/** The recycle bin of a store (`root`: the store's URI path in the account). */
export type BinNode = NodeBase & { kind: 'bin'; root: string; trash: 'recycleBin' | 'trash' };
/** An item in a store's recycle bin. */
export type BinItemNode = NodeBase & { kind: 'binItem'; root: string; item: TrashedItem };

/** The kinds the generic provider handles itself. */
export type GenericNode = AccountNode | EntryNode | LoadMoreNode | ErrorNode | BinNode | BinItemNode;

/**
 * A node of a vendor's own kind (a library, a section...): `vendorKind` is unique across vendors; the vendor's
 * VendorTree computes its children and item. Vendors declare their node shapes and narrow to them by `vendorKind`.
 */
export interface VendorNode extends NodeBase {
  kind: 'vendor';
  vendorKind: string;
  /** The capabilities of the store the node stands for, when it stands for one (a library, a space). */
  caps?: CapabilityName[];
}

export type TreeNode = GenericNode | VendorNode;

// ------------------------------------------------------------------------------------------------ services

/** A remote file or folder a command acts on. */
export type RemoteTarget = RemoteRef & { type?: 'file' | 'folder' };

export interface AccountsService {
  readonly onDidChange: vscode.Event<void>;
  readonly vendors: VendorRegistryView;
  /** Honour `verify: false` when adding accounts (test and development hosts only). */
  readonly allowUnverified: boolean;
  list(): AccountInfo[];
  find(id: string): AccountInfo | undefined;
  describe(info: AccountInfo): AccountDescription;
  /** The account's name as the tree shows it, for messages that name a target. */
  label(id: string): string;
  connection(id: string, vendor?: VendorId): Promise<Connection>;
  add(info: AccountInfo, secret: string): Promise<AccountInfo>;
  updateSecret(id: string, secret: string): Promise<void>;
  update(id: string, patch: Partial<Omit<AccountInfo, 'id' | 'vendor' | 'sandbox'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface VendorRegistryView {
  readonly all: readonly VendorGlue[];
  get(vendor: VendorId): VendorGlue;
  forScheme(scheme: string): VendorGlue | undefined;
  isRemoteUri(uri: vscode.Uri): boolean;
  readonly schemes: string[];
}

export interface FilesService {
  /** The store holding a ref and the path inside it. */
  resolve(ref: RemoteRef): Promise<Mounted>;
  /** Both ends of a copy or move (same account and store, else UnsupportedError). */
  resolvePair(from: RemoteRef, to: RemoteRef): Promise<{ from: Mounted; to: Mounted }>;
  /** Change events for URIs changed by commands that bypass the file systems. */
  notify(changes: Array<{ uri: vscode.Uri; type: vscode.FileChangeType }>): void;
  /** Refresh: the listings and stats known without asking the server are forgotten. */
  forgetListings(): void;
  refOf(uri: vscode.Uri): RemoteRef | undefined;
  knownVersion(uri: vscode.Uri): string | undefined;
  readonly conflicts: ConflictsService;
}

export interface ConflictsService {
  overwrite(uri: vscode.Uri): Promise<boolean>;
  discard(uri: vscode.Uri): Promise<void>;
}

export interface TreeService {
  refresh(node?: TreeNode): void;
  refreshListing(key: string): void;
  /** Re-lists the recycle bin of a store, if the tree shows it. */
  refreshBin(accountId: string, root: string): void;
  /** Re-lists the loaded listings of an account that are not folders (recent files, recycle bins...). */
  refreshAccount(accountId: string): void;
  loadMore(node: TreeNode): Promise<void>;
  nodeFor(uri: vscode.Uri): TreeNode | undefined;
  getTreeItem(node: TreeNode): vscode.TreeItem;
}

/** Routes `vscode://<extension id>/<path>` callbacks (OAuth) to whoever registered the path. */
export interface UriRoutes {
  on(path: string, fn: (uri: vscode.Uri) => void): vscode.Disposable;
}

/** A command body: arguments as VS Code, menus, other extensions or tests pass them. */
export type CommandFn = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Everything the command modules (generic and vendor) need, built once in extension.ts. */
export interface Services {
  readonly accounts: AccountsService;
  readonly vendors: VendorRegistryView;
  readonly files: FilesService;
  readonly tree: TreeService;
  readonly treeView: vscode.TreeView<TreeNode>;
  readonly log: Logger;
  /** The extension's global storage folder (vendor caches such as account avatars, converted files). */
  readonly storageUri: vscode.Uri;
  /** This workspace's state (per-workspace choices such as the target of a script). */
  readonly state: vscode.Memento;
  /** State of every window (saved destinations...): never secrets. */
  readonly globalState: vscode.Memento;
  /** The one place secrets are kept (keys of chat destinations, preview tokens...). */
  readonly secrets: vscode.SecretStorage;
  readonly uris: UriRoutes;
  showLog(): void;
  /** Registers a command through the one wrapper (commands/wrap.ts: log + one notification on failure). */
  command(id: string, fn: CommandFn): vscode.Disposable;
}

// ------------------------------------------------------------------------------------------------ vendor plug-in

/** Services the generic tree offers to vendor tree code. */
export interface TreeContext {
  readonly accounts: AccountsService;
  readonly log: Logger;
  /** Registers `node` as a child of `parent` (one instance per id). */
  child<N extends TreeNode>(parent: TreeNode, node: N): N;
  /** Children of a remote folder (`path`: a URI path of parent's account): entries, then "Load more" if needed. */
  folder(parent: TreeNode, path: string): Promise<TreeNode[]>;
  /** The recycle bin node of the store at `root` of parent's account, when the store has one. */
  bin(parent: TreeNode, root: string): Promise<BinNode | undefined>;
  /**
   * Any other paged listing (recent files...): the first page, then "Load more". `key` identifies the listing (unique
   * across vendors); TreeService.refreshListing(key) re-lists it. `toNode` must give ids unique in the whole tree.
   */
  paged<T>(parent: TreeNode, key: string, fetch: (cursor?: string) => Promise<{ items: T[]; next?: string }>, toNode: (item: T) => TreeNode): Promise<TreeNode[]>;
  /** The capability names of the store at `root` of an account. */
  capsOf(accountId: string, root: string): Promise<CapabilityName[]>;
  /** A file or folder node below `parent` (an entry a vendor lists itself, e.g. a datasheet's views). */
  entry(parent: TreeNode, entry: Entry, caps: CapabilityName[]): EntryNode;
}

/** The vendor's part of the tree: below the account node, and its own node kinds. */
export interface VendorTree {
  /** Children of the account node. Errors become an error node (with Retry) in place of the children. */
  accountChildren(account: AccountNode, ctx: TreeContext): Promise<TreeNode[]>;
  /** Children of the vendor's own node kinds. */
  children(node: VendorNode, ctx: TreeContext): Promise<TreeNode[]>;
  /** Tree items of the vendor's own node kinds (contextValue: see tree/context.ts `contextValue`). */
  treeItem(node: VendorNode, ctx: TreeContext): vscode.TreeItem;
  /** The remote file or folder a vendor node stands for (a library root...), for generic commands and drops. */
  targetOf?(node: VendorNode): RemoteTarget | undefined;
  /** Children of a file (a datasheet's views); a file with children is made collapsible by decorateEntry. */
  entryChildren?(node: EntryNode, ctx: TreeContext): Promise<TreeNode[]>;
  /** More tooltip lines of a file or folder (Markdown, escaped), asked for on hover. May call the server. */
  entryTooltip?(node: EntryNode, ctx: TreeContext): Promise<string[]>;
  /** Adjusts the generic item of a file or folder (icons of online documents, click action...). */
  decorateEntry?(item: vscode.TreeItem, node: EntryNode): void;
  /** Markdown lines (already escaped) for the account tooltip after its label. May call the server. */
  accountTooltip?(account: AccountInfo, ctx: TreeContext): Promise<string[]>;
}

/** Settings every embedded emulator starts with. */
export interface SandboxSettings { port: number; controlRoutes: boolean }

export interface RunningSandbox {
  /** The sandbox account shown while it runs (not persisted; `sandbox: true`) and its secret. */
  readonly account: AccountInfo;
  readonly secret: string;
  /** Handed to the integration tests (`api.vendorSandbox(vendor)`). */
  readonly handle: unknown;
  close(): Promise<void>;
}

export interface VendorGlue {
  readonly vendor: VendorId;
  /** Product name for messages ("Gokuai", "Kingsoft Docs"). */
  readonly displayName: string;
  /** Writable scheme `<scheme>://<accountId>/<path>`; read-only snapshots use `<scheme>-ro`. */
  readonly scheme: string;
  /** Builds an account's connection (once per account, again after its secret changed elsewhere). */
  /** `state`: the extension's global state, for what a vendor keeps per account (Shimo's list of files). */
  connect(account: AccountInfo, secret: SecretHandle, deps: { log: Logger; state: vscode.Memento }): Connection;
  describeAccount(account: AccountInfo): AccountDescription;
  /**
   * The capabilities this vendor's stores can have (each store says which it has): commands of the others do not
   * show for its accounts in the palette and menus.
   */
  readonly capabilities: readonly CapabilityName[];
  /** The name of a store of an account with several ('personal' -> "Personal"), for pickers and messages. */
  storeLabel?(root: string): string;
  readonly tree: VendorTree;
  /** "Add Account…" for this vendor: asks what it needs (through ui()), checks it, stores the account. */
  addAccount(s: Services): Promise<AccountInfo>;
  /**
   * Adds an account from given credentials (public API `accounts.add(vendor, input)`): checks them (one call), stores
   * the account. `input` is the vendor's own shape; wrong shapes are refused with InvalidInputError.
   */
  addAccountWith?(s: Services, input: unknown, opts?: { signal?: AbortSignal }): Promise<AccountInfo>;
  /** "Sign In Again…": new credentials or the browser sign-in for an account whose credentials stopped working. */
  signIn?(s: Services, account: AccountInfo): Promise<void>;
  /** Commands of this vendor only (e.g. edit tokens); they refuse targets of other vendors. */
  registerCommands?(s: Services): vscode.Disposable[];
  /**
   * Old command ids of this vendor that users may have bound to keys: each runs the generic command it became (with
   * `args` first when given). Kept for one release, not contributed to menus or the palette.
   */
  readonly aliases?: Readonly<Record<string, { command: string; args?: readonly unknown[] }>>;
  /** Vendor-specific wording of an error; undefined = the generic mapping of errors.ts. */
  describeError?(e: DocError): ErrorDescription | undefined;
  /** Embedded emulator started while `docWorkspaces.sandbox.enabled` is on. */
  readonly sandbox?: { start(settings: SandboxSettings, deps: { log: Logger }): Promise<RunningSandbox> };
}
