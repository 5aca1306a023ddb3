import * as vscode from 'vscode';
import type { GkStat } from '../../../vendors/gokuai/wire';
import { formatBytes, md } from '../../format';
import { contextValue } from '../../tree/context';
import type { AccountNode, TreeContext, TreeNode, VendorTree } from '../../types';
import { toUri } from '../../uri';
import { gokuaiConnection, type GokuaiConnection } from './connection';
import { type GokuaiNode, isGokuaiNode } from './nodes';

export const GOKUAI_SCHEME = 'gokuai';

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
  const caps = await ctx.capsOf(node.accountId, '');
  return ctx.child<GokuaiNode>(node, { kind: 'vendor', vendorKind: 'library', id: `${node.accountId}/library`, accountId: node.accountId, vendor: 'gokuai', stat, caps });
}

/** account -> library (usage from `stat`) -> folders and files, then the library's recycle bin (generic). */
export const gokuaiTree: VendorTree = {
  async accountChildren(account, ctx) {
    return [await library(account, ctx)];
  },

  async children(node, ctx) {
    if (!isGokuaiNode(node)) return [];
    const bin = await ctx.bin(node, '');
    return [...await ctx.folder(node, ''), ...(bin ? [bin] : [])] as TreeNode[];
  },

  treeItem(node) {
    if (!isGokuaiNode(node)) return new vscode.TreeItem(node.id);
    const s = node.stat;
    const item = new vscode.TreeItem(s.org_name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('library');
    item.resourceUri = toUri({ scheme: GOKUAI_SCHEME, accountId: node.accountId, path: '' });
    item.description = vscode.l10n.t('{0} of {1}', formatBytes(s.size), formatBytes(s.capacity));
    item.tooltip = new vscode.MarkdownString([`**${md(s.org_name)}**`, ...usageLines(s)].join('\n\n'));
    // 'root': the generic folder commands (upload, new file...) and the library's capabilities apply to it.
    item.contextValue = contextValue('root', { vendor: 'gokuai', caps: node.caps });
    return item;
  },

  targetOf(node) {
    return isGokuaiNode(node) ? { scheme: GOKUAI_SCHEME, accountId: node.accountId, path: '', type: 'folder' } : undefined;
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
