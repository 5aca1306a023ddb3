import * as crypto from 'node:crypto';
import { kerr } from './errors';
import { newSecret } from '../common/secrets';

/**
 * OAuth of the personal APIs (vendor-facts.md): the authorize page approves at once and redirects with a code that
 * lives 5 minutes and works once; the code buys an access token (default 2 h) and a refresh token (30 days, rotated on
 * every refresh). Also the user's temporary edit tokens (POST/DELETE /user/edit_token).
 */

export const SCOPES = [
  'user_basic', 'access_personal_files', 'download_personal_files', 'create_personal_files', 'edit_personal_files', 'modify_personal_files',
] as const;
export type Scope = (typeof SCOPES)[number];

const CODE_TTL_MS = 5 * 60 * 1000;
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

export interface Grant { scopes: Scope[]; expiresAt: number }

export interface TokenPair { app_id: string; access_token: string; refresh_token: string; expires_in: number }

export class OAuth {
  /** Access token lifetime in seconds (control.setAccessTokenTtl). */
  accessTtlSec = 7200;
  editTokenTtlSec = 3600;
  private readonly codes = new Map<string, Grant>();
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, Grant>();
  private readonly editTokens = new Map<string, number>();

  constructor(readonly appId: string, private readonly appKey: string) {}

  /** The authorize step: returns the redirect location (auto-approved). */
  authorize(q: Record<string, string>): string {
    if (q.app_id !== this.appId) throw kerr.param('unknown app_id');
    let redirect: URL;
    try {
      redirect = new URL(q.redirect_uri ?? '');
    } catch {
      throw kerr.param('redirect_uri must be an absolute URL');
    }
    const requested = (q.scope ?? '').split(/[,\s]+/).filter((s) => s !== '');
    const unknown = requested.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (unknown.length) throw kerr.param(`unknown scope: ${unknown.join(',')}`);
    const code = random();
    this.codes.set(code, { scopes: (requested.length ? requested : [...SCOPES]) as Scope[], expiresAt: Date.now() + CODE_TTL_MS });
    redirect.searchParams.set('code', code);
    if (q.state !== undefined) redirect.searchParams.set('state', q.state);
    return redirect.toString();
  }

  exchange(code: string, appId: string, appKey: string): TokenPair {
    this.checkApp(appId, appKey);
    const grant = this.codes.get(code);
    this.codes.delete(code);
    if (!grant || grant.expiresAt < Date.now()) throw kerr.oauthCode();
    return this.issue(grant.scopes);
  }

  refreshToken(refreshToken: string, appId: string, appKey: string): TokenPair {
    this.checkApp(appId, appKey);
    const grant = this.refresh.get(refreshToken);
    if (!grant || grant.expiresAt < Date.now()) throw kerr.refresh();
    this.refresh.delete(refreshToken);
    return this.issue(grant.scopes);
  }

  /** Scopes of a valid access token; 401 40101 unknown / 40102 expired. */
  check(accessToken: string | undefined): Scope[] {
    const grant = accessToken ? this.access.get(accessToken) : undefined;
    if (!grant) throw kerr.token();
    if (grant.expiresAt <= Date.now()) throw kerr.tokenExpired();
    return grant.scopes;
  }

  /** control.expireAccessTokens: every access token issued so far is expired now (refresh tokens stay valid). */
  expireAll(): void {
    for (const g of this.access.values()) g.expiresAt = 0;
  }

  /** control.expireAuthorizationCodes: every code handed out so far is past its lifetime now. */
  expireCodes(): void {
    for (const g of this.codes.values()) g.expiresAt = 0;
  }

  /** control.revokeRefreshTokens: every refresh token issued so far stops working (access tokens are unchanged). */
  revokeRefreshTokens(): void {
    this.refresh.clear();
  }

  newEditToken(): { token: string; expires_in: number } {
    const token = random();
    this.editTokens.set(token, Date.now() + this.editTokenTtlSec * 1000);
    return { token, expires_in: this.editTokenTtlSec };
  }

  cancelEditToken(token: string): void {
    if (!this.editTokens.delete(token)) throw kerr.notFound('edit token');
  }

  editTokenValid(token: string): boolean {
    const exp = this.editTokens.get(token);
    return exp !== undefined && exp > Date.now();
  }

  private checkApp(appId: string | undefined, appKey: string | undefined): void {
    if (appId !== this.appId || typeof appKey !== 'string' || !sameString(appKey, this.appKey)) throw kerr.refresh('invalid app_id or app_key');
  }

  private issue(scopes: Scope[]): TokenPair {
    const access = random();
    const refresh = random();
    this.access.set(access, { scopes, expiresAt: Date.now() + this.accessTtlSec * 1000 });
    this.refresh.set(refresh, { scopes, expiresAt: Date.now() + REFRESH_TTL_MS });
    return { app_id: this.appId, access_token: access, refresh_token: refresh, expires_in: this.accessTtlSec };
  }
}

function random(): string {
  return newSecret(18, 'base64url');
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}
