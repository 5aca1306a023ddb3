import * as vscode from 'vscode';
import type { Entry } from '../../../core/model';
import type { KdFile, KdUsage } from '../../../vendors/kdocs';
import type { KdSpaceName, PersonalSection } from '../../../vendors/kdocs/operations';
import type { AccountInfo } from '../../accounts';
import { config } from '../../config';
import { formatBytes, formatTime, md } from '../../format';
import type { AccountNode, EntryNode, TreeNode } from '../../tree/nodes';
import type { TreeContext, VendorTree } from '../types';
import { type KdocsAccountInfo, type KdocsConnection, kdocsConnection } from './connection';
import type { KdocsNode } from './nodes';
import { binListing, KDOCS_SCHEME, kdocsUri, locate, sectionListing, uriPathOf } from './paths';
import { isKnownBinaryName } from './personal';
import { profileOf } from './profile';

/** Command that opens an online document (.otl, .ksheet, .dbt) in the browser (registered in index.ts). */
export const OPEN_ONLINE_COMMAND = 'docWorkspaces.kdocs.openInBrowser';
/** Command behind the "Sign in again" node (argument: the account id). */
export const SIGN_IN_COMMAND = 'docWorkspaces.kdocs.signIn';

const SECTIONS: readonly PersonalSection[] = ['recent', 'starred', 'appFolder'];

type Node<K extends KdocsNode['kind']> = Extract<KdocsNode, { kind: K }>;

/** Node ids are unique in the whole tree: account id + section + what the node stands for. */
const base = (accountId: string) => ({ accountId, vendor: 'kdocs' as const });

function sectionLabel(s: PersonalSection): string {
  return s === 'recent' ? vscode.l10n.t('Recent') : s === 'starred' ? vscode.l10n.t('Starred') : vscode.l10n.t('App folder');
}

function usageText(u: KdUsage): string {
  return u.total ? vscode.l10n.t('{0} of {1}', formatBytes(u.used), formatBytes(u.total)) : formatBytes(u.used);
}

/** Codicons of the online document types (their bytes are no editable format: they open in the browser). */
const ONLINE_ICONS: Record<string, string> = { '.otl': 'notebook', '.ksheet': 'table', '.dbt': 'database' };

function onlineIcon(name: string): string {
  const ext = /\.[^.]+$/.exec(name)?.[0].toLowerCase() ?? '';
  return ONLINE_ICONS[ext] ?? 'globe';
}

/** Usage of the app space, or undefined when the service does not tell (the tree still works). */
/** Last app-space usage per connection (read when the account is listed), for the tooltip; dropped with the connection. */
const usages = new WeakMap<KdocsConnection, KdUsage>();

/** The app space's usage (undefined when the call fails); `cached` takes the last one read when there is one. */
async function usageOf(conn: KdocsConnection, ctx: TreeContext, cached = false): Promise<KdUsage | undefined> {
  try {
    const usage = (cached ? usages.get(conn) : undefined) ?? await conn.ops.usage();
    usages.set(conn, usage);
    return usage;
  } catch (e) {
    ctx.log.debug(`Kingsoft Docs usage of ${conn.accountId} failed`, e);
    return undefined;
  }
}

async function sectionItems(node: Node<'kdSection'>, ctx: TreeContext): Promise<TreeNode[]> {
  const { accountId, section } = node;
  return ctx.paged<Entry>(node, sectionListing(accountId, section), async (cursor) => {
    const conn = await kdocsConnection(ctx.accounts, accountId);
    return conn.ops.section(section, cursor, { pageSize: config.pageSize() });
  }, (e) => {
    const entry = { ...e, path: uriPathOf('personal', e.path) };
    // Own ids: the same file may be listed in Recent and Starred (and under My documents).
    return { kind: 'entry', id: `${accountId}/${section}/${entry.path}`, ...base(accountId), entry };
  });
}

