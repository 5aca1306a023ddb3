import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { NotFoundError, UnauthorizedError } from '../core/errors';
import { registerSecret } from '../core/redact';
import type {
  AccountDescription, AccountInfo, AccountsService, Connection, RunningSandbox, SecretHandle, VendorId, VendorRegistryView,
} from './types';

export type { AccountInfo };

const STATE_KEY = 'docWorkspaces.accounts';
/** Unchanged from the Gokuai-only versions, so stored secrets stay found. */
const secretKey = (a: Pick<AccountInfo, 'id' | 'vendor'>) => `docWorkspaces.${a.vendor}.secret.${a.id}`;

/**
 * The accounts of every vendor: one globalState list plus one SecretStorage entry per account, and the live
 * connection of each account (built on first use by its vendor's `connect`).
 */
export class Accounts implements AccountsService, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly connections = new Map<string, Promise<Connection>>();
  /** The sandbox accounts by vendor, with their secrets. */
  private readonly sandboxes = new Map<VendorId, { info: AccountInfo; secret: string }>();
  /** Secret values this window knows (read or written): a change event carrying one of them is our own write. */
  private readonly knownSecrets = new Map<string, string>();
  private readonly subscription: vscode.Disposable;
  /** Set while the sandboxes of activation start (see sandboxesStarted). */
  private sandboxesStarting?: Promise<void>;

  /**
   * @param allowUnverified honour `verify: false` when adding accounts (test and development hosts only): in production
   * every account is verified, so neither a command argument nor another extension can store unchecked credentials.
   */
  constructor(
    private readonly state: vscode.Memento,
    private readonly secrets: vscode.SecretStorage,
    readonly vendors: VendorRegistryView,
    private readonly log: Logger,
    readonly allowUnverified = false,
  ) {
    // Another window may update or delete a secret: drop the cached connection so the next call picks it up.
    this.subscription = secrets.onDidChange(async (e) => {
      const info = this.stored().find((a) => secretKey(a) === e.key);
      if (!info) return;
      const value = await this.secrets.get(e.key);
      if (value !== undefined && value === this.knownSecrets.get(e.key)) return;
      this.connections.delete(info.id);
      this.changed.fire();
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  list(): AccountInfo[] {
    return [...[...this.sandboxes.values()].map((s) => s.info), ...this.stored()];
  }

  find(id: string): AccountInfo | undefined {
    return this.list().find((a) => a.id === id);
  }

  describe(info: AccountInfo): AccountDescription {
    return this.vendors.get(info.vendor).describeAccount(info);
  }

  /** The account's name as the tree shows it (the id when the account is gone), for messages that name a target. */
  label(id: string): string {
    const info = this.find(id);
    return info ? this.describe(info).label : id;
  }

  /**
   * The connection of an account, created on first use. With `vendor`, an account of another vendor is not found.
   * The promise is cached before the secret is read, so callers racing at start-up (several restored editors) share one
   * connection: one rate limiter per host, and one token manager on a rotating refresh token.
   */
  connection(id: string, vendor?: VendorId): Promise<Connection> {
    const info = this.find(id);
    // A restored editor of a sandbox account may ask before the sandboxes started (activation does not wait for them).
    if (!info && this.sandboxesStarting) return this.sandboxesStarting.then(() => this.connection(id, vendor));
    if (!info || (vendor && info.vendor !== vendor)) return Promise.reject(new NotFoundError(vscode.l10n.t('No account "{0}". Add it again.', id)));
    const cached = this.connections.get(id);
    if (cached) return cached;
    const pending = this.connect(info);
    this.connections.set(id, pending);
    // A failed connection (missing or unreadable secret) is not cached: the next call tries again.
    pending.catch(() => {
      if (this.connections.get(id) === pending) this.connections.delete(id);
    });
    return pending;
  }

  private async connect(info: AccountInfo): Promise<Connection> {
    const sandbox = info.sandbox ? this.sandboxes.get(info.vendor) : undefined;
    const key = secretKey(info);
    const value = sandbox ? sandbox.secret : await this.secrets.get(key);
    if (!value) throw new UnauthorizedError(vscode.l10n.t('The credentials of this account are missing. Run "Sign In Again…" on it.'));
    registerSecret(value);
    if (!sandbox) this.knownSecrets.set(key, value);
    const handle: SecretHandle = {
      value,
      store: async (next) => {
        if (!sandbox) return this.storeSecret(key, next);
        registerSecret(next);
        sandbox.secret = next; // in memory only: sandbox accounts are not persisted
      },
      read: async () => {
        if (sandbox) return sandbox.secret;
        const now = await this.secrets.get(key);
        registerSecret(now);
        return now;
      },
    };
    return this.vendors.get(info.vendor).connect(info, handle, { log: this.log, state: this.state });
  }

  /** Adds (or replaces) an account; the vendor checked the credentials first. The secret goes to SecretStorage only. */
  async add(info: AccountInfo, secret: string): Promise<AccountInfo> {
    await this.storeSecret(secretKey(info), secret);
    await this.save([...this.stored().filter((a) => a.id !== info.id), info]);
    this.connections.delete(info.id);
    this.changed.fire();
    return info;
  }

  /** Replaces the secret of a stored account (the "fix credentials" path of tree error nodes). */
  async updateSecret(id: string, secret: string): Promise<void> {
    const info = this.stored().find((a) => a.id === id);
    if (!info) throw new NotFoundError(vscode.l10n.t('No account "{0}". Add it again.', id));
    await this.storeSecret(secretKey(info), secret);
    this.connections.delete(id);
    this.changed.fire();
  }

  /** Remembers non-secret facts learnt later (the library name from a `stat`). Does not fire onDidChange. */
  async update(id: string, patch: Partial<Omit<AccountInfo, 'id' | 'vendor' | 'sandbox'>>): Promise<void> {
    const all = this.stored();
    const info = all.find((a) => a.id === id) as Record<string, unknown> | undefined;
    if (!info || Object.entries(patch).every(([k, v]) => info[k] === v)) return;
    Object.assign(info, patch);
    await this.save(all);
  }

  async remove(id: string): Promise<void> {
    const info = this.stored().find((a) => a.id === id);
    if (!info) return;
    await this.save(this.stored().filter((a) => a.id !== id));
    await this.secrets.delete(secretKey(info));
    this.knownSecrets.delete(secretKey(info));
    this.connections.delete(id);
    this.changed.fire();
  }

  /**
   * Activation starts the sandboxes without waiting: until `started` settles (it must not reject), connections to
   * unknown accounts wait for it instead of failing.
   */
  sandboxesStarted(started: Promise<void>): void {
    const pending: Promise<void> = started.finally(() => {
      if (this.sandboxesStarting === pending) this.sandboxesStarting = undefined;
    });
    this.sandboxesStarting = pending;
  }

  /** Shows (or hides, with undefined) the embedded sandbox account of a vendor. */
  setSandbox(vendor: VendorId, sb: Pick<RunningSandbox, 'account' | 'secret'> | undefined): void {
    const old = this.sandboxes.get(vendor);
    if (old) this.connections.delete(old.info.id);
    if (sb) {
      this.connections.delete(sb.account.id);
      this.sandboxes.set(vendor, { info: { ...sb.account, vendor, sandbox: true }, secret: sb.secret });
    } else {
      this.sandboxes.delete(vendor);
    }
    this.changed.fire();
  }

  /** Writes a secret, known as our own write (see the onDidChange subscription) and redacted from logs. */
  private async storeSecret(key: string, value: string): Promise<void> {
    registerSecret(value);
    this.knownSecrets.set(key, value);
    await this.secrets.store(key, value);
  }

  private stored(): AccountInfo[] {
    return this.state.get<AccountInfo[]>(STATE_KEY, []).map((a) => ({ ...a }));
  }

  private save(list: AccountInfo[]): Thenable<void> {
    return this.state.update(STATE_KEY, list);
  }
}
