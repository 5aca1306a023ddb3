import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { Entry } from '../../core/model';
import { offsetPager, type PageFetcher } from '../../core/paging';
import type { GkFile, GkStat } from '../../vendors/gokuai/wire';
import { type Accounts, accountLabel } from '../accounts';
import { config } from '../config';
import { describeError } from '../errors';
import { formatBytes, formatTime, md } from '../format';
import { fromUri, parentPath, SCHEME, toUri } from '../uri';
import type { TreeNode } from './nodes';

/** The pages of one listing loaded so far; `next` is the cursor of the page "Load more" fetches. */
interface Pages<T> { items: T[]; next?: string }

const folderKey = (accountId: string, path: string) => accountId + '\n' + path;

/** Usage lines shared by the account and library tooltips. */
function usageLines(s: GkStat): string[] {
  return [
    vscode.l10n.t('Used: {0} of {1}', formatBytes(s.size), formatBytes(s.capacity)),
    vscode.l10n.t('Recycle bin: {0}', formatBytes(s.size_recycle)),
    vscode.l10n.t('Files: {0}', s.count_file),
  ];
}

/**
 * account -> library -> folders -> files, loaded lazily one page at a time ("Load more" for the rest). Failures become
 * an error node in place of the children, never a pop-up.
 */
