/**
 * Keeps a user's kdocs tokens fresh. Refresh tokens rotate on every refresh, so refreshes are single-flight: callers
 * that all saw an expired token share one refresh, and a caller whose rejected token was already replaced does not
 * refresh again.
 */
import type { CallOptions } from '../../core/model';
import { registerSecret } from '../../core/redact';
import type { KdocsOAuth } from './api';
import type { KdTokenPair } from './wire';

export interface KdStoredTokens {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires. */
  expiresAt: number;
}

export interface KdTokenManagerOptions {
  /** Persist rotated tokens (SecretStorage in the extension). */
  onChange?: (tokens: KdStoredTokens) => void | Promise<void>;
  now?: () => number;
  /** Refresh this long before the announced expiry (default 60 s). */
  earlyMs?: number;
}

export function storedTokens(pair: KdTokenPair, nowMs: number): KdStoredTokens {
  return { accessToken: pair.access_token, refreshToken: pair.refresh_token, expiresAt: nowMs + pair.expires_in * 1000 };
}

export class KdocsTokenManager {
  private refreshing: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly oauth: KdocsOAuth, private tokens: KdStoredTokens, private readonly opts: KdTokenManagerOptions = {}) {
    this.now = opts.now ?? Date.now;
    registerSecret(tokens.accessToken);
    registerSecret(tokens.refreshToken);
  }

  /** A usable access token, refreshed first when it is about to expire. Pass as KdocsClientOptions.accessToken. */
  async accessToken(o?: CallOptions): Promise<string> {
    if (this.now() >= this.tokens.expiresAt - (this.opts.earlyMs ?? 60_000)) await this.refresh(this.tokens.accessToken, o);
    return this.tokens.accessToken;
  }

  /**
   * Renews the tokens unless `rejected` (the access token a call was refused with) is already outdated.
   * Pass as KdocsClientOptions.onTokenExpired.
   */
  refresh(rejected?: string, o?: CallOptions): Promise<void> {
    if (rejected !== undefined && rejected !== this.tokens.accessToken) return Promise.resolve();
    this.refreshing ??= (async () => {
      try {
        const pair = await this.oauth.refreshAccessToken(this.tokens.refreshToken, o);
        this.tokens = storedTokens(pair, this.now());
        await this.opts.onChange?.(this.tokens);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  get current(): Readonly<KdStoredTokens> {
    return this.tokens;
  }
}
