import * as vscode from 'vscode';
import { offsetPager, type PageFetcher } from '../../../core/paging';
import type { GokuaiApi } from '../../../vendors/gokuai/api';
import type { GkFile, GkStat } from '../../../vendors/gokuai/wire';
import { config } from '../../config';
import { formatBytes, md } from '../../format';
import type { AccountNode } from '../../tree/nodes';
import { parentPath, toUri } from '../../uri';
import type { TreeContext, VendorTree } from '../types';
import { gokuaiConnection, type GokuaiConnection } from './connection';
import type { GokuaiNode } from './nodes';

export const GOKUAI_SCHEME = 'gokuai';

/** Key of an account's recycle-bin listing (Tree refreshListing re-lists it after a restore or purge). */
export const recycleBinListing = (accountId: string) => 'gokuai.recycle\n' + accountId;

/** Last `stat` per connection (library node), for the account tooltip; dropped with the connection. */
const stats = new WeakMap<GokuaiConnection, GkStat>();

/** Usage lines shared by the account and library tooltips. */
function usageLines(s: GkStat): string[] {
  return [
    vscode.l10n.t('Used: {0} of {1}', formatBytes(s.size), formatBytes(s.capacity)),
    vscode.l10n.t('Recycle bin: {0}', formatBytes(s.size_recycle)),
    vscode.l10n.t('Files: {0}', s.count_file),
  ];
}

async function library(node: AccountNode, ctx: TreeContext): Promise<GokuaiNode> {
  const conn = await gokuaiConnection(ctx.accounts, node.accountId);
  const stat = await conn.api.stat();
  if (!ctx.accounts.find(node.accountId)?.sandbox) await ctx.accounts.update(node.accountId, { libraryName: stat.org_name });
  stats.set(conn, stat);
  return ctx.child(node, { kind: 'library', id: `${node.accountId}/library`, accountId: node.accountId, vendor: 'gokuai', stat });
}

/** Pages of a library's recycle bin (`api` is awaited per page: the tree asks for its connection lazily). */
export function recyclePager(api: () => Promise<GokuaiApi>, pageSize: number, signal?: AbortSignal): PageFetcher<GkFile> {
  return offsetPager(async (start, size) => {
    const r = await (await api()).recycle({ start, size }, { signal });
    return { items: r.list, total: r.count };
  }, pageSize);
}

function recycled(node: GokuaiNode, ctx: TreeContext) {
  const fetch = recyclePager(async () => (await gokuaiConnection(ctx.accounts, node.accountId)).api, config.pageSize());
  return ctx.paged<GkFile>(node, recycleBinListing(node.accountId), fetch, (file) =>
    ({ kind: 'recycled', id: `${node.accountId}/recycled/${file.hash || file.fullpath}`, accountId: node.accountId, vendor: 'gokuai', file }));
}

/** account -> library (usage from `stat`) -> folders and files, and the library's recycle bin. */
export const gokuaiTree: VendorTree<GokuaiNode> = {
  async accountChildren(account, ctx) {
    return [await library(account, ctx)];
  },

  async children(node, ctx) {
    switch (node.kind) {
      case 'library': return [...await ctx.folder(node, ''), ctx.child(node, { kind: 'recycleBin', id: `${node.accountId}/recycle`, accountId: node.accountId, vendor: 'gokuai' })];
      case 'recycleBin': return recycled(node, ctx);
      case 'recycled': return [];
    }
  },

  treeItem(node) {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'library': {
        const s = node.stat;
        const item = new vscode.TreeItem(s.org_name, C.Expanded);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('library');
        item.resourceUri = toUri({ scheme: GOKUAI_SCHEME, accountId: node.accountId, path: '' });
        item.description = vscode.l10n.t('{0} of {1}', formatBytes(s.size), formatBytes(s.capacity));
        item.tooltip = new vscode.MarkdownString([`**${md(s.org_name)}**`, ...usageLines(s)].join('\n\n'));
        // 'root': the generic folder commands (upload, new file...) apply to it (see vendors/README.md).
        item.contextValue = 'gokuai.root';
        return item;
      }
      case 'recycleBin': {
        const item = new vscode.TreeItem(vscode.l10n.t('Recycle bin'), C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon('trash');
        item.contextValue = 'gokuai.recycleBin';
        return item;
      }
      case 'recycled': {
        const f = node.file;
        const item = new vscode.TreeItem(f.filename, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(f.dir ? 'folder' : 'file');
        item.description = parentPath(f.fullpath) || '/';
        item.tooltip = [f.fullpath, f.dir ? '' : formatBytes(f.filesize), f.last_member_name ?? ''].filter(Boolean).join('\n');
        item.contextValue = 'gokuai.recycled';
        return item;
      }
    }
  },

  targetOf(node) {
    return node.kind === 'library' ? { scheme: GOKUAI_SCHEME, accountId: node.accountId, path: '', type: 'folder' } : undefined;
  },

  async accountTooltip(info, ctx) {
    let stat: GkStat | undefined;
    try {
      const conn = await gokuaiConnection(ctx.accounts, info.id);
      stat = stats.get(conn) ?? await conn.api.stat();
    } catch (e) {
      ctx.log.debug(`stat for the tooltip of ${info.id} failed`, e);
    }
    return [
      info.sandbox ? vscode.l10n.t('Built-in sandbox: a local Gokuai emulator with demo files. Changes are lost when VS Code closes.') : vscode.l10n.t('Gokuai library'),
      md(info.host ?? ''),
      ...(stat ? usageLines(stat) : []),
    ];
  },
};
