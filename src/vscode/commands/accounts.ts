import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import { isTreeNode } from '../tree/nodes';
import type { AccountInfo, Services, VendorGlue, VendorId } from '../types';
import { ui } from '../ui';
import { toUri } from '../uri';
import { isFromTree, refOf } from './targets';

/**
 * The account under a command: an id (error nodes' fix-it commands), a tree node, a remote URI, or else a pick among
 * the accounts `filter` keeps (CancellationError when dismissed). Undefined for an id of an account that is gone.
 */
export async function pickAccount(s: Services, given: unknown, filter: (a: AccountInfo) => boolean, placeHolder?: string): Promise<AccountInfo | undefined> {
  const arg = isFromTree(given) ? s.treeView.selection[0] : given;
  if (typeof arg === 'string') return s.accounts.find(arg);
  if (isTreeNode(arg)) return s.accounts.find(arg.accountId);
  if (arg instanceof vscode.Uri && s.vendors.isRemoteUri(arg)) return s.accounts.find(arg.authority);
  const all = s.accounts.list().filter(filter);
  if (!all.length) throw new InvalidInputError(vscode.l10n.t('There is no account this command applies to. Add one in the Doc Workspaces view first.'));
  const pick = await ui().pick(all.map((a) => {
    const d = s.accounts.describe(a);
    return { label: d.label, description: d.description ?? a.host, info: a };
  }), { placeHolder: placeHolder ?? vscode.l10n.t('Choose an account') });
  return pick.info;
}

/**
 * The account of a vendor's account-level command: a string id, a tree node or URI of that vendor, the vendor's only
 * account (palette, no argument), else a pick among its accounts. Throws vscode.CancellationError when dismissed.
 */
export async function pickVendorAccount(s: Services, vendor: VendorId, given: unknown, placeHolder: string): Promise<string> {
  const arg = isFromTree(given) ? s.treeView.selection[0] : given;
  if (typeof arg === 'string') return arg;
  if (isTreeNode(arg) && arg.vendor === vendor) return arg.accountId;
  if (arg instanceof vscode.Uri && s.vendors.forScheme(arg.scheme)?.vendor === vendor) return arg.authority;
  const own = (a: AccountInfo) => a.vendor === vendor;
  const all = s.accounts.list().filter(own);
  // Another vendor's node or URI is no answer: the user picks.
  const info = all.length === 1 && arg === undefined ? all[0] : await pickAccount(s, undefined, own, placeHolder);
  if (!info) throw new vscode.CancellationError();
  return info.id;
}

/**
 * Commands on accounts of any vendor: Add Account… (which vendor, then the vendor's own questions), Sign In Again…
 * (new credentials or the browser sign-in, as the vendor has it), Remove Account, Open as Workspace Folder.
 */
export function registerAccountCommands(s: Services): vscode.Disposable[] {
  return [
    // The view-title "+" button hands the focused tree row over, which is no vendor: only a vendor id string counts.
    s.command('docWorkspaces.addAccount', async (arg?: unknown) => {
      const glue = typeof arg === 'string' ? s.vendors.get(arg) : await pickVendor(s);
      return (await glue.addAccount(s)).id;
    }),

    s.command('docWorkspaces.signIn', async (arg?: unknown) => {
      const canSignIn = (a: AccountInfo) => !a.sandbox && !!s.vendors.get(a.vendor).signIn;
      const info = await pickAccount(s, arg, canSignIn, vscode.l10n.t('Which account signs in again?'));
      if (!info) return;
      const label = s.accounts.describe(info).label;
      const signIn = s.vendors.get(info.vendor).signIn;
      // A sandbox account comes only as an argument (its own "Sign in again" node): its vendor decides.
      if (!signIn) throw new InvalidInputError(vscode.l10n.t('{0} has no credentials to update.', label));
      await signIn.call(s.vendors.get(info.vendor), s, info);
      s.files.forgetListings();
      s.tree.refresh();
    }),

    s.command('docWorkspaces.removeAccount', async (arg?: unknown) => {
      const info = await pickAccount(s, arg, (a) => !a.sandbox);
      if (!info) return;
      const label = s.accounts.describe(info).label;
      if (info.sandbox) throw new InvalidInputError(vscode.l10n.t('{0} is the built-in sandbox: turn it off with the setting docWorkspaces.sandbox.enabled.', label));
      const remove = vscode.l10n.t('Remove');
      await ui().confirm(vscode.l10n.t('Remove {0} from Doc Workspaces? Its secret is deleted too; the files stay on the server.', label), {}, remove);
      await s.accounts.remove(info.id);
    }),

    // An account (its root) or a folder-like node of it (a library, a kdocs space...) becomes a workspace folder.
    s.command('docWorkspaces.openAsWorkspaceFolder', async (arg?: unknown) => {
      const info = await pickAccount(s, arg, () => true);
      if (!info) return;
      const target = refOf(s, arg);
      const ref = target?.type === 'folder' ? target : { scheme: s.vendors.get(info.vendor).scheme, accountId: info.id, path: '' };
      const uri = toUri(ref);
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.some((f) => f.uri.toString() === uri.toString())) return;
      const label = s.accounts.describe(info).label;
      vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name: ref.path ? `${label} · ${ref.path}` : label });
    }),

    s.command('docWorkspaces.showLog', () => s.showLog()),
  ];
}

/** Which kind of account to add: the vendors of this build by product name. */
async function pickVendor(s: Services): Promise<VendorGlue> {
  if (s.vendors.all.length === 1) return s.vendors.all[0];
  return (await ui().pick(s.vendors.all.map((g) => ({ label: g.displayName, glue: g })), {
    title: vscode.l10n.t('Add Account'), placeHolder: vscode.l10n.t('Where are the documents?'),
  })).glue;
}
