import * as vscode from 'vscode';
import { collectPages } from '../../../core/paging';
import type { GokuaiApi } from '../../../vendors/gokuai/api';
import type { GkFile } from '../../../vendors/gokuai/wire';
import { pickAccount, pickVendorAccount } from '../../commands/accounts';
import { isOptions, requireVendor, type RemoteTarget, targetOf, targetsOf, typeOf } from '../../commands/targets';
import { compareSnapshot, openSnapshot, pickVersion, versionTarget } from '../../commands/versions';
import { withCancellableProgress } from '../../commands/wrap';
import { formatBytes, formatTime } from '../../format';
import { type LiveSearch, liveSearch } from '../../pickers/search';
import type { Services } from '../../services';
import type { TreeNode } from '../../tree/nodes';
import { baseName, fromUri, parentPath, type RemoteRef, toRoUri, toUri } from '../../uri';
import { type AddGokuaiInput, addGokuaiAccount, DEFAULT_GOKUAI_HOST, gokuaiConnection } from './connection';
import { GOKUAI_SCHEME, recycleBinListing, recyclePager } from './tree';

/**
 * Gokuai library features beyond a file system (accounts, links, history, recycle bin, locks, tags, search), via
 * GokuaiApi. Every command refuses other vendors' targets; package.json shows them only for gokuai nodes and URIs.
 */

export interface ShareLinkArgs { target: vscode.Uri; days?: number; password?: string; auth?: 'preview' | 'download' | 'upload' }
/** Without `version`: returns the versions. With it: opens that version read-only and returns its gokuai-ro URI. */
export interface HistoryArgs { target: vscode.Uri; version?: string }
export interface RestoreVersionArgs { target: vscode.Uri; version: string }
export interface RecycleArgs { account: string; restore?: string[]; purge?: string[] }
export interface TagArgs { target: vscode.Uri; tags: string[] }
export interface SearchArgs { account: string; keywords: string; scope?: Array<'filename' | 'tag' | 'content'>; path?: string }
/** The live search QuickPick on a library, handed to `onShow` (tests drive it). */
export interface LiveSearchArgs { account: string; onShow(search: LiveSearch<'filename' | 'tag' | 'content'>): void }

const DAY_S = 86_400;

function splitTags(text: string): string[] {
  return text.split(/[;,，；]/).map((t) => t.trim()).filter(Boolean);
}

const gkUri = (accountId: string, path: string) => toUri({ scheme: GOKUAI_SCHEME, accountId, path });

