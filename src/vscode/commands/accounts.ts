import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import type { AccountInfo } from '../accounts';
import type { Services } from '../services';
import { isTreeNode } from '../tree/nodes';
import { ui } from '../ui';
import { toUri } from '../uri';
import type { VendorId } from '../vendors/types';
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

/** Commands on accounts of any vendor. Adding accounts and fixing credentials are vendor commands. */
export function registerAccountCommands(s: Services): vscode.Disposable[] {
  return [
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
