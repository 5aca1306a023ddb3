import * as vscode from 'vscode';
import { type CapabilityName, capabilityNames, type TrashedItem } from '../../core/capabilities';
import type { Logger } from '../../core/log';
import type { Entry } from '../../core/model';
import type { PageFetcher } from '../../core/paging';
import { config } from '../config';
import { describeError } from '../errors';
import { formatBytes, formatTime, md } from '../format';
import { isKnownBinaryName } from '../text';
import type {
  AccountDescription, AccountsService, BinItemNode, BinNode, EntryNode, TreeContext, TreeNode, TreeService, VendorGlue, VendorNode, VendorRegistryView,
} from '../types';
import { fromUri, joinPath, parentPath, toUri } from '../uri';
import { contextValue } from './context';
import { isGenericNode } from './nodes';

/** One paged listing loaded so far; `next` is the cursor of the page "Load more" fetches. */
interface Listing {
  /** The node whose children these are. */
  owner: TreeNode;
  items: unknown[];
  next?: string;
  fetch: PageFetcher<unknown>;
}

/** Key of the listing of a remote folder (URI path inside the account). */
const folderKey = (accountId: string, path: string) => 'folder\n' + accountId + '\n' + path;
const entryId = (accountId: string, path: string) => `${accountId}/e/${path}`;
/** Key of the listing of a store's recycle bin (`root`: the store's URI path in the account). */
const binKey = (accountId: string, root: string) => 'bin\n' + accountId + '\n' + root;

/** Codicons of online document types (their bytes are no editable format: they open in the browser). */
const ONLINE_ICONS: Record<string, string> = { '.otl': 'notebook', '.ksheet': 'table', '.dbt': 'database' };

/** `ext.<extension>` of a file name (menus of one type: Open as Markdown on `.otl`), lower case; none without one. */
function extFlag(name: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1];
  return ext ? `ext.${ext.toLowerCase()}` : undefined;
}

function onlineIcon(name: string): string {
  const ext = /\.[^.]+$/.exec(name)?.[0].toLowerCase() ?? '';
  return ONLINE_ICONS[ext] ?? 'globe';
}

/**
 * accounts -> whatever each vendor puts below (Gokuai: library -> folders -> files), loaded lazily one page at a time
 * ("Load more" for the rest). Generic nodes (account, file/folder entry, recycle bin and its items, load more, error)
 * are handled here, with menus from their store's capabilities (tree/context.ts); vendor nodes by their VendorTree.
 * Failures become an error node in place of the children, never a pop-up.
 */
