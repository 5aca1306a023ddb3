import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import { registerSecret } from '../../../core/redact';
import type { FileStore } from '../../../core/remote';
import { GokuaiClient, GokuaiRemoteFs } from '../../../vendors/gokuai';
import type { GokuaiApi, GokuaiCredentials } from '../../../vendors/gokuai/api';
import { gokuaiCapabilities } from '../../../vendors/gokuai/capabilities';
import type { AccountInfo, AccountsService, Connection, Mount } from '../../types';
import { hashedAccountId, normalizeHost } from '../accountIds';

/** A Gokuai library: host + library authorization client id; the client secret is the account's secret. */
export interface GokuaiAccountInfo extends AccountInfo {
  vendor: 'gokuai';
  host: string;
  orgClientId: string;
}

/** The library's API next to its file system: the whole library is one store (one RemoteFs with its capabilities). */
export interface GokuaiConnection extends Connection {
  readonly vendor: 'gokuai';
  readonly api: GokuaiApi;
  readonly fs: FileStore;
}

export interface AddGokuaiInput {
  host?: string;
  orgClientId: string;
  orgClientSecret: string;
  /**
   * Verify with one `stat` call before saving (default true). Tests pass false to store deliberately bad credentials;
   * honoured only outside production (see Accounts `allowUnverified`).
   */
  verify?: boolean;
}

export const SANDBOX_ACCOUNT_ID = 'sandbox';
export const DEFAULT_GOKUAI_HOST = 'https://yk3.gokuai.com';

export function accountIdFor(host: string, orgClientId: string): string {
  return hashedAccountId('gk-', host, orgClientId);
}

export function connectGokuai(creds: GokuaiCredentials, log: Logger): GokuaiConnection {
  const api = new GokuaiClient(creds, { logger: log });
  const fs = new GokuaiRemoteFs(api);
  const mount: Mount = { root: '', fs, caps: gokuaiCapabilities(api, fs) };
  return { vendor: 'gokuai', api, fs, mounts: [mount], resolve: (path) => ({ ...mount, path }) };
}

export function isGokuaiConnection(c: Connection): c is GokuaiConnection {
  return c.vendor === 'gokuai';
}

/** The connection of a Gokuai account; other vendors' accounts are refused (Gokuai-only commands). */
export async function gokuaiConnection(accounts: AccountsService, accountId: string): Promise<GokuaiConnection> {
  const c = await accounts.connection(accountId);
  if (!isGokuaiConnection(c)) throw new UnsupportedError(vscode.l10n.t('This command works only on {0} files.', 'Gokuai'));
  return c;
}

/** Adds (or replaces) a Gokuai library, verified with one `stat` call first. `signal` cancels the verification. */
export async function addGokuaiAccount(accounts: AccountsService, input: AddGokuaiInput, log: Logger, opts: { signal?: AbortSignal } = {}): Promise<GokuaiAccountInfo> {
  const host = normalizeHost(input.host || DEFAULT_GOKUAI_HOST, (h) => vscode.l10n.t('"{0}" is not a host URL like https://yk3.gokuai.com', h));
  const orgClientId = input.orgClientId.trim();
  if (!orgClientId || !input.orgClientSecret) throw new InvalidInputError(vscode.l10n.t('The client ID and the client secret are both required.'));
  registerSecret(input.orgClientSecret);
  const info: GokuaiAccountInfo = { id: accountIdFor(host, orgClientId), vendor: 'gokuai', host, orgClientId };
  if (input.verify !== false || !accounts.allowUnverified) {
    const stat = await connectGokuai({ host, orgClientId, orgClientSecret: input.orgClientSecret }, log).api.stat({ signal: opts.signal });
    info.libraryName = stat.org_name;
  }
  await accounts.add(info, input.orgClientSecret);
  return info;
}
