import * as vscode from 'vscode';
import { type AddGokuaiInput, DEFAULT_GOKUAI_HOST, accountLabel } from '../accounts';
import type { Services } from '../services';
import { isTreeNode } from '../tree/nodes';
import { SCHEME, toUri } from '../uri';
import { runCommand, withCancellableProgress } from './wrap';

export function registerAccountCommands(s: Services): vscode.Disposable[] {
  const reg = (id: string, fn: (...args: any[]) => unknown) => runCommand(id, fn, s.log, () => s.showLog()); // eslint-disable-line @typescript-eslint/no-explicit-any
  const accountIdOf = async (arg: unknown, includeSandbox: boolean): Promise<string | undefined> => {
    if (typeof arg === 'string') return arg;
    if (isTreeNode(arg)) return arg.accountId;
    if (arg instanceof vscode.Uri && arg.scheme === SCHEME) return arg.authority;
    const all = s.accounts.list().filter((a) => includeSandbox || !a.sandbox);
    const pick = await vscode.window.showQuickPick(all.map((a) => ({ label: accountLabel(a), description: a.host, id: a.id })), { placeHolder: vscode.l10n.t('Choose an account') });
    return pick?.id;
  };

  return [
    reg('docWorkspaces.addGokuaiLibrary', async (arg?: AddGokuaiInput) => {
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
      const info = await withCancellableProgress(vscode.l10n.t('Checking the credentials'), (signal) => s.accounts.addGokuai(req, { signal }));
      if (!arg) void vscode.window.showInformationMessage(vscode.l10n.t('Library {0} added.', accountLabel(info)));
      return info.id;
    }),

    reg('docWorkspaces.updateCredentials', async (arg?: unknown, secretArg?: string) => {
      const id = await accountIdOf(arg, false);
      if (!id) return;
      const secret = secretArg ?? await vscode.window.showInputBox({ prompt: vscode.l10n.t('New org_client_secret'), password: true, ignoreFocusOut: true });
      if (!secret) return;
      await s.accounts.updateSecret(id, secret);
    }),

    reg('docWorkspaces.removeAccount', async (arg?: unknown) => {
      const id = await accountIdOf(arg, false);
      const info = id ? s.accounts.find(id) : undefined;
      if (!id || !info || info.sandbox) return;
      if (typeof arg !== 'string') {
        const remove = vscode.l10n.t('Remove');
        const ok = await vscode.window.showWarningMessage(vscode.l10n.t('Remove {0} from Doc Workspaces? Its secret is deleted too; the files stay on the server.', accountLabel(info)), { modal: true }, remove);
        if (ok !== remove) return;
      }
      await s.accounts.remove(id);
    }),

    reg('docWorkspaces.openAsWorkspaceFolder', async (arg?: unknown) => {
      const id = await accountIdOf(arg, true);
      const info = id ? s.accounts.find(id) : undefined;
      if (!id || !info) return;
      const uri = toUri({ accountId: id, path: '' });
      const folders = vscode.workspace.workspaceFolders ?? [];
      if (folders.some((f) => f.uri.toString() === uri.toString())) return;
      vscode.workspace.updateWorkspaceFolders(folders.length, 0, { uri, name: accountLabel(info) });
    }),

    reg('docWorkspaces.showLog', () => s.showLog()),
  ];
}
