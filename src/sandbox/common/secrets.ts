import * as crypto from 'node:crypto';

/**
 * The secrets an emulator hands out: OAuth codes and tokens, edit tokens, upload sessions and keys, signatures of
 * temporary URLs. With DOC_WORKSPACES_SANDBOX_CANARY=1 (set by `npm test` for every stage, and inherited by the
 * extension's embedded sandbox inside VS Code) each one carries the marker CANARY_MARK, and the test run fails when any
 * log holds it (scripts/lib/secret-scan.mjs): a leak cannot hide behind a value nobody knows. Otherwise plain random.
 */
export const CANARY_MARK = 'CaNaRy';

export function canaryMode(): boolean {
  return process.env.DOC_WORKSPACES_SANDBOX_CANARY === '1';
}

/** A new random secret: `bytes` random bytes as hex (or base64url), with the canary mark in canary mode. */
export function newSecret(bytes: number, encoding: 'hex' | 'base64url' = 'hex'): string {
  return markSecret(crypto.randomBytes(bytes).toString(encoding));
}

/** `value` with the canary mark in front in canary mode (for secrets derived from other data, e.g. a MAC). */
export function markSecret(value: string): string {
  return canaryMode() ? CANARY_MARK + value : value;
}
