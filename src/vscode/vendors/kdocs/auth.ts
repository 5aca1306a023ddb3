import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { BadResponseError, CancelledError, InvalidInputError, TimeoutError, UnauthorizedError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import { registerSecret } from '../../../core/redact';
import { KD_SCOPES, KdocsClient, type KdStoredTokens, type KdUser, storedTokens } from '../../../vendors/kdocs';
import type { AccountsService } from '../../types';
import { withCancellableProgress } from '../../commands/wrap';
import { ui } from '../../ui';
import { normalizeHost } from '../accountIds';
import {
  DEFAULT_KDOCS_HOST, type KdocsAccountInfo, kdocsAccountId, kdocsConnection, serializeKdocsSecret,
} from './connection';

/** Path of the OAuth callback: vscode://doc-workspaces.doc-workspaces/kdocs-auth?code=...&state=... */
export const AUTH_PATH = '/kdocs-auth';
const EXTENSION_ID = 'doc-workspaces.doc-workspaces';
/** How long a sign-in waits for the browser before giving up. */
const WAIT_MS = 10 * 60 * 1000;

interface Pending { resolve(code: string): void; reject(e: Error): void }

/**
 * The OAuth authorization-code flow of the personal APIs: opens the authorize page in the browser with a one-time
 * `state`, and waits for the code on the extension's URI handler (via vscode.env.asExternalUri, so the callback also
 * reaches remote and web windows). Codes and tokens never reach the log.
 */
export class KdocsAuthFlow {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly log: Logger) {}

  /** The URI handler's part: completes the sign-in whose `state` the callback carries. */
  handleUri(uri: vscode.Uri): void {
    const q = new URLSearchParams(uri.query);
    const state = q.get('state') ?? '';
    const code = q.get('code');
    registerSecret(code);
    const p = this.pending.get(state);
    if (!p) {
      // A stale or forged callback: no sign-in of this window asked for it.
      this.log.warn('Ignored a Kingsoft Docs sign-in callback that no sign-in in this window is waiting for');
      return;
    }
    this.pending.delete(state);
    if (code) p.resolve(code);
    else p.reject(new UnauthorizedError(vscode.l10n.t('Kingsoft Docs did not authorize the sign-in ({0}).', q.get('error') ?? q.get('msg') ?? 'no code')));
  }

  /**
   * Runs the browser part: resolves with the authorization code. `signal` cancels the wait (the progress
   * notification's Cancel).
   */
  async authorize(client: KdocsClient, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const state = randomBytes(16).toString('base64url');
    const local = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}${AUTH_PATH}`);
    const callback = await vscode.env.asExternalUri(local);
    const url = client.authorizeUrl({ redirectUri: callback.toString(true), scopes: [...KD_SCOPES], state });
    const code = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => fail(new TimeoutError(vscode.l10n.t('The sign-in timed out waiting for the browser.'))), WAIT_MS);
      const onAbort = () => fail(new CancelledError(vscode.l10n.t('Sign-in cancelled.')));
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.pending.delete(state);
      };
      const fail = (e: Error) => { done(); reject(e); };
      this.pending.set(state, { resolve: (c) => { done(); resolve(c); }, reject: fail });
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort);
    });
    // Whatever goes wrong opening the page ends the wait through the pending entry: its timer, abort listener and
    // entry go with it, and the rejection reaches the caller through `code` (never unhandled).
    try {
      if (!await ui().openExternal(url)) this.pending.get(state)?.reject(new CancelledError(vscode.l10n.t('The sign-in page was not opened.')));
    } catch (e) {
      this.pending.get(state)?.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return code;
  }
}

/**
 * The sandbox's authorize page approves at once and redirects: reading its Location header is the whole "browser"
 * part. Used for the embedded sandbox account only.
 */
export async function autoApprovedCode(client: KdocsClient, signal?: AbortSignal): Promise<string> {
  const state = randomBytes(8).toString('hex');
  const url = client.authorizeUrl({ redirectUri: 'http://127.0.0.1/kdocs-sandbox-callback', scopes: [...KD_SCOPES], state });
  const res = await fetch(url, { redirect: 'manual', signal });
  const location = res.headers.get('location');
  const back = location ? new URL(location) : undefined;
  const code = back?.searchParams.get('code');
  if (!code || back?.searchParams.get('state') !== state) throw new BadResponseError(`The sandbox sign-in page answered ${res.status} without a code`);
  registerSecret(code);
  return code;
}

/** Exchanges a code: the user's tokens and who they are. */
export async function finishSignIn(client: KdocsClient, host: string, code: string, signal?: AbortSignal): Promise<{ tokens: KdStoredTokens; user: KdUser }> {
  const tokens = storedTokens(await client.exchangeCode(code, { signal }), Date.now());
  registerSecret(tokens.accessToken);
  registerSecret(tokens.refreshToken);
  // user/basic needs only the access token, not the app key.
  const asUser = new KdocsClient({ host, appId: '', appKey: '' }, { accessToken: async () => tokens.accessToken });
  return { tokens, user: await asUser.userBasic({ signal }) };
}

export interface AddKdocsInput {
  appId?: string;
  appKey?: string;
  /** Open-platform host (default https://developer.kdocs.cn; the sandbox's URL in tests). */
  host?: string;
}

export interface SignInDeps {
  accounts: AccountsService;
  flow: KdocsAuthFlow;
  log: Logger;
}

/** Runs the browser part under a cancellable progress notification. */
function browserCode(d: SignInDeps, client: KdocsClient): Thenable<string> {
  return withCancellableProgress(vscode.l10n.t('Kingsoft Docs: finish the sign-in in your browser…'), (signal) => d.flow.authorize(client, { signal }));
}

/** The host as typed, or an InvalidInputError worded for Kingsoft Docs. */
const kdocsHost = (host: string) => normalizeHost(host, (h) => vscode.l10n.t('"{0}" is not a host URL like https://developer.kdocs.cn', h));

/** Asks for the open-platform host (private deployments have their own); the default is filled in and selected. */
function askHost(): Promise<string> {
  return ui().input({
    title: vscode.l10n.t('Add Kingsoft Docs account'),
    prompt: vscode.l10n.t('Kingsoft Docs open-platform host (change it for a private deployment)'),
    value: DEFAULT_KDOCS_HOST,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        kdocsHost(v);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
  });
}

/**
 * "Add Kingsoft Docs account": the host, app id and key (each asked unless `input` carries it; the key once), then
 * the OAuth flow; the account is saved on success.
 */
export async function addKdocsAccount(d: SignInDeps, input: AddKdocsInput = {}): Promise<KdocsAccountInfo | undefined> {
  const typed = input.host || await askHost();
  if (!typed) return undefined;
  const host = kdocsHost(typed);
  const appId = (input.appId ?? await ui().input({
    title: vscode.l10n.t('Add Kingsoft Docs account'), prompt: vscode.l10n.t('app_id of your Kingsoft Docs open-platform app'), ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the app_id.')),
  })).trim();
  if (!appId) return undefined;
  const appKey = input.appKey ?? await ui().input({
    title: vscode.l10n.t('Add Kingsoft Docs account'), prompt: vscode.l10n.t('app_key of the app (kept in the secret storage)'), password: true, ignoreFocusOut: true,
    validateInput: (v) => (v ? undefined : vscode.l10n.t('Enter the app_key.')),
  });
  if (!appKey) return undefined;
  registerSecret(appKey);
  const client = new KdocsClient({ host, appId, appKey }, { logger: d.log });
  const code = await browserCode(d, client);
  const { tokens, user } = await finishSignIn(client, host, code);
  const info: KdocsAccountInfo = {
    id: kdocsAccountId(host, appId, user.id), vendor: 'kdocs', host, appId, userId: user.id, libraryName: user.nickname,
  };
  await d.accounts.add(info, serializeKdocsSecret({ appKey, tokens }));
  return info;
}

/**
 * "Sign in again" on an account whose personal sign-in is gone: the same flow with the stored app, then the connection
 * adopts the new tokens (nothing else of the account changes). The user must be the account's user. The embedded
 * sandbox account signs in by itself.
 */
export async function signInAgain(d: SignInDeps, accountId: string): Promise<void> {
  const info = d.accounts.find(accountId) as KdocsAccountInfo | undefined;
  if (!info || info.vendor !== 'kdocs') throw new InvalidInputError(vscode.l10n.t('No Kingsoft Docs account "{0}".', accountId));
  const conn = await kdocsConnection(d.accounts, accountId);
  const code = info.sandbox ? await autoApprovedCode(conn.client) : await browserCode(d, conn.client);
  const { tokens, user } = await finishSignIn(conn.client, info.host, code);
  if (info.userId && user.id !== info.userId) {
    throw new InvalidInputError(vscode.l10n.t('Signed in as {0}, but this account belongs to another user. Add that user as a new account instead.', user.nickname ?? user.id));
  }
  await conn.adopt(tokens);
}
