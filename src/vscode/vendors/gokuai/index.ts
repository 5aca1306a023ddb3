import * as vscode from 'vscode';
import { UnsupportedError } from '../../../core/errors';
import { GK_ERR } from '../../../vendors/gokuai/wire';
import type { AccountInfo } from '../../accounts';
import type { VendorGlue } from '../types';
import { registerGokuaiCommands } from './commands';
import { connectGokuai, type GokuaiAccountInfo, isGokuaiConnection, SANDBOX_ACCOUNT_ID } from './connection';
import { GOKUAI_SCHEME, gokuaiTree } from './tree';

export { addGokuaiAccount, type AddGokuaiInput, type GokuaiAccountInfo, type GokuaiConnection } from './connection';

/** Gokuai enterprise libraries: gokuai://<account>/<fullpath>, one library (one RemoteFs) per account. */
export const gokuaiGlue: VendorGlue = {
  vendor: 'gokuai',
  displayName: 'Gokuai',
  scheme: GOKUAI_SCHEME,

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
  registerCommands: registerGokuaiCommands,

  describeError(e) {
    if (e.kind !== 'Unauthorized' || e.vendorCode !== GK_ERR.BAD_SIGN) return undefined;
    return { message: vscode.l10n.t('Signature rejected — check the client secret'), hint: vscode.l10n.t('Update the credentials of this account.'), kind: e.kind, credentials: true };
  },

  // A getter: l10n strings are looked up when used, not when the module loads.
  get credentialsCommand() {
    return { command: 'docWorkspaces.updateCredentials', title: vscode.l10n.t('Update credentials…') };
  },

  readVersion(conn, path, version, opts) {
    if (!isGokuaiConnection(conn)) throw new UnsupportedError('Not a Gokuai account.');
    return conn.api.downloadBytes({ fullpath: path, filehash: version }, opts);
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
