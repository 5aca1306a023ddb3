import * as vscode from 'vscode';
import { UnsupportedError } from '../../../core/errors';
import { pickVendorAccount } from '../../commands/accounts';
import { requireVendor, targetOf } from '../../commands/targets';
import { formatTime } from '../../format';
import type { Services } from '../../types';
import { ui } from '../../ui';
import { baseName } from '../../uri';
import { kdocsConnection } from './connection';
import { locate } from './paths';

/**
 * The Kingsoft Docs-only commands: edit tokens (a link that lets whoever has it edit, the user's edit tokens). Links
 * with edit tokens and the tokens themselves are secrets: clipboard only, never logged, never returned to the caller
 * (any extension can run our commands). Share links and collaborators are the generic Share flow.
 */

/** Edit tokens created in this window, per account: in memory only (secrets), to offer them when revoking. */
const createdTokens = new Map<string, Array<{ token: string; created: number; expires?: number }>>();

export function registerEditTokenCommands(s: Services): vscode.Disposable[] {
  const pickAccount = (arg: unknown) => pickVendorAccount(s, 'kdocs', arg, vscode.l10n.t('Choose a Kingsoft Docs account'));

  return [
    s.command('docWorkspaces.kdocs.copyLinkWithEditToken', async (arg?: unknown): Promise<void> => {
      const t = requireVendor(s, 'kdocs', [targetOf(s, arg)])[0];
      const name = baseName(t.path);
      const loc = locate(t.accountId, t.path);
      if (loc?.space !== 'personal' || !loc.path) throw new UnsupportedError(vscode.l10n.t('Links with an edit token exist only for personal files.'));
      const { ops } = await kdocsConnection(s.accounts, t.accountId);
      // Without a share link the service answers "not found", which would read as if the file were gone.
      if (!await ops.getShare(loc.path)) {
        const create = vscode.l10n.t('Create share link…');
        if ((await ui().notify('info', vscode.l10n.t('{0} has no share link yet: create one first.', name), create)) !== create) return;
        if (!await vscode.commands.executeCommand<string | undefined>('docWorkspaces.share', t)) return;
      }
      const url = await ops.linkWithEditToken(loc.path);
      await vscode.env.clipboard.writeText(url);
      void ui().notify('info', vscode.l10n.t('Link of {0} with an edit token copied to the clipboard. Whoever has it can edit: share it with care.', name));
      s.log.info(`Kingsoft Docs: a link with an edit token for "${loc.path}" was copied`);
    }),

    s.command('docWorkspaces.kdocs.createEditToken', async (arg?: unknown): Promise<void> => {
      const accountId = await pickAccount(arg);
      const t = await (await kdocsConnection(s.accounts, accountId)).ops.createEditToken();
      const now = Date.now();
      const list = createdTokens.get(accountId) ?? [];
      list.push({ token: t.token, created: now, expires: t.expires_in ? now + t.expires_in * 1000 : undefined });
      createdTokens.set(accountId, list);
      await vscode.env.clipboard.writeText(t.token);
      void ui().notify('info', t.expires_in
        ? vscode.l10n.t('Edit token copied to the clipboard (valid until {0}).', formatTime(now + t.expires_in * 1000))
        : vscode.l10n.t('Edit token copied to the clipboard.'));
      s.log.info('Kingsoft Docs: an edit token was created and copied');
    }),

    s.command('docWorkspaces.kdocs.revokeEditToken', async (arg?: unknown): Promise<boolean> => {
      const accountId = await pickAccount(arg);
      const mine = (createdTokens.get(accountId) ?? []).filter((x) => !x.expires || x.expires > Date.now());
      const other = { label: vscode.l10n.t('Enter another token…'), token: undefined };
      const pick = mine.length ? await ui().pick([
        ...mine.map((x) => ({
          label: vscode.l10n.t('Created {0}', formatTime(x.created)),
          // Only the start of the token: enough to tell them apart, not enough to use one.
          description: `${x.token.slice(0, 4)}…`, detail: x.expires ? vscode.l10n.t('valid until {0}', formatTime(x.expires)) : undefined, token: x.token,
        })), other,
      ], { placeHolder: vscode.l10n.t('Edit token to revoke') }) : other;
      const token = pick.token ?? await ui().input({
        prompt: vscode.l10n.t('Edit token to revoke'), password: true, ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the edit token.')),
      });
      await (await kdocsConnection(s.accounts, accountId)).ops.revokeEditToken(token.trim());
      createdTokens.set(accountId, (createdTokens.get(accountId) ?? []).filter((x) => x.token !== token));
      void ui().notify('info', vscode.l10n.t('Edit token revoked: links made with it no longer allow editing.'));
      s.log.info('Kingsoft Docs: an edit token was revoked');
      return true;
    }),
  ];
}
