import { readFileSync } from 'fs';
import * as path from 'path';

/** One row of the vendor endpoint inventory (shared/api-docs/endpoints.tsv). */
export interface EndpointRow { vendor: string; group: string; method: string; path: string; title: string }

/**
 * A committed copy of shared/api-docs/endpoints.tsv, so coverage tests run on any checkout.
 * Refresh it with `cp ../shared/api-docs/endpoints.tsv test/fixtures/` when the inventory changes.
 */
const TSV = path.resolve(__dirname, '../../../test/fixtures/endpoints.tsv');

/** Rows of one vendor, optionally limited to some groups. */
export function endpointRows(vendor: string, groups?: readonly string[]): EndpointRow[] {
  return readFileSync(TSV, 'utf8').split('\n').slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const [v, group, method, p, title] = l.split('\t');
      return { vendor: v, group, method, path: p, title };
    })
    .filter((r) => r.vendor === vendor && (!groups || groups.includes(r.group)));
}
