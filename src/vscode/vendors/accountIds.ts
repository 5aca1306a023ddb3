import { createHash } from 'crypto';
import { InvalidInputError } from '../../core/errors';

/**
 * A stable account id: the vendor's prefix ('gk-', 'kd-'; unique across vendors) and a short hash of the host (case
 * folded) and the vendor's identifying parts. Stored ids depend on it: do not change the hashed input.
 */
export function hashedAccountId(prefix: string, host: string, ...parts: string[]): string {
  return prefix + createHash('sha1').update([host.toLowerCase(), ...parts].join('\n')).digest('hex').slice(0, 12);
}

/**
 * A host URL as typed (trailing slashes dropped), or an InvalidInputError with `invalid(host)`: the vendor words it
 * with its own example host (a literal l10n string each, so the translations stay found).
 */
export function normalizeHost(host: string, invalid: (host: string) => string): string {
  const h = host.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+$/i.test(h)) throw new InvalidInputError(invalid(h));
  return h;
}