export class DocTreeProvider implements vscode.TreeDataProvider<TreeNode>, TreeService, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One instance per node id: VS Code matches refresh events by element identity. */
  private readonly nodes = new Map<string, TreeNode>();
  private readonly parents = new Map<string, TreeNode>();
  /** Paged listings by key (folderKey for folders, vendor keys for the rest). */
  private readonly listings = new Map<string, Listing>();
  /** "Load more" in flight per load-more node: a second click joins it instead of appending the same page twice. */
  private readonly loading = new Map<string, Promise<void>>();
  private readonly subscription: vscode.Disposable;
  private readonly ctx: TreeContext;

  constructor(private readonly accounts: AccountsService, private readonly vendors: VendorRegistryView, log: Logger) {
    this.subscription = accounts.onDidChange(() => this.refresh());
    this.ctx = {
      accounts,
      log,
      child: (parent, node) => this.child(parent, node),
      folder: (parent, path) => this.folder(parent, path),
      bin: (parent, root) => this.bin(parent, root),
      paged: (parent, key, fetch, toNode) => this.paged(parent, key, fetch as PageFetcher<unknown>, toNode as (item: unknown) => TreeNode),
      capsOf: (accountId, root) => this.capsOf(accountId, root),
      entry: (parent, entry, caps) => this.child(parent, { kind: 'entry', id: entryId(parent.accountId, entry.path), accountId: parent.accountId, vendor: parent.vendor, entry, caps }),
    };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Whole tree (no argument) or one node and everything below it; other listings keep their loaded pages. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.listings.clear();
      this.changed.fire(undefined);
      return;
    }
    if (node.kind === 'error' || node.kind === 'loadMore') {
      // Stands for the listing it belongs to.
      const owner = this.parents.get(node.id);
      if (owner) this.refresh(owner);
      return;
    }
    for (const [key, l] of [...this.listings]) if (this.isWithin(l.owner, node)) this.listings.delete(key);
    this.changed.fire(node);
  }

  /** Re-lists the folders that contain the given URIs (after our own or detected changes), if they were loaded. */
  refreshUris(uris: readonly vscode.Uri[]): void {
    const keys = new Set<string>();
    for (const uri of uris) {
      if (!this.vendors.isRemoteUri(uri)) continue;
      const { accountId, path } = fromUri(uri);
      keys.add(folderKey(accountId, parentPath(path)));
    }
    for (const key of keys) this.refreshListing(key);
  }

  /** Re-lists the recycle bin of a store, if the tree shows it. */
  refreshBin(accountId: string, root: string): void {
    this.refreshListing(binKey(accountId, root));
  }

  /**
   * Re-lists the loaded listings of an account that are not folders (recent files, recycle bins...): after a change
   * made through the API, folders follow the change events, these do not know which of their items changed.
   */
  refreshAccount(accountId: string): void {
    for (const [key, l] of [...this.listings]) if (!key.startsWith('folder\n') && l.owner.accountId === accountId) this.refreshListing(key);
  }

  /** Re-lists one paged listing (e.g. a recycle bin after restoring), if it was loaded. */
  refreshListing(key: string): void {
    const l = this.listings.get(key);
    if (!l) return;
    this.listings.delete(key);
    this.changed.fire(l.owner);
  }

  /** Appends the next page of the listing a "Load more" node ends. Concurrent calls for one node share one request. */
  loadMore(node: TreeNode): Promise<void> {
    if (node.kind !== 'loadMore') return Promise.resolve();
    let pending = this.loading.get(node.id);
    if (!pending) {
      pending = this.appendPage(node.listing)
        .then((appended) => { if (appended) this.changed.fire(this.parents.get(node.id)); })
        .finally(() => this.loading.delete(node.id));
      this.loading.set(node.id, pending);
    }
    return pending;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  /** The node of a remote URI (a file, a folder or the node whose children list a root), if the tree has shown it. */
  nodeFor(uri: vscode.Uri): TreeNode | undefined {
    const { accountId, path } = fromUri(uri);
    return this.nodes.get(entryId(accountId, path)) ?? this.listings.get(folderKey(accountId, path))?.owner;
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.accounts.list().map((a) => this.node({ kind: 'account', id: a.id, accountId: a.id, vendor: a.vendor }));
    try {
      switch (node.kind) {
        case 'account': return await this.glue(node).tree.accountChildren(node, this.ctx);
        case 'entry': return node.entry.type === 'folder' ? await this.folder(node, node.entry.path) : await this.glue(node).tree.entryChildren?.(node, this.ctx) ?? [];
        case 'bin': return await this.binItems(node);
        case 'binItem':
        case 'loadMore':
        case 'error': return [];
        default: return await this.glue(node).tree.children(node as VendorNode, this.ctx);
      }
    } catch (e) {
      this.ctx.log.warn(`Listing ${node.id} failed`, e);
      return [this.child(node, { kind: 'error', id: `${node.id}/error`, accountId: node.accountId, vendor: node.vendor, error: describeError(e), retry: node })];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    if (!isGenericNode(node)) return this.glue(node).tree.treeItem(node as VendorNode, this.ctx);
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'account': {
        const info = this.accounts.find(node.accountId);
        const d: AccountDescription = info ? this.accounts.describe(info) : { label: node.accountId };
        const item = new vscode.TreeItem(d.label, C.Expanded);
        item.id = node.id;
        item.iconPath = d.iconPath ?? new vscode.ThemeIcon(d.icon ?? 'cloud');
        item.description = d.description;
        // The tooltip is built on hover by resolveTreeItem (it may ask the server).
        const glue = this.glue(node);
        item.contextValue = contextValue('account', {
          vendor: node.vendor, flags: [info?.sandbox && 'sandbox', !info?.sandbox && glue.signIn && 'signIn'], caps: glue.capabilities,
        });
        return item;
      }
      case 'entry': return this.entryItem(node);
      case 'bin': {
        const item = new vscode.TreeItem(node.trash === 'trash' ? vscode.l10n.t('Trash') : vscode.l10n.t('Recycle bin'), C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('trash');
        item.contextValue = contextValue('bin', { vendor: node.vendor, caps: ['trash'] });
        return item;
      }
      case 'binItem': return this.binItemItem(node);
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'docWorkspaces.loadMore', title: vscode.l10n.t('Load more…'), arguments: [node] };
        item.contextValue = contextValue('loadMore', { vendor: node.vendor });
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.error.message, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = node.error.hint;
        item.description = node.error.hint;
        item.contextValue = contextValue('error', { vendor: node.vendor });
        item.command = this.glue(node).signIn && node.error.credentials && !this.accounts.find(node.accountId)?.sandbox
          ? { command: 'docWorkspaces.signIn', title: vscode.l10n.t('Sign In Again'), arguments: [node.accountId] }
          : { command: 'docWorkspaces.refreshNode', title: vscode.l10n.t('Retry'), arguments: [node] };
        return item;
      }
    }
  }

  /** Fills in the account tooltip on hover: its label, then what the vendor adds (kind, host, usage...). */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    if (node.kind === 'entry') {
      const more = this.glue(node).tree.entryTooltip;
      if (!more) return item;
      try {
        const lines = await more(node, this.ctx);
        const before = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : `**${md(node.entry.name)}**`;
        item.tooltip = new vscode.MarkdownString([before, ...lines].join('\n\n'));
      } catch (e) {
        this.ctx.log.debug(`Tooltip of ${node.id} failed`, e);
      }
      return item;
    }
    if (node.kind !== 'account') return item;
    const info = this.accounts.find(node.accountId);
    const tooltip = this.glue(node).tree.accountTooltip;
    const lines = info && tooltip ? await tooltip(info, this.ctx) : [];
    item.tooltip = new vscode.MarkdownString([`**${md(String(item.label ?? node.accountId))}**`, ...lines].join('\n\n'));
    return item;
  }

  private glue(node: TreeNode): VendorGlue {
    return this.vendors.get(node.vendor);
  }

  private entryItem(node: EntryNode): vscode.TreeItem {
    const e = node.entry;
    const folder = e.type === 'folder';
    const item = new vscode.TreeItem(e.name, folder ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    // resourceUri (and no iconPath) lets the user's file icon theme pick the icon.
    item.resourceUri = toUri({ scheme: this.glue(node).scheme, accountId: node.accountId, path: e.path });
    const online = !folder && e.kind === 'online-doc';
    // Stores that cannot update files in place (copies): their files open read-only ("Edit a Copy" saves).
    const readonly = !folder && !online && (e.readonly || node.caps.includes('copies'));
    item.description = [e.locked && vscode.l10n.t('locked'), readonly && vscode.l10n.t('read-only')].filter(Boolean).join(' · ') || undefined;
    const lines = [`**${md(e.name)}**`];
    if (!folder) lines.push(vscode.l10n.t('Size: {0}', formatBytes(e.size)));
    if (e.mtime) lines.push(vscode.l10n.t('Modified: {0}', formatTime(e.mtime)) + (e.modifiedBy ? ' — ' + md(e.modifiedBy) : ''));
    if (e.tags?.length) lines.push(vscode.l10n.t('Tags: {0}', md(e.tags.join(', '))));
    if (e.locked) lines.push(vscode.l10n.t('Locked'));
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.contextValue = contextValue('entry', {
      vendor: node.vendor,
      flags: [folder ? 'folder' : 'file', e.locked && 'locked', online && 'online', !folder && isKnownBinaryName(e.name) && 'binary', readonly && 'readonly', !folder && extFlag(e.name)],
      caps: node.caps,
    });
    if (online && node.caps.includes('web')) {
      item.iconPath = new vscode.ThemeIcon(onlineIcon(e.name));
      item.command = { command: 'docWorkspaces.openInBrowser', title: vscode.l10n.t('Open in Browser'), arguments: [node] };
    } else if (!folder) {
      item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [item.resourceUri] };
    }
    this.glue(node).tree.decorateEntry?.(item, node);
    return item;
  }

  private binItemItem(node: BinItemNode): vscode.TreeItem {
    const f = node.item;
    const item = new vscode.TreeItem(f.name, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon(f.type === 'folder' ? 'folder' : 'file');
    item.description = [f.folder ? f.folder : undefined, f.deletedAt ? formatTime(f.deletedAt) : undefined].filter(Boolean).join(' · ') || undefined;
    item.tooltip = [f.name, f.type === 'folder' || f.size === undefined ? '' : formatBytes(f.size), f.deletedBy ?? ''].filter(Boolean).join('\n');
    item.contextValue = contextValue('binItem', { vendor: node.vendor, caps: ['trash'] });
    return item;
  }

  /** The capability names of the store at `root` of an account. */
  private async capsOf(accountId: string, root: string): Promise<CapabilityName[]> {
    const conn = await this.accounts.connection(accountId);
    return capabilityNames(conn.mounts.find((m) => m.root === root)?.caps);
  }

  /** The recycle bin node of the store at `root` of parent's account, when the store has one. */
  private async bin(parent: TreeNode, root: string): Promise<BinNode | undefined> {
    const conn = await this.accounts.connection(parent.accountId);
    const trash = conn.mounts.find((m) => m.root === root)?.caps.trash;
    if (!trash) return undefined;
    return this.child(parent, { kind: 'bin', id: `${parent.accountId}/bin/${root}`, accountId: parent.accountId, vendor: parent.vendor, root, trash: trash.kind });
  }

  private binItems(node: BinNode): Promise<TreeNode[]> {
    const { accountId, vendor, root } = node;
    const fetch: PageFetcher<TrashedItem> = async (cursor) => {
      const trash = (await this.accounts.connection(accountId, vendor)).mounts.find((m) => m.root === root)?.caps.trash;
      return trash ? trash.list(cursor, { pageSize: config.pageSize() }) : { items: [] };
    };
    return this.paged(node, binKey(accountId, root), fetch as PageFetcher<unknown>, (item): BinItemNode => ({
      kind: 'binItem', id: `${node.id}/${(item as TrashedItem).id}`, accountId, vendor, root, item: item as TrashedItem,
    }));
  }

  /**
   * A remote folder's children: entries with URI paths (a space's RemoteFs lists paths relative to its root), folders
   * first like the Explorer, whatever order the service lists in (Kingsoft Docs lists personal files by name only).
   */
  private async folder(parent: TreeNode, path: string): Promise<TreeNode[]> {
    const { accountId, vendor } = parent;
    const fetch: PageFetcher<{ entry: Entry; caps: CapabilityName[] }> = async (cursor) => {
      const m = await (await this.accounts.connection(accountId, vendor)).resolve(path);
      const page = await m.fs.list(m.path, cursor, { pageSize: config.pageSize() });
      const caps = capabilityNames(m.caps);
      return { ...page, items: page.items.map((e) => ({ entry: { ...e, path: joinPath(m.root, e.path) }, caps })) };
    };
    const nodes = await this.paged(parent, folderKey(accountId, path), fetch as PageFetcher<unknown>, (item) => {
      const { entry, caps } = item as { entry: Entry; caps: CapabilityName[] };
      return { kind: 'entry', id: entryId(accountId, entry.path), accountId, vendor, entry, caps };
    });
    // Stable: the service's order stays within each group, and "Load more" (no folder) stays last. Only loaded pages
    // are sorted, so a folder a later page brings joins the folders above.
    const isFolder = (n: TreeNode) => n.kind === 'entry' && n.entry.type === 'folder';
    return [...nodes.filter(isFolder), ...nodes.filter((n) => !isFolder(n))];
  }

  private async paged(parent: TreeNode, key: string, fetch: PageFetcher<unknown>, toNode: (item: unknown) => TreeNode): Promise<TreeNode[]> {
    let state = this.listings.get(key);
    if (!state) {
      const page = await fetch(undefined);
      state = { owner: parent, items: page.items, next: page.next, fetch };
      this.listings.set(key, state);
    }
    const children = state.items.map((item) => this.child(parent, toNode(item)));
    if (state.next) children.push(this.child(parent, { kind: 'loadMore', id: `${parent.id}/more`, accountId: parent.accountId, vendor: parent.vendor, listing: key }));
    return children;
  }

  /** Fetches and appends the next page; false when there is none or the listing was refreshed meanwhile. */
  private async appendPage(key: string): Promise<boolean> {
    const state = this.listings.get(key);
    if (!state?.next) return false;
    const page = await state.fetch(state.next);
    if (this.listings.get(key) !== state) return false; // refreshed while loading: the new listing starts from its first page
    state.items.push(...page.items);
    state.next = page.next;
    return true;
  }

  /** True when `n` is `ancestor` or below it. */
  private isWithin(n: TreeNode, ancestor: TreeNode): boolean {
    for (let cur: TreeNode | undefined = n; cur; cur = this.parents.get(cur.id)) if (cur.id === ancestor.id) return true;
    return false;
  }

  private child<N extends TreeNode>(parent: TreeNode, n: N): N {
    const node = this.node(n);
    this.parents.set(node.id, parent);
    return node;
  }

  /** Returns the known instance for this id with fresh data copied in, or registers the new one. */
  private node<N extends TreeNode>(n: N): N {
    const known = this.nodes.get(n.id);
    if (known && known.kind === n.kind) {
      Object.assign(known, n);
      return known as N;
    }
    this.nodes.set(n.id, n);
    return n;
  }
}
