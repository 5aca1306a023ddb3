import { createHash } from 'crypto';
import * as vscode from 'vscode';
import { InvalidInputError, NotFoundError, UnauthorizedError } from '../core/errors';
import { registerSecret } from '../core/redact';
import type { RemoteFs } from '../core/remote';
import type { GokuaiApi, GokuaiCredentials } from '../vendors/gokuai/api';

/** Non-secret description of a mounted library, kept in globalState. The secret lives only in SecretStorage. */
export interface AccountInfo {
  /** Stable id used as the URI authority: 'sandbox' or 'gk-' + 12 hex chars derived from host + client id. */
  id: string;
  vendor: 'gokuai';
  host: string;
  orgClientId: string;
  /** Library name from `stat` (org_name), when known. */
  libraryName?: string;
  /** The embedded sandbox account (not persisted). */
  sandbox?: boolean;
}

/** What one account gives the rest of the glue: the vendor API (for extras like links) and the mounted file system. */
export interface Connection {
  readonly api: GokuaiApi;
  readonly fs: RemoteFs;
}

export type Connector = (creds: GokuaiCredentials) => Connection;

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
const STATE_KEY = 'docWorkspaces.accounts';
const secretKey = (id: string) => `docWorkspaces.gokuai.secret.${id}`;

export function accountIdFor(host: string, orgClientId: string): string {
  return 'gk-' + createHash('sha1').update(host.toLowerCase() + '\n' + orgClientId).digest('hex').slice(0, 12);
}

export function normalizeHost(host: string): string {
  const h = host.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/i.test(h)) throw new InvalidInputError(vscode.l10n.t('"{0}" is not a host URL like https://yk3.gokuai.com', h));
  return h;
}

export function accountLabel(a: AccountInfo): string {
  if (a.sandbox) return vscode.l10n.t('Sandbox · {0}', a.libraryName ?? '');
  return a.libraryName ?? a.host;
}

export class Accounts implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly connections = new Map<string, Connection>();
  private sandbox?: { info: AccountInfo; secret: string };
  private readonly subscription: vscode.Disposable;

  /**
   * @param allowUnverified honour `verify: false` (test and development hosts only): in production every account is
   * verified, so neither a command argument nor another extension can store unchecked credentials.
   */
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    private readonly connect: Connector,
    private readonly allowUnverified = false,
  ) {
    // Another window may update or delete a secret: drop the cached client so the next call picks it up.
    this.subscription = secrets.onDidChange((e) => {
      const id = this.stored().find((a) => secretKey(a.id) === e.key)?.id;
      if (id) { this.connections.delete(id); this.changed.fire(); }
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  list(): AccountInfo[] {
    return [...(this.sandbox ? [this.sandbox.info] : []), ...this.stored()];
  }

  find(id: string): AccountInfo | undefined {
    return this.list().find((a) => a.id === id);
  }

  /** The connection of an account, created on first use. */
  async connection(id: string): Promise<Connection> {
    const cached = this.connections.get(id);
    if (cached) return cached;
    const info = this.find(id);
    if (!info) throw new NotFoundError(vscode.l10n.t('No account "{0}". Add the library again.', id));
    const secret = info.sandbox ? this.sandbox?.secret : await this.secrets.get(secretKey(id));
    if (!secret) throw new UnauthorizedError(vscode.l10n.t('The client secret of this account is missing. Update the credentials.'));
    registerSecret(secret);
    const conn = this.connect({ host: info.host, orgClientId: info.orgClientId, orgClientSecret: secret });
    this.connections.set(id, conn);
    return conn;
  }

  /** Adds (or replaces) a Gokuai library. The secret goes to SecretStorage only. `signal` cancels the verification. */
  async addGokuai(input: AddGokuaiInput, opts: { signal?: AbortSignal } = {}): Promise<AccountInfo> {
    const host = normalizeHost(input.host || DEFAULT_GOKUAI_HOST);
    const orgClientId = input.orgClientId.trim();
    if (!orgClientId || !input.orgClientSecret) throw new InvalidInputError(vscode.l10n.t('The client ID and the client secret are both required.'));
    registerSecret(input.orgClientSecret);
    const info: AccountInfo = { id: accountIdFor(host, orgClientId), vendor: 'gokuai', host, orgClientId };
    if (input.verify !== false || !this.allowUnverified) {
      const stat = await this.connect({ host, orgClientId, orgClientSecret: input.orgClientSecret }).api.stat({ signal: opts.signal });
      info.libraryName = stat.org_name;
    }
    await this.secrets.store(secretKey(info.id), input.orgClientSecret);
    await this.save([...this.stored().filter((a) => a.id !== info.id), info]);
    this.connections.delete(info.id);
    this.changed.fire();
    return info;
  }

  /** Replaces the secret of an existing account (the "fix credentials" path of tree error nodes). */
  async updateSecret(id: string, orgClientSecret: string): Promise<void> {
    const info = this.stored().find((a) => a.id === id);
    if (!info) throw new NotFoundError(vscode.l10n.t('No account "{0}". Add the library again.', id));
    registerSecret(orgClientSecret);
    await this.secrets.store(secretKey(id), orgClientSecret);
    this.connections.delete(id);
    this.changed.fire();
  }

  /** Remembers the library name learnt from a later `stat` (accounts added without verification). */
  async setLibraryName(id: string, libraryName: string): Promise<void> {
    const all = this.stored();
    const info = all.find((a) => a.id === id);
    if (!info || info.libraryName === libraryName) return;
    info.libraryName = libraryName;
    await this.save(all);
  }

  async remove(id: string): Promise<void> {
    if (!this.stored().some((a) => a.id === id)) return;
    await this.save(this.stored().filter((a) => a.id !== id));
    await this.secrets.delete(secretKey(id));
    this.connections.delete(id);
    this.changed.fire();
  }

  /** Shows (or hides, with undefined) the embedded sandbox account. */
  setSandbox(sb: { host: string; libraryName: string; credentials: { orgClientId: string; orgClientSecret: string } } | undefined): void {
    this.connections.delete(SANDBOX_ACCOUNT_ID);
    this.sandbox = sb && {
      info: { id: SANDBOX_ACCOUNT_ID, vendor: 'gokuai', host: sb.host, orgClientId: sb.credentials.orgClientId, libraryName: sb.libraryName, sandbox: true },
      secret: sb.credentials.orgClientSecret,
    };
    this.changed.fire();
  }

  private stored(): AccountInfo[] {
    return this.state.get<AccountInfo[]>(STATE_KEY, []).map((a) => ({ ...a }));
  }

  private save(list: AccountInfo[]): Thenable<void> {
    return this.state.update(STATE_KEY, list);
  }
}
