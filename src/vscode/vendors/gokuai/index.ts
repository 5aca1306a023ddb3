import * as vscode from 'vscode';
import { InvalidInputError } from '../../../core/errors';
import { GK_ERR } from '../../../vendors/gokuai/wire';
import { withCancellableProgress } from '../../commands/wrap';
import type { AccountInfo, VendorGlue } from '../../types';
import { ui } from '../../ui';
import { type AddGokuaiInput, addGokuaiAccount, connectGokuai, DEFAULT_GOKUAI_HOST, type GokuaiAccountInfo, SANDBOX_ACCOUNT_ID } from './connection';
import { GOKUAI_SCHEME, gokuaiTree } from './tree';

export { addGokuaiAccount, type AddGokuaiInput, type GokuaiAccountInfo, type GokuaiConnection } from './connection';

/**
 * Gokuai enterprise libraries: gokuai://<account>/<fullpath>, one library (one store: RemoteFs and capabilities) per
 * account. Everything a library has beyond files (recycle bin, history, links, search, locks, tags) is a capability of
 * src/vendors/gokuai/capabilities.ts, served by the generic flows; there are no Gokuai-only commands.
 */
export const gokuaiGlue: VendorGlue = {
  vendor: 'gokuai',
  displayName: 'Gokuai',
  scheme: GOKUAI_SCHEME,
  capabilities: ['write', 'trash', 'versions', 'links', 'search', 'locks', 'tags', 'web'],

  connect(account, secret, { log }) {
    const a = account as GokuaiAccountInfo;
    return connectGokuai({ host: a.host, orgClientId: a.orgClientId, orgClientSecret: secret.value }, log);
  },

  describeAccount(a: AccountInfo) {
    // The sandbox's host is a random loopback port: noise in the tree (it stays in the tooltip).
    if (a.sandbox) return { label: vscode.l10n.t('Sandbox · {0}', a.libraryName ?? ''), icon: 'beaker' };
    return { label: a.libraryName ?? a.host ?? a.id, description: a.host, icon: 'cloud' };
  },

  tree: gokuaiTree,

  /** Host, client id and secret, checked with one call before anything is stored. */
  async addAccount(s) {
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
    return info;
  },

  addAccountWith(s, input, opts) {
    if (!isAddInput(input)) throw new InvalidInputError('A Gokuai library needs { host?, orgClientId, orgClientSecret }.');
    return addGokuaiAccount(s.accounts, input, s.log, opts);
  },

  /** A new client secret for the library (the old one was changed or revoked). */
  async signIn(s, info) {
    const label = s.accounts.describe(info).label;
    if (info.sandbox) throw new InvalidInputError(vscode.l10n.t('{0} has no credentials to update.', label));
    const secret = await ui().input({
      title: vscode.l10n.t('Update credentials of {0}', label), prompt: vscode.l10n.t('New org_client_secret'), password: true, ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the client secret.')),
    });
    await s.accounts.updateSecret(info.id, secret);
    void ui().notify('info', vscode.l10n.t('Credentials of {0} updated.', label));
  },

  describeError(e) {
    if (e.kind !== 'Unauthorized' || e.vendorCode !== GK_ERR.BAD_SIGN) return undefined;
    return { message: vscode.l10n.t('Signature rejected — check the client secret'), hint: vscode.l10n.t('Update the credentials of this account.'), kind: e.kind, credentials: true };
  },

  aliases: {
    'docWorkspaces.addGokuaiLibrary': { command: 'docWorkspaces.addAccount', args: ['gokuai'] },
  },

  sandbox: {
    async start(settings) {
      // Loaded on demand: users who turn the sandbox off never evaluate it.
      const { startGokuaiSandbox } = await import('../../../sandbox/gokuai');
      const sb = await startGokuaiSandbox(settings);
      const account: GokuaiAccountInfo = {
        id: SANDBOX_ACCOUNT_ID, vendor: 'gokuai', host: sb.host, orgClientId: sb.credentials.orgClientId, libraryName: sb.libraryName, sandbox: true,
      };
      return { account, secret: sb.credentials.orgClientSecret, handle: sb, close: () => sb.close() };
    },
  },
};

function isAddInput(x: unknown): x is AddGokuaiInput {
  const o = x as Partial<AddGokuaiInput> | undefined;
  return typeof o === 'object' && o !== null && typeof o.orgClientId === 'string' && typeof o.orgClientSecret === 'string';
}