export function registerGokuaiCommands(s: Services): vscode.Disposable[] {
  const api = async (accountId: string) => (await gokuaiConnection(s.accounts, accountId)).api;
  /** The one Gokuai target of a command (other vendors' files are refused). */
  const target = (arg: unknown): RemoteTarget => requireVendor(s, 'gokuai', [targetOf(s, arg)])[0];
  const accountOf = (arg: unknown): Promise<string> => pickVendorAccount(s, 'gokuai', arg, vscode.l10n.t('Choose a library'));
  const changed = (accountId: string, paths: string[]) =>
    s.files.notify(paths.map((p) => ({ type: vscode.FileChangeType.Changed, uri: gkUri(accountId, p) })));

  return [
    s.command('docWorkspaces.addGokuaiLibrary', (arg?: AddGokuaiInput) => addLibrary(s, arg)),

    s.command('docWorkspaces.updateCredentials', async (arg?: unknown, secretArg?: string) => {
      const info = await pickAccount(s, arg, (a) => a.vendor === 'gokuai' && !a.sandbox);
      if (!info || info.vendor !== 'gokuai') return;
      const secret = secretArg ?? await vscode.window.showInputBox({ prompt: vscode.l10n.t('New org_client_secret'), password: true, ignoreFocusOut: true });
      if (!secret) return;
      await s.accounts.updateSecret(info.id, secret);
    }),

    s.command('docWorkspaces.copyShareLink', async (arg?: unknown) => {
      const o = isOptions<ShareLinkArgs>(arg, 'target') ? arg : undefined;
      const t = target(o ? o.target : arg);
      let days = o?.days;
      let password = o?.password;
      let auth = o?.auth;
      if (!o) {
        const d = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Link expires after how many days?'), value: '7', validateInput: (v) => (/^\d+$/.test(v) && +v > 0 ? undefined : vscode.l10n.t('Enter a whole number of days.')) });
        if (d === undefined) return;
        days = +d;
        password = await vscode.window.showInputBox({ prompt: vscode.l10n.t('Password (optional, leave empty for none)'), password: true });
        if (password === undefined) return;
        const picked = await vscode.window.showQuickPick([
          { label: vscode.l10n.t('Preview only'), auth: 'preview' as const },
          { label: vscode.l10n.t('Preview and download'), auth: 'download' as const },
          { label: vscode.l10n.t('Preview, download and upload'), auth: 'upload' as const },
        ], { placeHolder: vscode.l10n.t('What may people with the link do?') });
        if (!picked) return;
        auth = picked.auth;
      }
      // A Uri from the explorer or an editor says nothing about the type: a folder must get a folder link.
      const folder = (await typeOf(s, t)) === 'folder';
      const { link } = await (await api(t.accountId)).link({
        fullpath: t.path, deadline: Math.floor(Date.now() / 1000) + (days ?? 7) * DAY_S, auth, password: password || undefined, dir: folder ? 1 : 0,
      });
      await vscode.env.clipboard.writeText(link);
      if (!o) void vscode.window.showInformationMessage(vscode.l10n.t('Share link for {0} copied to the clipboard.', baseName(t.path) || '/'));
      return link;
    }),

    s.command('docWorkspaces.closeShareLinks', async (arg?: unknown) => {
      const t = target(arg);
      await (await api(t.accountId)).linkClose({ fullpath: t.path });
      if (!(arg instanceof vscode.Uri)) void vscode.window.showInformationMessage(vscode.l10n.t('Share links of {0} closed.', baseName(t.path) || '/'));
    }),

    s.command('docWorkspaces.showSharedLinks', async (arg?: unknown) => {
      const accountId = await accountOf(arg);
      const links = await (await api(accountId)).links({});
      if (typeof arg === 'string') return links;
      const pick = await vscode.window.showQuickPick(links.map((l) => ({
        label: l.filename, description: l.fullpath ?? '', link: l.link,
        detail: [l.deadline === -1 ? vscode.l10n.t('never expires') : vscode.l10n.t('expires {0}', formatTime(l.deadline * 1000)), l.password ? vscode.l10n.t('password') : ''].filter(Boolean).join(' · '),
      })), { placeHolder: links.length ? vscode.l10n.t('Pick a link to copy it') : vscode.l10n.t('No shared links') });
      if (pick) await vscode.env.clipboard.writeText(pick.link);
      return links;
    }),

    // History: pick a version -> it opens read-only (title buttons: Compare with Current, Restore This Version) ->
    // the diff shows current ↔ that version, with Restore in its title too (the version is the diff's right side).
    s.command('docWorkspaces.fileHistory', async (arg?: unknown) => {
      const o = isOptions<HistoryArgs>(arg, 'target') ? arg : undefined;
      const t = target(o ? o.target : arg);
      let version = o?.version;
      if (!version) {
        const history = await (await api(t.accountId)).history({ fullpath: t.path, size: 100 });
        const versions = history.list.filter((h) => h.filehash);
        if (o) return versions;
        version = await pickVersion(versions.map((h) => ({
          label: formatTime(h.dateline * 1000), description: `${h.member_name} · ${h.act_name}`, detail: formatBytes(h.filesize), version: h.filehash,
        })), vscode.l10n.t('Versions of {0}', baseName(t.path)));
        if (!version) return;
      }
      return openSnapshot(toRoUri(t, version));
    }),

    s.command('docWorkspaces.compareWithCurrent', async (arg?: unknown) => {
      const { ref, version } = gokuaiVersion(arg);
      await compareSnapshot(toUri(ref), toRoUri(ref, version), baseName(ref.path), version.slice(0, 8));
    }),

    s.command('docWorkspaces.restoreVersion', async (arg?: unknown) => {
      const o = isOptions<RestoreVersionArgs>(arg, 'version') ? arg : undefined;
      const { ref, version } = o ? { ref: fromUri(o.target), version: o.version } : gokuaiVersion(arg);
      const conn = await gokuaiConnection(s.accounts, ref.accountId);
      await withCancellableProgress(vscode.l10n.t('Restoring {0}', baseName(ref.path)), async (signal) => {
        // Restoring = writing the old content as a new version: history keeps everything in between.
        const data = await conn.api.downloadBytes({ fullpath: ref.path, filehash: version }, { signal });
        await conn.fs.write(ref.path, data, { create: false, overwrite: true, signal });
      });
      changed(ref.accountId, [ref.path]);
      if (!o) void vscode.window.showInformationMessage(vscode.l10n.t('{0} restored.', baseName(ref.path)));
    }),

    s.command('docWorkspaces.recycleBin', async (arg?: unknown) => {
      const o = isOptions<RecycleArgs>(arg, 'account') ? arg : undefined;
      const accountId = o?.account ?? await accountOf(arg);
      const gk = await api(accountId);
      let restore = o?.restore ?? [];
      let purge = o?.purge ?? [];
      if (!o) {
        const items = await withCancellableProgress(vscode.l10n.t('Reading the recycle bin'), (signal) => allRecycled(gk, signal));
        const picked = await vscode.window.showQuickPick(items.map((f) => recycleItem(f)), { canPickMany: true, placeHolder: items.length ? vscode.l10n.t('Pick items to restore or delete permanently') : vscode.l10n.t('The recycle bin is empty') });
        if (!picked?.length) return;
        const restoreLabel = vscode.l10n.t('Restore');
        const purgeLabel = vscode.l10n.t('Delete permanently');
        const action = await vscode.window.showQuickPick([restoreLabel, purgeLabel], { placeHolder: vscode.l10n.t('{0} items selected', picked.length) });
        if (!action) return;
        const paths = picked.map((p) => p.fullpath);
        if (action === restoreLabel) restore = paths; else purge = paths;
        if (purge.length && (await vscode.window.showWarningMessage(vscode.l10n.t('Permanently delete {0} items? This cannot be undone.', purge.length), { modal: true }, purgeLabel)) !== purgeLabel) return;
      }
      await recycleAction(s, accountId, restore, purge);
    }),

    s.command('docWorkspaces.restoreFromRecycleBin', (node?: TreeNode, multi?: TreeNode[]) =>
      recycleAction(s, node?.accountId ?? '', recycledPaths(node, multi), [])),
    s.command('docWorkspaces.purgeFromRecycleBin', async (node?: TreeNode, multi?: TreeNode[]) => {
      const paths = recycledPaths(node, multi);
      const purgeLabel = vscode.l10n.t('Delete permanently');
      if ((await vscode.window.showWarningMessage(vscode.l10n.t('Permanently delete {0} items? This cannot be undone.', paths.length), { modal: true }, purgeLabel)) !== purgeLabel) return;
      await recycleAction(s, node?.accountId ?? '', [], paths);
    }),

    s.command('docWorkspaces.lock', (arg?: unknown, multi?: unknown) => lockCommand(s, arg, multi, 'lock')),
    s.command('docWorkspaces.unlock', (arg?: unknown, multi?: unknown) => lockCommand(s, arg, multi, 'unlock')),

    s.command('docWorkspaces.addTag', async (arg?: unknown) => {
      const o = isOptions<TagArgs>(arg, 'tags') ? arg : undefined;
      const t = target(o ? o.target : arg);
      const tags = o?.tags ?? splitTags(await vscode.window.showInputBox({ prompt: vscode.l10n.t('Tags to add (separate with ; or ,)') }) ?? '');
      if (!tags.length) return;
      await (await api(t.accountId)).addTag({ fullpath: t.path, tag: tags });
      changed(t.accountId, [t.path]);
    }),

    s.command('docWorkspaces.removeTag', async (arg?: unknown) => {
      const o = isOptions<TagArgs>(arg, 'tags') ? arg : undefined;
      const t = target(o ? o.target : arg);
      let tags = o?.tags;
      if (!tags) {
        const current = (await (await gokuaiConnection(s.accounts, t.accountId)).fs.stat(t.path)).tags ?? [];
        if (!current.length) {
          void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no tags.', baseName(t.path)));
          return;
        }
        tags = await vscode.window.showQuickPick(current, { canPickMany: true, placeHolder: vscode.l10n.t('Tags to remove') });
      }
      if (!tags?.length) return;
      await (await api(t.accountId)).delTag({ fullpath: t.path, tag: tags });
      changed(t.accountId, [t.path]);
    }),

    s.command('docWorkspaces.search', async (arg?: unknown) => {
      const o = isOptions<SearchArgs>(arg, 'keywords') ? arg : undefined;
      if (o) {
        const res = await (await api(o.account)).search({ keywords: o.keywords, scope: o.scope, path: o.path });
        return res.list.map((f) => gkUri(o.account, f.fullpath));
      }
      const live = isOptions<LiveSearchArgs>(arg, 'onShow') ? arg : undefined;
      const accountId = live?.account ?? await accountOf(arg);
      const picked = await searchQuickPick(s, accountId, live?.onShow);
      if (!picked) return;
      const uri = gkUri(accountId, picked.fullpath);
      if (picked.dir) {
        const node = s.tree.nodeFor(uri);
        if (node) await s.treeView.reveal(node, { select: true, focus: true, expand: true });
      } else {
        await vscode.commands.executeCommand('vscode.open', uri);
      }
      return uri;
    }),
  ];
}

