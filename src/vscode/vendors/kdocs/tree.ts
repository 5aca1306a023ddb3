import * as vscode from 'vscode';
import type { Entry } from '../../../core/model';
import type { KdUsage } from '../../../vendors/kdocs';
import type { PersonalSection } from '../../../vendors/kdocs/operations';
import { config } from '../../config';
import { formatBytes, md } from '../../format';
import { contextValue } from '../../tree/context';
import type { AccountInfo, AccountNode, TreeContext, TreeNode, VendorTree } from '../../types';
import { type KdocsAccountInfo, type KdocsConnection, kdocsConnection } from './connection';
import { isKdocsNode, type KdocsNode } from './nodes';
import { KDOCS_SCHEME, kdocsUri, sectionListing, uriPathOf } from './paths';
import { profileOf } from './profile';

const SECTIONS: readonly PersonalSection[] = ['recent', 'starred', 'appFolder'];

type Node<K extends KdocsNode['vendorKind']> = Extract<KdocsNode, { vendorKind: K }>;

/** Node ids are unique in the whole tree: account id + section + what the node stands for. */
const base = (accountId: string) => ({ accountId, vendor: 'kdocs', kind: 'vendor' as const });

function sectionLabel(s: PersonalSection): string {
  return s === 'recent' ? vscode.l10n.t('Recent') : s === 'starred' ? vscode.l10n.t('Starred') : vscode.l10n.t('App folder');
}

function usageText(u: KdUsage): string {
  return u.total ? vscode.l10n.t('{0} of {1}', formatBytes(u.used), formatBytes(u.total)) : formatBytes(u.used);
}

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
  const caps = await ctx.capsOf(accountId, 'personal');
  return ctx.paged<Entry>(node, sectionListing(accountId, section), async (cursor) => {
    const conn = await kdocsConnection(ctx.accounts, accountId);
    return conn.ops.section(section, cursor, { pageSize: config.pageSize() });
  }, (e) => {
    const entry = { ...e, path: uriPathOf('personal', e.path) };
    // Own ids: the same file may be listed in Recent and Starred (and under My documents).
    return { ...base(accountId), kind: 'entry', id: `${accountId}/${section}/${entry.path}`, entry, caps };
  });
}

/**
 * account -> Personal (My documents, Recent, Starred, App folder, Recycle bin) and App space (folders, Trash). When
 * the personal sign-in is gone, a "Sign in again" node stands in for Personal and the app space keeps working.
 */
export const kdocsTree: VendorTree = {
  async accountChildren(account: AccountNode, ctx) {
    const { accountId } = account;
    const conn = await kdocsConnection(ctx.accounts, accountId);
    const info = ctx.accounts.find(accountId) as KdocsAccountInfo | undefined;
    // The user's name and avatar (best effort: a failure that loses the sign-in shows up as signedOut below), and the
    // app space's usage (signed with the app key: independent of the sign-in), side by side.
    const [, usage] = await Promise.all([!conn.signedOut() && info ? profileOf(conn, info, ctx) : undefined, usageOf(conn, ctx)]);
    const lost = conn.signedOut();
    const personal: KdocsNode = lost
      ? { vendorKind: 'kdSignIn', id: `${accountId}/signIn`, ...base(accountId), reason: lost.message }
      : { vendorKind: 'kdSpace', id: `${accountId}/personal`, ...base(accountId), space: 'personal' };
    const app: KdocsNode = { vendorKind: 'kdSpace', id: `${accountId}/appspace`, ...base(accountId), space: 'appspace', usage, caps: await ctx.capsOf(accountId, 'appspace') };
    return [ctx.child(account, personal), ctx.child(account, app)];
  },

  async children(node, ctx) {
    if (!isKdocsNode(node)) return [];
    const { accountId } = node;
    const bin = async (space: string) => {
      const b = await ctx.bin(node, space);
      return b ? [b] : [];
    };
    switch (node.vendorKind) {
      case 'kdSpace':
        if (node.space === 'appspace') return [...await ctx.folder(node, 'appspace'), ...await bin('appspace')];
        return [
          ctx.child(node, { vendorKind: 'kdMyDocs', id: `${accountId}/mydocs`, ...base(accountId), caps: await ctx.capsOf(accountId, 'personal') }),
          ...SECTIONS.map((section) => ctx.child(node, { vendorKind: 'kdSection', id: `${accountId}/section/${section}`, ...base(accountId), section })),
          ...await bin('personal'),
        ];
      case 'kdMyDocs': return ctx.folder(node, 'personal');
      case 'kdSection': return sectionItems(node, ctx);
      case 'kdSignIn': return [];
    }
  },

  treeItem(node) {
    const C = vscode.TreeItemCollapsibleState;
    if (!isKdocsNode(node)) return new vscode.TreeItem(node.id, C.None);
    const item = (label: string, icon: string, state: vscode.TreeItemCollapsibleState, kind: string, flags: string[] = []) => {
      const it = new vscode.TreeItem(label, state);
      it.id = node.id;
      it.iconPath = new vscode.ThemeIcon(icon);
      it.contextValue = contextValue(kind, { vendor: 'kdocs', flags, caps: node.caps });
      return it;
    };
    switch (node.vendorKind) {
      case 'kdSpace': {
        if (node.space === 'personal') return item(vscode.l10n.t('Personal'), 'person', C.Expanded, 'section');
        const it = item(vscode.l10n.t('App space'), 'server', C.Expanded, 'root');
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
        const it = item(vscode.l10n.t('My documents'), 'folder-library', C.Collapsed, 'root');
        it.resourceUri = kdocsUri(node.accountId, 'personal', '');
        return it;
      }
      case 'kdSection':
        return item(sectionLabel(node.section), node.section === 'recent' ? 'history' : node.section === 'starred' ? 'star-full' : 'folder-active', C.Collapsed, 'section');
      case 'kdSignIn': {
        const it = item(vscode.l10n.t('Sign in again'), 'sign-in', C.None, 'signIn', ['signIn']);
        it.description = vscode.l10n.t('personal files');
        it.tooltip = node.reason;
        it.command = { command: 'docWorkspaces.signIn', title: vscode.l10n.t('Sign in again'), arguments: [node.accountId] };
        return it;
      }
    }
  },

  targetOf(node) {
    if (!isKdocsNode(node)) return undefined;
    if (node.vendorKind === 'kdMyDocs') return { scheme: KDOCS_SCHEME, accountId: node.accountId, path: 'personal', type: 'folder' };
    if (node.vendorKind === 'kdSpace' && node.space === 'appspace') return { scheme: KDOCS_SCHEME, accountId: node.accountId, path: 'appspace', type: 'folder' };
    return undefined;
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