export class DocTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One instance per node id: VS Code matches refresh events by element identity. */
  private readonly nodes = new Map<string, TreeNode>();
  private readonly parents = new Map<string, TreeNode>();
  /** Folder listings by folderKey. */
  private readonly pages = new Map<string, Pages<Entry>>();
  /** Recycle-bin listings by account id. */
  private readonly bins = new Map<string, Pages<GkFile>>();
  /** "Load more" in flight per load-more node: a second click joins it instead of appending the same page twice. */
  private readonly loading = new Map<string, Promise<void>>();
  /** Last `stat` per account (library node), for the account tooltip. */
  private readonly stats = new Map<string, GkStat>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly accounts: Accounts, private readonly log: Logger) {
    this.subscription = accounts.onDidChange(() => this.refresh());
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  /** Whole tree (no argument) or one node and everything below it; other listings keep their loaded pages. */
  refresh(node?: TreeNode): void {
    if (!node) {
      this.pages.clear();
      this.bins.clear();
      this.changed.fire(undefined);
      return;
    }
    switch (node.kind) {
      case 'error':
      case 'loadMore': {
        // Stands for the listing it belongs to.
        const owner = this.parents.get(node.id);
        if (owner) this.refresh(owner);
        return;
      }
      case 'account':
      case 'library':
        this.forgetFolders(node.accountId, '');
        this.bins.delete(node.accountId);
        break;
      case 'entry':
        if (node.entry.type === 'folder') this.forgetFolders(node.accountId, node.entry.path);
        break;
      case 'recycleBin':
        this.bins.delete(node.accountId);
        break;
      case 'recycled':
        break;
    }
    this.changed.fire(node);
  }

  /** Re-lists the folders that contain the given URIs (after our own or detected changes), if they were loaded. */
  refreshUris(uris: readonly vscode.Uri[]): void {
    const folders = new Map<string, TreeNode | undefined>();
    for (const uri of uris) {
      if (uri.scheme !== SCHEME) continue;
      const { accountId, path } = fromUri(uri);
      const parent = parentPath(path);
      if (!this.pages.has(folderKey(accountId, parent))) continue;
      folders.set(folderKey(accountId, parent), this.nodes.get(parent === '' ? `${accountId}/library` : `${accountId}/e/${parent}`));
    }
    for (const [key, node] of folders) {
      this.pages.delete(key);
      if (node) this.changed.fire(node);
    }
  }

  /** Re-lists an account's recycle bin (after restoring or purging), if it was loaded. */
  refreshRecycleBin(accountId: string): void {
    const bin = this.nodes.get(`${accountId}/recycle`);
    if (bin) this.refresh(bin);
    else this.bins.delete(accountId);
  }

  /** Appends the next page of the listing a "Load more" node ends. Concurrent calls for one node share one request. */
  loadMore(node: TreeNode): Promise<void> {
    if (node.kind !== 'loadMore') return Promise.resolve();
    let pending = this.loading.get(node.id);
    if (!pending) {
      pending = (node.recycleBin
        ? this.appendPage(this.bins, node.accountId, this.binPager(node.accountId))
        : this.appendPage(this.pages, folderKey(node.accountId, node.parentPath), this.folderPager(node.accountId, node.parentPath))
      ).then((appended) => { if (appended) this.changed.fire(this.parents.get(node.id)); })
        .finally(() => this.loading.delete(node.id));
      this.loading.set(node.id, pending);
    }
    return pending;
  }

  getParent(node: TreeNode): TreeNode | undefined {
    return this.parents.get(node.id);
  }

  /** The node of a remote URI, if the tree has shown it. */
  nodeFor(uri: vscode.Uri): TreeNode | undefined {
    const { accountId, path } = fromUri(uri);
    return this.nodes.get(path === '' ? `${accountId}/library` : `${accountId}/e/${path}`);
  }

  async getChildren(node?: TreeNode): Promise<TreeNode[]> {
    if (!node) return this.accounts.list().map((a) => this.node({ kind: 'account', id: a.id, accountId: a.id }));
    try {
      switch (node.kind) {
        case 'account': return [await this.library(node)];
        case 'library': return [...await this.folder(node, ''), this.child(node, { kind: 'recycleBin', id: `${node.accountId}/recycle`, accountId: node.accountId })];
        case 'entry': return node.entry.type === 'folder' ? await this.folder(node, node.entry.path) : [];
        case 'recycleBin': return await this.recycleBin(node);
        default: return [];
      }
    } catch (e) {
      this.log.warn(`Listing ${node.id} failed`, e);
      return [this.child(node, { kind: 'error', id: `${node.id}/error`, accountId: node.accountId, error: describeError(e), retry: node })];
    }
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'account': {
        const info = this.accounts.find(node.accountId);
        const item = new vscode.TreeItem(info ? accountLabel(info) : node.accountId, C.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(info?.sandbox ? 'beaker' : 'cloud');
        // The sandbox's host is a random loopback port: noise in the tree (it stays in the tooltip).
        item.description = info?.sandbox ? undefined : info?.host;
        // The tooltip (with the library usage) is built on hover by resolveTreeItem.
        item.contextValue = info?.sandbox ? 'account.sandbox' : 'account';
        return item;
      }
      case 'library': {
        const s = node.stat;
        const item = new vscode.TreeItem(s.org_name, C.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('library');
        item.resourceUri = toUri({ accountId: node.accountId, path: '' });
        item.description = vscode.l10n.t('{0} of {1}', formatBytes(s.size), formatBytes(s.capacity));
        item.tooltip = new vscode.MarkdownString([`**${md(s.org_name)}**`, ...usageLines(s)].join('\n\n'));
        item.contextValue = 'library';
        return item;
      }
      case 'entry': return this.entryItem(node.accountId, node.entry, node.id);
      case 'loadMore': {
        const item = new vscode.TreeItem(vscode.l10n.t('Load more…'), C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'docWorkspaces.loadMore', title: vscode.l10n.t('Load more…'), arguments: [node] };
        item.contextValue = 'loadMore';
        return item;
      }
      case 'recycleBin': {
        const item = new vscode.TreeItem(vscode.l10n.t('Recycle bin'), C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('trash');
        item.contextValue = 'recycleBin';
        return item;
      }
      case 'recycled': {
        const f = node.file;
        const item = new vscode.TreeItem(f.filename, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(f.dir ? 'folder' : 'file');
        item.description = parentPath(f.fullpath) || '/';
        item.tooltip = [f.fullpath, f.dir ? '' : formatBytes(f.filesize), f.last_member_name ?? ''].filter(Boolean).join('\n');
        item.contextValue = 'recycled';
        return item;
      }
      case 'error': {
        const item = new vscode.TreeItem(node.error.message, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.tooltip = node.error.hint;
        item.description = node.error.hint;
        item.contextValue = 'error';
        item.command = node.error.credentials && !this.accounts.find(node.accountId)?.sandbox
          ? { command: 'docWorkspaces.updateCredentials', title: vscode.l10n.t('Update credentials…'), arguments: [node.accountId] }
          : { command: 'docWorkspaces.refreshNode', title: vscode.l10n.t('Retry'), arguments: [node] };
        return item;
      }
    }
  }

  /** Fills in the account tooltip on hover: name, kind, host and the library usage from `stat`. */
  async resolveTreeItem(item: vscode.TreeItem, node: TreeNode): Promise<vscode.TreeItem> {
    if (node.kind !== 'account') return item;
    const info = this.accounts.find(node.accountId);
    let stat = this.stats.get(node.accountId);
    if (!stat) {
      try {
        stat = await (await this.accounts.connection(node.accountId)).api.stat();
      } catch (e) {
        this.log.debug(`stat for the tooltip of ${node.id} failed`, e);
      }
    }
    item.tooltip = new vscode.MarkdownString([
      `**${md(String(item.label ?? node.accountId))}**`,
      info?.sandbox ? vscode.l10n.t('Built-in sandbox: a local Gokuai emulator with demo files. Changes are lost when VS Code closes.') : vscode.l10n.t('Gokuai library'),
      md(info?.host ?? ''),
      ...(stat ? usageLines(stat) : []),
    ].join('\n\n'));
    return item;
  }

  private entryItem(accountId: string, e: Entry, id: string): vscode.TreeItem {
    const folder = e.type === 'folder';
    const item = new vscode.TreeItem(e.name, folder ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = id;
    // resourceUri (and no iconPath) lets the user's file icon theme pick the icon.
    item.resourceUri = toUri({ accountId, path: e.path });
    if (e.locked) item.description = vscode.l10n.t('locked');
    const lines = [`**${md(e.name)}**`];
    if (!folder) lines.push(vscode.l10n.t('Size: {0}', formatBytes(e.size)));
    if (e.mtime) lines.push(vscode.l10n.t('Modified: {0}', formatTime(e.mtime)) + (e.modifiedBy ? ' — ' + md(e.modifiedBy) : ''));
    if (e.tags?.length) lines.push(vscode.l10n.t('Tags: {0}', md(e.tags.join(', '))));
    if (e.locked) lines.push(vscode.l10n.t('Locked'));
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.contextValue = folder ? 'folder' : e.locked ? 'file.locked' : 'file';
    if (!folder) item.command = { command: 'vscode.open', title: vscode.l10n.t('Open'), arguments: [item.resourceUri] };
    return item;
  }

  private async library(node: TreeNode & { kind: 'account' }): Promise<TreeNode> {
    const stat = await (await this.accounts.connection(node.accountId)).api.stat();
    if (!this.accounts.find(node.accountId)?.sandbox) await this.accounts.setLibraryName(node.accountId, stat.org_name);
    this.stats.set(node.accountId, stat);
    return this.child(node, { kind: 'library', id: `${node.accountId}/library`, accountId: node.accountId, stat });
  }

  private async folder(node: TreeNode, path: string): Promise<TreeNode[]> {
    const state = await this.firstPage(this.pages, folderKey(node.accountId, path), this.folderPager(node.accountId, path));
    const children = state.items.map((entry) => this.child(node, { kind: 'entry', id: `${node.accountId}/e/${entry.path}`, accountId: node.accountId, entry }));
    if (state.next) children.push(this.child(node, { kind: 'loadMore', id: `${node.accountId}/more/${path}`, accountId: node.accountId, parentPath: path }));
    return children;
  }

  private async recycleBin(node: TreeNode): Promise<TreeNode[]> {
    const state = await this.firstPage(this.bins, node.accountId, this.binPager(node.accountId));
    const children = state.items.map((file) => this.child(node, { kind: 'recycled', id: `${node.accountId}/recycled/${file.hash || file.fullpath}`, accountId: node.accountId, file }));
    if (state.next) children.push(this.child(node, { kind: 'loadMore', id: `${node.accountId}/more-recycled`, accountId: node.accountId, parentPath: '', recycleBin: true }));
    return children;
  }

  private folderPager(accountId: string, path: string): PageFetcher<Entry> {
    return async (cursor) => (await this.accounts.connection(accountId)).fs.list(path, cursor, { pageSize: config.pageSize() });
  }

  private binPager(accountId: string): PageFetcher<GkFile> {
    return offsetPager(async (start, size) => {
      const r = await (await this.accounts.connection(accountId)).api.recycle({ start, size });
      return { items: r.list, total: r.count };
    }, config.pageSize());
  }

  /** The pages loaded so far, loading the first one when there are none. */
  private async firstPage<T>(map: Map<string, Pages<T>>, key: string, fetch: PageFetcher<T>): Promise<Pages<T>> {
    const known = map.get(key);
    if (known) return known;
    const page = await fetch(undefined);
    const state = { items: page.items, next: page.next };
    map.set(key, state);
    return state;
  }

  /** Fetches and appends the next page; false when there is none or the listing was refreshed meanwhile. */
  private async appendPage<T>(map: Map<string, Pages<T>>, key: string, fetch: PageFetcher<T>): Promise<boolean> {
    const state = map.get(key);
    if (!state?.next) return false;
    const page = await fetch(state.next);
    if (map.get(key) !== state) return false; // refreshed while loading: the new listing starts from its first page
    state.items.push(...page.items);
    state.next = page.next;
    return true;
  }

  /** Drops the loaded pages of a folder and every folder below it ('' = the whole library). */
  private forgetFolders(accountId: string, path: string): void {
    for (const key of [...this.pages.keys()]) {
      const [acc, p] = key.split('\n');
      if (acc === accountId && (path === '' || p === path || p.startsWith(path + '/'))) this.pages.delete(key);
    }
  }

  private child(parent: TreeNode, n: TreeNode): TreeNode {
    const node = this.node(n);
    this.parents.set(node.id, parent);
    return node;
  }

  /** Returns the known instance for this id with fresh data copied in, or registers the new one. */
  private node(n: TreeNode): TreeNode {
    const known = this.nodes.get(n.id);
    if (known && known.kind === n.kind) {
      Object.assign(known, n);
      return known;
    }
    this.nodes.set(n.id, n);
    return n;
  }
}