async function binItems(node: Node<'kdRecycleBin'>, ctx: TreeContext): Promise<TreeNode[]> {
  const { accountId, space } = node;
  return ctx.paged<KdFile>(node, binListing(accountId, space), async (cursor) => {
    const conn = await kdocsConnection(ctx.accounts, accountId);
    return conn.ops.recycleBin(space, cursor, { pageSize: config.pageSize() });
  }, (file): Node<'kdRecycled'> => ({ kind: 'kdRecycled', id: `${accountId}/bin/${space}/${file.token}`, ...base(accountId), space, file }));
}

/**
 * account -> Personal (My documents, Recent, Starred, App folder, Recycle bin) and App space (folders, Trash). When
 * the personal sign-in is gone, a "Sign in again" node stands in for Personal and the app space keeps working.
 */
export const kdocsTree: VendorTree<KdocsNode> = {
  async accountChildren(account: AccountNode, ctx) {
    const { accountId } = account;
    const conn = await kdocsConnection(ctx.accounts, accountId);
    const info = ctx.accounts.find(accountId) as KdocsAccountInfo | undefined;
    // The user's name and avatar (best effort: a failure that loses the sign-in shows up as signedOut below), and the
    // app space's usage (signed with the app key: independent of the sign-in), side by side.
    const [, usage] = await Promise.all([!conn.signedOut() && info ? profileOf(conn, info, ctx) : undefined, usageOf(conn, ctx)]);
    const lost = conn.signedOut();
    const personal: KdocsNode = lost
      ? { kind: 'kdSignIn', id: `${accountId}/signIn`, ...base(accountId), reason: lost.message }
      : { kind: 'kdSpace', id: `${accountId}/personal`, ...base(accountId), space: 'personal' };
    const app: KdocsNode = { kind: 'kdSpace', id: `${accountId}/appspace`, ...base(accountId), space: 'appspace', usage };
    return [ctx.child(account, personal), ctx.child(account, app)];
  },

  async children(node, ctx) {
    const { accountId } = node;
    switch (node.kind) {
      case 'kdSpace':
        if (node.space === 'appspace') {
          return [...await ctx.folder(node, 'appspace'), ctx.child(node, { kind: 'kdRecycleBin', id: `${accountId}/bin/appspace`, ...base(accountId), space: 'appspace' })];
        }
        return [
          ctx.child(node, { kind: 'kdMyDocs', id: `${accountId}/mydocs`, ...base(accountId) }),
          ...SECTIONS.map((section) => ctx.child(node, { kind: 'kdSection', id: `${accountId}/section/${section}`, ...base(accountId), section })),
          ctx.child(node, { kind: 'kdRecycleBin', id: `${accountId}/bin/personal`, ...base(accountId), space: 'personal' }),
        ];
      case 'kdMyDocs': return ctx.folder(node, 'personal');
      case 'kdSection': return sectionItems(node, ctx);
      case 'kdRecycleBin': return binItems(node, ctx);
      case 'kdRecycled':
      case 'kdSignIn': return [];
    }
  },

  treeItem(node) {
    const C = vscode.TreeItemCollapsibleState;
    const item = (label: string, icon: string, state: vscode.TreeItemCollapsibleState, contextValue: string) => {
      const it = new vscode.TreeItem(label, state);
      it.id = node.id;
      it.iconPath = new vscode.ThemeIcon(icon);
      it.contextValue = contextValue;
      return it;
    };
    switch (node.kind) {
      case 'kdSpace': {
        if (node.space === 'personal') return item(vscode.l10n.t('Personal'), 'person', C.Expanded, 'kdocs.section');
        const it = item(vscode.l10n.t('App space'), 'server', C.Expanded, 'kdocs.root');
        it.resourceUri = kdocsUri(node.accountId, 'appspace', '');
        if (node.usage) it.description = usageText(node.usage);
        it.tooltip = new vscode.MarkdownString([
          `**${md(vscode.l10n.t('App space'))}**`,
          md(vscode.l10n.t('Files of the open-platform app, shared by everyone who uses it.')),
          ...(node.usage ? [md(vscode.l10n.t('Used: {0}', usageText(node.usage)))] : []),
        ].join('\n\n'));
        return it;
      }
      case 'kdMyDocs': {
        const it = item(vscode.l10n.t('My documents'), 'folder-library', C.Collapsed, 'kdocs.root');
        it.resourceUri = kdocsUri(node.accountId, 'personal', '');
        return it;
      }
      case 'kdSection':
        return item(sectionLabel(node.section), node.section === 'recent' ? 'history' : node.section === 'starred' ? 'star-full' : 'folder-active', C.Collapsed, 'kdocs.section');
      case 'kdRecycleBin':
        return item(node.space === 'personal' ? vscode.l10n.t('Recycle bin') : vscode.l10n.t('Trash'), 'trash', C.Collapsed, 'kdocs.recycleBin');
      case 'kdRecycled': {
        const f = node.file;
        const it = item(f.name, f.type === 'folder' ? 'folder' : 'file', C.None, `kdocs.recycled.${node.space}`);
        it.description = f.mtime ? formatTime(f.mtime * 1000) : undefined;
        it.tooltip = [f.name, f.type === 'folder' ? '' : formatBytes(f.size), f.modifier ?? ''].filter(Boolean).join('\n');
        return it;
      }
      case 'kdSignIn': {
        const it = item(vscode.l10n.t('Sign in again'), 'sign-in', C.None, 'kdocs.signIn');
        it.description = vscode.l10n.t('personal files');
        it.tooltip = node.reason;
        it.command = { command: SIGN_IN_COMMAND, title: vscode.l10n.t('Sign in again'), arguments: [node.accountId] };
        return it;
      }
    }
  },

  targetOf(node) {
    if (node.kind === 'kdMyDocs') return { scheme: KDOCS_SCHEME, accountId: node.accountId, path: 'personal', type: 'folder' };
    if (node.kind === 'kdSpace' && node.space === 'appspace') return { scheme: KDOCS_SCHEME, accountId: node.accountId, path: 'appspace', type: 'folder' };
    return undefined;
  },

  decorateEntry(item: vscode.TreeItem, node: EntryNode) {
    const e = node.entry;
    if (e.type === 'folder') return;
    const space: KdSpaceName = locate(node.accountId, e.path)?.space ?? 'appspace';
    const online = e.kind === 'online-doc';
    // '.binary': no "Edit a Copy" on personal files that are surely not text.
    const suffix = online ? '.online' : space === 'personal' && isKnownBinaryName(e.name) ? '.binary' : '';
    item.contextValue = `kdocs.entry.file.${space}${suffix}`;
    if (online) {
      item.iconPath = new vscode.ThemeIcon(onlineIcon(e.name));
      item.command = { command: OPEN_ONLINE_COMMAND, title: vscode.l10n.t('Open in Browser'), arguments: [node] };
    } else if (space === 'personal') {
      item.description = [item.description, vscode.l10n.t('read-only')].filter(Boolean).join(' · ');
    }
  },

  async accountTooltip(info: AccountInfo, ctx) {
    const lines = [
      info.sandbox
        ? vscode.l10n.t('Built-in sandbox: a local Kingsoft Docs emulator with demo files. Changes are lost when VS Code closes.')
        : vscode.l10n.t('Kingsoft Docs'),
    ];
    try {
      const conn = await kdocsConnection(ctx.accounts, info.id);
      if (conn.signedOut()) lines.push(md(vscode.l10n.t('Personal files: signed out — sign in again.')));
      const usage = await usageOf(conn, ctx, true);
      if (usage) lines.push(md(vscode.l10n.t('App space: {0}', usageText(usage))));
    } catch (e) {
      ctx.log.debug(`Tooltip of ${info.id} failed`, e);
    }
    return lines;
  },
};
