import * as vscode from 'vscode';
import { InvalidInputError } from '../../../core/errors';
import { collectPages } from '../../../core/paging';
import type { GokuaiApi } from '../../../vendors/gokuai/api';
import type { GkFile } from '../../../vendors/gokuai/wire';
import { pickAccount, pickVendorAccount } from '../../commands/accounts';
import { fileTargetOf, requireVendor, type RemoteTarget, targetOf, targetsOf, typeOf } from '../../commands/targets';
import { compareSnapshot, openSnapshot, pickVersion, versionLabelOf, versionTarget } from '../../commands/versions';
import { withCancellableProgress } from '../../commands/wrap';
import { formatBytes, formatTime, versionTime, whatItems } from '../../format';
import { liveSearch } from '../../pickers/search';
import type { Services } from '../../services';
import type { TreeNode } from '../../tree/nodes';
import { isCancellation } from '../../errors';
import { ui } from '../../ui';
import { baseName, fromUri, parentPath, type RemoteRef, toRoUri, toUri } from '../../uri';
import { addGokuaiAccount, DEFAULT_GOKUAI_HOST, gokuaiConnection } from './connection';
import { GOKUAI_SCHEME, recycleBinListing, recyclePager } from './tree';

/**
 * Gokuai library features beyond a file system (accounts, links, history, recycle bin, locks, tags, search), via
 * GokuaiApi. Every command refuses other vendors' targets; package.json shows them only for gokuai nodes and URIs.
 * Every prompt goes through the one seam (ui.ts) and names what it acts on.
 */

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
  const nameOf = (t: RemoteRef) => baseName(t.path) || s.accounts.label(t.accountId);
  const changed = (accountId: string, paths: string[]) =>
    s.files.notify(paths.map((p) => ({ type: vscode.FileChangeType.Changed, uri: gkUri(accountId, p) })));

  return [
    // The view-title "+" button: VS Code hands it the focused tree row, which is no input for a new library.
    s.command('docWorkspaces.addGokuaiLibrary', () => addLibrary(s)),

    s.command('docWorkspaces.updateCredentials', async (arg?: unknown) => {
      const info = await pickAccount(s, arg, (a) => a.vendor === 'gokuai' && !a.sandbox);
      if (!info) return;
      if (info.vendor !== 'gokuai' || info.sandbox) {
        throw new InvalidInputError(vscode.l10n.t('{0} has no credentials to update.', s.accounts.describe(info).label));
      }
      const label = s.accounts.describe(info).label;
      const secret = await ui().input({
        title: vscode.l10n.t('Update credentials of {0}', label), prompt: vscode.l10n.t('New org_client_secret'), password: true, ignoreFocusOut: true,
        validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the client secret.')),
      });
      await s.accounts.updateSecret(info.id, secret);
      void ui().notify('info', vscode.l10n.t('Credentials of {0} updated.', label));
    }),

    s.command('docWorkspaces.copyShareLink', async (arg?: unknown) => {
      const t = target(arg);
      // A Uri from the explorer or an editor says nothing about the type: a folder must get a folder link.
      const folder = (await typeOf(s, t)) === 'folder';
      const name = nameOf(t);
      const title = vscode.l10n.t("Share link for '{0}'", name);
      const days = await ui().input({
        title, prompt: vscode.l10n.t('Link expires after how many days?'), value: '7', ignoreFocusOut: true,
        validateInput: (v) => (/^\d+$/.test(v) && +v > 0 ? undefined : vscode.l10n.t('Enter a whole number of days.')),
      });
      const password = await ui().input({ title, prompt: vscode.l10n.t('Password (optional, leave empty for none)'), password: true, ignoreFocusOut: true });
      const { auth } = await ui().pick([
        { label: vscode.l10n.t('Preview only'), auth: 'preview' as const },
        { label: vscode.l10n.t('Preview and download'), auth: 'download' as const },
        { label: vscode.l10n.t('Preview, download and upload'), auth: 'upload' as const },
      ], { title, placeHolder: vscode.l10n.t('What may people with the link do?') });
      const { link } = await (await api(t.accountId)).link({
        fullpath: t.path, deadline: Math.floor(Date.now() / 1000) + Number(days) * DAY_S, auth, password: password || undefined, dir: folder ? 1 : 0,
      });
      await vscode.env.clipboard.writeText(link);
      void ui().notify('info', vscode.l10n.t("Share link for '{0}' copied to the clipboard.", name));
      return link;
    }),

    s.command('docWorkspaces.closeShareLinks', async (arg?: unknown) => {
      const t = target(arg);
      const name = nameOf(t);
      const close = vscode.l10n.t('Close Links');
      await ui().confirm(vscode.l10n.t("Close every share link of '{0}'?", name), { detail: vscode.l10n.t('People who have a link can no longer open it. The file itself stays.') }, close);
      await (await api(t.accountId)).linkClose({ fullpath: t.path });
      void ui().notify('info', vscode.l10n.t("Share links of '{0}' closed.", name));
    }),

    s.command('docWorkspaces.showSharedLinks', async (arg?: unknown) => {
      const accountId = await accountOf(arg);
      const links = await (await api(accountId)).links({});
      const library = s.accounts.label(accountId);
      if (!links.length) {
        void ui().notify('info', vscode.l10n.t('{0} has no shared links.', library));
        return links;
      }
      let pick;
      try {
        pick = await ui().pick(links.map((l) => ({
          label: l.filename, description: l.fullpath ?? '', link: l.link,
          detail: [l.deadline === -1 ? vscode.l10n.t('never expires') : vscode.l10n.t('expires {0}', formatTime(l.deadline * 1000)), l.password ? vscode.l10n.t('password') : ''].filter(Boolean).join(' · '),
        })), { title: vscode.l10n.t('Shared links of {0}', library), placeHolder: vscode.l10n.t('Pick a link to copy it') });
      } catch (e) {
        if (isCancellation(e)) return links; // looked, copied nothing
        throw e;
      }
      await vscode.env.clipboard.writeText(pick.link);
      void ui().notify('info', vscode.l10n.t("Share link for '{0}' copied to the clipboard.", pick.label));
      return links;
    }),

    // History: pick a version -> it opens read-only in a tab named after the version (title buttons: Compare with
    // Current, Restore This Version) -> the diff shows current ↔ that version, with Restore in its title too.
    s.command('docWorkspaces.fileHistory', async (arg?: unknown) => {
      const t = requireVendor(s, 'gokuai', [await fileTargetOf(s, arg, vscode.l10n.t('File History'))])[0];
      const name = nameOf(t);
      const history = await withCancellableProgress(vscode.l10n.t("Reading the history of '{0}'", name), (signal) =>
        api(t.accountId).then((gk) => gk.history({ fullpath: t.path, size: 100 }, { signal })));
      const versions = history.list.filter((h) => h.filehash);
      const picked = await pickVersion(versions.map((h, i) => ({
        label: formatTime(h.dateline * 1000),
        description: [`${h.member_name} · ${h.act_name}`, i === 0 ? vscode.l10n.t('current') : ''].filter(Boolean).join(' · '),
        detail: formatBytes(h.filesize), version: h,
      })), vscode.l10n.t("Versions of '{0}' (newest first)", name));
      return openSnapshot(toRoUri(t, picked.filehash, versionTime(picked.dateline * 1000)));
    }),

    s.command('docWorkspaces.compareWithCurrent', async (arg?: unknown) => {
      const { uri, ref, version } = gokuaiVersion(arg);
      await compareSnapshot(toUri(ref), uri, baseName(ref.path), versionLabelOf(uri, version));
    }),

    s.command('docWorkspaces.restoreVersion', async (arg?: unknown) => {
      const { uri, ref, version } = gokuaiVersion(arg);
      const name = baseName(ref.path);
      const when = versionLabelOf(uri, version);
      const restore = vscode.l10n.t('Restore');
      await ui().confirm(vscode.l10n.t("Restore '{0}' to its version of {1}?", name, when), {
        detail: vscode.l10n.t('The old content becomes the newest version; the current content stays in the history.'),
      }, restore);
      const conn = await gokuaiConnection(s.accounts, ref.accountId);
      await withCancellableProgress(vscode.l10n.t("Restoring '{0}'", name), async (signal) => {
        // Restoring = writing the old content as a new version: history keeps everything in between.
        const data = await conn.api.downloadBytes({ fullpath: ref.path, filehash: version }, { signal });
        await conn.fs.write(ref.path, data, { create: false, overwrite: true, signal });
      });
      changed(ref.accountId, [ref.path]);
      void ui().notify('info', vscode.l10n.t("'{0}' was restored to its version of {1}.", name, when));
    }),

    s.command('docWorkspaces.recycleBin', async (arg?: unknown) => {
      const accountId = await accountOf(arg);
      const library = s.accounts.label(accountId);
      const gk = await api(accountId);
      const items = await withCancellableProgress(vscode.l10n.t('Reading the recycle bin of {0}', library), (signal) => allRecycled(gk, signal));
      if (!items.length) {
        void ui().notify('info', vscode.l10n.t('The recycle bin of {0} is empty.', library));
        return;
      }
      const picked = await ui().pickMany(items.map((f) => recycleItem(f)), {
        title: vscode.l10n.t('Recycle bin of {0}', library), placeHolder: vscode.l10n.t('Pick items to restore or delete permanently'),
      });
      if (!picked.length) return;
      const what = whatItems(picked.map((p) => p.label));
      const restoreLabel = vscode.l10n.t('Restore');
      const purgeLabel = vscode.l10n.t('Delete Permanently');
      const action = await ui().pick([{ label: restoreLabel }, { label: purgeLabel }], { title: vscode.l10n.t('Recycle bin of {0}', library), placeHolder: vscode.l10n.t('What to do with {0}?', what) });
      const paths = picked.map((p) => p.fullpath);
      if (action.label === restoreLabel) return recycleAction(s, accountId, paths, []);
      await confirmPurge(what);
      await recycleAction(s, accountId, [], paths);
    }),

    s.command('docWorkspaces.restoreFromRecycleBin', (node?: TreeNode, multi?: TreeNode[]) => {
      const { accountId, paths } = recycledOf(node, multi);
      return recycleAction(s, accountId, paths, []);
    }),
    s.command('docWorkspaces.purgeFromRecycleBin', async (node?: TreeNode, multi?: TreeNode[]) => {
      const { accountId, paths, names } = recycledOf(node, multi);
      await confirmPurge(whatItems(names));
      await recycleAction(s, accountId, [], paths);
    }),

    s.command('docWorkspaces.lock', (arg?: unknown, multi?: unknown) => lockCommand(s, arg, multi, 'lock')),
    s.command('docWorkspaces.unlock', (arg?: unknown, multi?: unknown) => lockCommand(s, arg, multi, 'unlock')),

    s.command('docWorkspaces.addTag', async (arg?: unknown) => {
      const t = target(arg);
      const tags = splitTags(await ui().input({
        title: vscode.l10n.t("Tags of '{0}'", nameOf(t)), prompt: vscode.l10n.t('Tags to add (separate with ; or ,)'), ignoreFocusOut: true,
        validateInput: (v) => (splitTags(v).length ? undefined : vscode.l10n.t('Enter at least one tag.')),
      }));
      await (await api(t.accountId)).addTag({ fullpath: t.path, tag: tags });
      changed(t.accountId, [t.path]);
    }),

    s.command('docWorkspaces.removeTag', async (arg?: unknown) => {
      const t = target(arg);
      const name = nameOf(t);
      const current = (await (await gokuaiConnection(s.accounts, t.accountId)).fs.stat(t.path)).tags ?? [];
      if (!current.length) {
        void ui().notify('info', vscode.l10n.t("'{0}' has no tags.", name));
        return;
      }
      const picked = await ui().pickMany(current.map((label) => ({ label })), { title: vscode.l10n.t("Tags of '{0}'", name), placeHolder: vscode.l10n.t('Tags to remove') });
      if (!picked.length) return;
      await (await api(t.accountId)).delTag({ fullpath: t.path, tag: picked.map((p) => p.label) });
      changed(t.accountId, [t.path]);
    }),

    s.command('docWorkspaces.search', async (arg?: unknown) => {
      const accountId = await accountOf(arg);
      const picked = await searchQuickPick(s, accountId);
      if (!picked) return undefined;
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

async function confirmPurge(what: string): Promise<void> {
  const purge = vscode.l10n.t('Delete Permanently');
  await ui().confirm(vscode.l10n.t('Permanently delete {0}? This cannot be undone.', what), {}, purge);
}

function recycleItem(f: GkFile) {
  return { label: f.filename, description: parentPath(f.fullpath) || '/', detail: [f.dir ? '' : formatBytes(f.filesize), f.last_member_name ?? ''].filter(Boolean).join(' · '), fullpath: f.fullpath };
}

/** The recycle-bin items a tree command acts on (the clicked node, or the selection it belongs to). */
function recycledOf(node?: TreeNode, multi?: TreeNode[]): { accountId: string; paths: string[]; names: string[] } {
  const nodes = (multi?.length ? multi : node ? [node] : []).flatMap((n) => (n.kind === 'recycled' ? [n] : []));
  if (!nodes.length) throw new InvalidInputError(vscode.l10n.t('Select items under a recycle bin in the Doc Workspaces view first.'));
  return { accountId: nodes[0].accountId, paths: nodes.map((n) => n.file.fullpath), names: nodes.map((n) => n.file.filename) };
}

async function recycleAction(s: Services, accountId: string, restore: string[], purge: string[]): Promise<void> {
  const { api } = await gokuaiConnection(s.accounts, accountId);
  if (restore.length) {
    await api.recover({ fullpaths: restore });
    s.files.notify(restore.map((p) => ({ type: vscode.FileChangeType.Created, uri: gkUri(accountId, p) })));
    void ui().notify('info', vscode.l10n.t('Restored {0}.', whatItems(restore.map(baseName))));
  }
  if (purge.length) await api.delCompletely({ fullpaths: purge });
  s.tree.refreshListing(recycleBinListing(accountId));
}

/** Every item of the recycle bin, page by page (the QuickPick shows them all). */
function allRecycled(gk: GokuaiApi, signal: AbortSignal): Promise<GkFile[]> {
  return collectPages(recyclePager(async () => gk, 500, signal), { signal });
}

/** The file and version a history command acts on: a gokuai-ro URI with `?version=` (argument or active editor). */
function gokuaiVersion(arg: unknown): { uri: vscode.Uri; ref: RemoteRef; version: string } {
  const { uri, version } = versionTarget(GOKUAI_SCHEME, arg, vscode.l10n.t('Open a version from File History first.'));
  return { uri, ref: fromUri(uri), version };
}

async function lockCommand(s: Services, arg: unknown, multi: unknown, lock: 'lock' | 'unlock'): Promise<void> {
  for (const t of requireVendor(s, 'gokuai', targetsOf(s, arg, multi))) {
    await (await gokuaiConnection(s.accounts, t.accountId)).api.lock({ fullpath: t.path, lock });
    s.files.notify([{ type: vscode.FileChangeType.Changed, uri: toUri(t) }]);
  }
}

type ScopeKey = 'filename' | 'tag' | 'content';

/** The live search QuickPick (pickers/search.ts) with the three scopes of the library search as toggle buttons. */
function searchQuickPick(s: Services, accountId: string): Promise<GkFile | undefined> {
  return liveSearch<GkFile, ScopeKey>({
    title: vscode.l10n.t('Search {0}', s.accounts.label(accountId)),
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
  });
}

/** "Add Gokuai library": host, client id and secret, checked with one call before anything is stored. */
async function addLibrary(s: Services): Promise<string> {
  const host = await ui().input({ title: vscode.l10n.t('Add Gokuai library (1/3)'), prompt: vscode.l10n.t('Gokuai host'), value: DEFAULT_GOKUAI_HOST, ignoreFocusOut: true });
  const orgClientId = await ui().input({
    title: vscode.l10n.t('Add Gokuai library (2/3)'), prompt: vscode.l10n.t('Library authorization org_client_id'), ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the client ID.')),
  });
  const orgClientSecret = await ui().input({
    title: vscode.l10n.t('Add Gokuai library (3/3)'), prompt: vscode.l10n.t('org_client_secret (kept in the OS keychain via VS Code SecretStorage)'), password: true, ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the client secret.')),
  });
  const info = await withCancellableProgress(vscode.l10n.t('Checking the credentials'), (signal) =>
    addGokuaiAccount(s.accounts, { host, orgClientId, orgClientSecret }, s.log, { signal }));
  void ui().notify('info', vscode.l10n.t('Library {0} added.', s.accounts.describe(info).label));
  return info.id;
}
