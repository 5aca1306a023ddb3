import * as vscode from 'vscode';
import { BadResponseError, type DocError, isDocError, UnauthorizedError, UnsupportedError } from '../../../core/errors';
import type { Logger } from '../../../core/log';
import {
  appSpace, KdocsClient, KdocsOperations, KdocsRemoteFs, KdocsTokenManager, type KdStoredTokens, personalSpace,
} from '../../../vendors/kdocs';
import { kdocsCapabilities } from '../../../vendors/kdocs/capabilities';
import type { KdSpaceName } from '../../../vendors/kdocs/operations';
import { KD_ERR } from '../../../vendors/kdocs/wire';
import { spaceResolver } from '../../spaces';
import type { AccountInfo, AccountsService, Connection, Mount, SecretHandle } from '../../types';
import { hashedAccountId } from '../accountIds';
import { KD_SPACES } from './paths';

/** A Kingsoft Docs account: one open-platform app (app space) used by one signed-in user (personal files). */
export interface KdocsAccountInfo extends AccountInfo {
  vendor: 'kdocs';
  host: string;
  appId: string;
  /** The user's id from `user/basic` (part of the account id). */
  userId: string;
}

/** The account's secret, stored as JSON in SecretStorage: the app key and the user's OAuth tokens. */
export interface KdocsSecret {
  appKey: string;
  /** Absent when the user never finished signing in. */
  tokens?: KdStoredTokens;
}

export const DEFAULT_KDOCS_HOST = 'https://developer.kdocs.cn';
export const KDOCS_SANDBOX_ACCOUNT_ID = 'kd-sandbox';

/** Stable across restarts and sign-ins of the same user with the same app; unique across vendors ('kd-'). */
export function kdocsAccountId(host: string, appId: string, userId: string): string {
  return hashedAccountId('kd-', host, appId, userId);
}

export function parseKdocsSecret(value: string): KdocsSecret {
  try {
    const v = JSON.parse(value) as Partial<KdocsSecret>;
    if (typeof v.appKey === 'string') return { appKey: v.appKey, tokens: validTokens(v.tokens) };
  } catch {
    // not JSON: fall through
  }
  throw new BadResponseError('The stored Kingsoft Docs credentials are unreadable. Sign in again.');
}

function validTokens(t: unknown): KdStoredTokens | undefined {
  const x = t as Partial<KdStoredTokens> | undefined;
  return x && typeof x.accessToken === 'string' && typeof x.refreshToken === 'string' && typeof x.expiresAt === 'number'
    ? { accessToken: x.accessToken, refreshToken: x.refreshToken, expiresAt: x.expiresAt } : undefined;
}

export function serializeKdocsSecret(s: KdocsSecret): string {
  return JSON.stringify(s);
}

/** Fired with an account id when its personal sign-in is lost (refresh refused) so the tree can show "Sign in again". */
const signedOutEmitter = new vscode.EventEmitter<string>();
export const onDidSignOut = signedOutEmitter.event;

/** The live API objects of a kdocs account. */
export interface KdocsConnection extends Connection {
  readonly vendor: 'kdocs';
  readonly accountId: string;
  readonly client: KdocsClient;
  readonly ops: KdocsOperations;
  readonly spaces: Readonly<Record<KdSpaceName, KdocsRemoteFs>>;
  /**
   * Why the personal files are unavailable (never signed in, or the server refused to renew the sign-in); undefined
   * while signed in. The app space does not depend on it (WPS-2 signed with the app key).
   */
  signedOut(): DocError | undefined;
  /**
   * Takes the tokens of a fresh sign-in (the user's "Sign in again"): the connection signs in again without being
   * rebuilt, and the tokens are persisted with the account's secret.
   */
  adopt(tokens: KdStoredTokens): Promise<void>;
}

export function isKdocsConnection(c: Connection): c is KdocsConnection {
  return c.vendor === 'kdocs';
}

/** The connection of a kdocs account; other vendors' accounts are refused. */
export async function kdocsConnection(accounts: AccountsService, accountId: string): Promise<KdocsConnection> {
  const c = await accounts.connection(accountId);
  if (!isKdocsConnection(c)) throw new UnsupportedError(vscode.l10n.t('This command works only on {0} files.', 'Kingsoft Docs'));
  return c;
}

/** A sign-in the service will not renew: signing in again is the only way out (a network error is not one). */
function isSignInLost(e: unknown): boolean {
  return isDocError(e, 'Unauthorized') || isDocError(e, 'Forbidden');
}