function recycleItem(f: GkFile) {
  return { label: f.filename, description: parentPath(f.fullpath) || '/', detail: [f.dir ? '' : formatBytes(f.filesize), f.last_member_name ?? ''].filter(Boolean).join(' · '), fullpath: f.fullpath };
}

function recycledPaths(node?: TreeNode, multi?: TreeNode[]): string[] {
  return (multi?.length ? multi : node ? [node] : []).flatMap((n) => (n.kind === 'recycled' ? [n.file.fullpath] : []));
}

async function recycleAction(s: Services, accountId: string, restore: string[], purge: string[]): Promise<void> {
  const { api } = await gokuaiConnection(s.accounts, accountId);
  if (restore.length) {
    await api.recover({ fullpaths: restore });
    s.files.notify(restore.map((p) => ({ type: vscode.FileChangeType.Created, uri: gkUri(accountId, p) })));
  }
  if (purge.length) await api.delCompletely({ fullpaths: purge });
  s.tree.refreshListing(recycleBinListing(accountId));
}

/** Every item of the recycle bin, page by page (the QuickPick shows them all). */
function allRecycled(gk: GokuaiApi, signal: AbortSignal): Promise<GkFile[]> {
  return collectPages(recyclePager(async () => gk, 500, signal), { signal });
}

