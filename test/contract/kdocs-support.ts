/**
 * Shared setup of the kdocs contract tests: a sandbox, a signed-in client (the whole OAuth flow through the
 * auto-approving authorize page) and fast retry/poll settings.
 */
import * as assert from 'assert';
import nodeFetch from 'node-fetch';
import type { Logger } from '../../src/core/log';
import type { KdocsSandbox } from '../../src/sandbox';
import { KdocsClient, type KdocsClientOptions } from '../../src/vendors/kdocs/client';
import { KdocsTokenManager, storedTokens } from '../../src/vendors/kdocs/oauth';
import { KdocsOperations } from '../../src/vendors/kdocs/operations';
import { appSpace, KdocsRemoteFs, personalSpace } from '../../src/vendors/kdocs/remotefs';
import { KD_SCOPES, type KdTokenPair } from '../../src/vendors/kdocs/wire';

/** A client for the sandbox with test-speed retries and polling; no sign-in unless `extra` brings a token. */
export function sandboxClient(sb: KdocsSandbox, logger: Logger, extra: KdocsClientOptions = {}, appKey?: string): KdocsClient {
  return new KdocsClient(
    { host: sb.host, appId: sb.credentials.appId, appKey: appKey ?? sb.credentials.appKey },
    { logger, retry: { baseMs: 5, maxDelayMs: 20 }, rateLimit: { perSecond: 1000, burst: 1000 }, poll: { intervalMs: 5, maxIntervalMs: 20 }, ...extra },
  );
}

/** The browser half of the OAuth dance: the authorize page (auto-approved) redirects back with a fresh code. */
export async function authorizationCode(c: KdocsClient): Promise<string> {
  const url = c.authorizeUrl({ redirectUri: 'http://127.0.0.1:1/callback', scopes: [...KD_SCOPES], state: 's-1' });
  const res = await nodeFetch(url, { redirect: 'manual' });
  assert.strictEqual(res.status, 302);
  const back = new URL(res.headers.get('location')!);
  assert.strictEqual(back.searchParams.get('state'), 's-1');
  return back.searchParams.get('code')!;
}

/** The whole OAuth dance: authorize page (auto-approved) -> redirect with code -> token exchange. */
export async function signIn(c: KdocsClient): Promise<KdTokenPair> {
  return c.exchangeCode(await authorizationCode(c));
}

/** A signed-in client whose expired access tokens are refreshed silently, and its token manager. */
export async function signedInClient(sb: KdocsSandbox, logger: Logger): Promise<{ client: KdocsClient; tokens: KdocsTokenManager }> {
  const oauth = sandboxClient(sb, logger);
  const tokens = new KdocsTokenManager(oauth, storedTokens(await signIn(oauth), Date.now()));
  const client = sandboxClient(sb, logger, { accessToken: () => tokens.accessToken(), onTokenExpired: (t) => tokens.refresh(t) });
  return { client, tokens };
}

/** A signed-in client of the sandbox with both spaces and the operations over them (as a connection builds them). */
export async function signedInStores(sb: KdocsSandbox, logger: Logger): Promise<{ client: KdocsClient; personal: KdocsRemoteFs; app: KdocsRemoteFs; ops: KdocsOperations }> {
  const { client } = await signedInClient(sb, logger);
  const personal = new KdocsRemoteFs(client, personalSpace(client));
  const app = new KdocsRemoteFs(client, appSpace(client));
  return { client, personal, app, ops: new KdocsOperations(client, { personal, appspace: app }) };
}