function signedOutError(cause?: DocError): UnauthorizedError {
  // BAD_REFRESH: describeError (index.ts) words it as "sign in again" and tree error nodes offer the sign-in.
  return new UnauthorizedError(vscode.l10n.t('Signed out of Kingsoft Docs personal files — sign in again.'),
    { vendorCode: KD_ERR.BAD_REFRESH, status: cause?.status, cause, vendor: 'kdocs' });
}

/** The tokens of a stored secret, or undefined when it is gone or unreadable. */
function tokensOf(value: string | undefined): KdStoredTokens | undefined {
  try {
    return value === undefined ? undefined : parseKdocsSecret(value).tokens;
  } catch {
    return undefined;
  }
}

/**
 * Builds the client of an account with silent token refresh: the token manager renews expired access tokens (the
 * client replays the refused call) and rotated tokens are persisted through `secret.store`. When the renewal itself is
 * refused the account is signed out: personal calls fail at once with a "sign in again" error and `onDidSignOut` fires.
 *
 * Refresh tokens rotate, and every window of the account holds the same one: when two windows renew at once, the
 * server refuses the slower one. So before signing out, the stored secret is read again: when it holds other tokens
 * (the faster window's), they are taken and the call is tried once more.
 */
export function connectKdocs(account: KdocsAccountInfo, secret: SecretHandle, log: Logger): KdocsConnection {
  const stored = parseKdocsSecret(secret.value);
  let lost: DocError | undefined = stored.tokens ? undefined : signedOutError();
  let manager: KdocsTokenManager | undefined;

  const signOut = (e: unknown): never => {
    if (isSignInLost(e) && !lost) {
      lost = signedOutError(e as DocError);
      log.warn(`Kingsoft Docs account ${account.id}: the sign-in could not be renewed`, e);
      signedOutEmitter.fire(account.id);
    }
    throw lost ?? e;
  };

  /** True when other tokens than the ones whose renewal just failed are in use now (another window stored them). */
  const adoptStoredTokens = async (): Promise<boolean> => {
    const failed = manager?.current.refreshToken;
    const tokens = tokensOf(await secret.read());
    if (manager?.current.refreshToken !== failed) return true; // a concurrent call took them meanwhile
    if (!tokens || tokens.refreshToken === failed) return false;
    log.info(`Kingsoft Docs account ${account.id}: another window renewed the sign-in; using its tokens`);
    manager = manage(tokens);
    return true;
  };

  /** `e` failed a renewal: signs out, unless the stored tokens changed and `retry` then succeeds. */
  const renewalFailed = async <T>(e: unknown, retry: () => Promise<T>): Promise<T> => {
    if (!isSignInLost(e) || !await adoptStoredTokens()) return signOut(e);
    try {
      return await retry();
    } catch (again) {
      return signOut(again);
    }
  };

  const client = new KdocsClient({ host: account.host, appId: account.appId, appKey: stored.appKey }, {
    logger: log,
    accessToken: async () => {
      if (lost || !manager) throw lost ?? signedOutError();
      try {
        return await manager.accessToken();
      } catch (e) {
        return renewalFailed(e, () => manager!.accessToken());
      }
    },
    onTokenExpired: async (rejected) => {
      if (lost || !manager) throw lost ?? signedOutError();
      try {
        await manager.refresh(rejected);
      } catch (e) {
        // Adopted tokens are used as they are: the client replays the call with them.
        await renewalFailed(e, async () => undefined);
      }
    },
  });
  const persist = (tokens: KdStoredTokens) => secret.store(serializeKdocsSecret({ appKey: stored.appKey, tokens }));
  const manage = (tokens: KdStoredTokens) => new KdocsTokenManager(client, tokens, { onChange: persist });
  if (stored.tokens) manager = manage(stored.tokens);

  const spaces = { personal: new KdocsRemoteFs(client, personalSpace(client)), appspace: new KdocsRemoteFs(client, appSpace(client)) };
  const ops = new KdocsOperations(client, spaces);
  // Two stores: the user's files and the app space, each with its own capabilities (vendors/kdocs/capabilities.ts).
  const mounts: Mount[] = KD_SPACES.map((space) => ({ root: space, fs: spaces[space], caps: kdocsCapabilities(ops, space) }));
  return {
    vendor: 'kdocs',
    accountId: account.id,
    client,
    ops,
    spaces,
    mounts,
    resolve: spaceResolver(mounts),
    signedOut: () => lost,
    async adopt(tokens) {
      manager = manage(tokens);
      lost = undefined;
      await persist(tokens);
    },
  };
}