/** The file and version a history command acts on: a gokuai-ro URI with `?version=` (argument or active editor). */
function gokuaiVersion(arg: unknown): { ref: RemoteRef; version: string } {
  const { uri, version } = versionTarget(GOKUAI_SCHEME, arg, vscode.l10n.t('Open a version from File history first.'));
  return { ref: fromUri(uri), version };
}

async function lockCommand(s: Services, arg: unknown, multi: unknown, lock: 'lock' | 'unlock'): Promise<void> {
  for (const t of requireVendor(s, 'gokuai', targetsOf(s, arg, multi))) {
    await (await gokuaiConnection(s.accounts, t.accountId)).api.lock({ fullpath: t.path, lock });
    s.files.notify([{ type: vscode.FileChangeType.Changed, uri: toUri(t) }]);
  }
}

type ScopeKey = 'filename' | 'tag' | 'content';

/** The live search QuickPick (pickers/search.ts) with the three scopes of the library search as toggle buttons. */
function searchQuickPick(s: Services, accountId: string, onShow?: LiveSearchArgs['onShow']): Promise<GkFile | undefined> {
  return liveSearch<GkFile, ScopeKey>({
    title: vscode.l10n.t('Search the library'),
    placeholder: vscode.l10n.t('Keywords (title buttons: file name, tag, full text)'),
    scopes: [
      { key: 'filename', label: vscode.l10n.t('File name'), icon: 'symbol-file' },
      { key: 'tag', label: vscode.l10n.t('Tag'), icon: 'tag' },
      { key: 'content', label: vscode.l10n.t('Full text'), icon: 'whole-word' },
    ],
    initial: ['filename', 'tag'],
    select: 'many',
    find: async (keywords, scope, signal) => (await (await gokuaiConnection(s.accounts, accountId)).api.search({ keywords, scope, size: 100 }, { signal })).list,
    toItem: (file) => ({ label: file.filename, description: parentPath(file.fullpath) || '/', iconPath: new vscode.ThemeIcon(file.dir ? 'folder' : 'file') }),
    log: s.log,
    onShow,
  });
}

/** "Add Gokuai library": host, client id and secret (or an AddGokuaiInput from tests and automation). */
async function addLibrary(s: Services, arg: AddGokuaiInput | undefined): Promise<string | undefined> {
  let input = arg;
  if (!input) {
    const host = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Gokuai library (1/3)'), prompt: vscode.l10n.t('Gokuai host'), value: DEFAULT_GOKUAI_HOST, ignoreFocusOut: true });
    if (!host) return;
    const orgClientId = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Gokuai library (2/3)'), prompt: vscode.l10n.t('Library authorization org_client_id'), ignoreFocusOut: true });
    if (!orgClientId) return;
    const orgClientSecret = await vscode.window.showInputBox({ title: vscode.l10n.t('Add Gokuai library (3/3)'), prompt: vscode.l10n.t('org_client_secret (kept in the OS keychain via VS Code SecretStorage)'), password: true, ignoreFocusOut: true });
    if (!orgClientSecret) return;
    input = { host, orgClientId, orgClientSecret };
  }
  const req = input;
  const info = await withCancellableProgress(vscode.l10n.t('Checking the credentials'), (signal) => addGokuaiAccount(s.accounts, req, s.log, { signal }));
  if (!arg) void vscode.window.showInformationMessage(vscode.l10n.t('Library {0} added.', s.accounts.describe(info).label));
  return info.id;
}
