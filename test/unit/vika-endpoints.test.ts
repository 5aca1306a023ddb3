import * as assert from 'assert';
import { endpointRows } from '../support/endpoints';
import { encodeRecordQuery, VIKA_ENDPOINTS, VikaClient } from '../../src/vendors/vika/client';

describe('vika endpoint coverage', () => {
  const rows = endpointRows('vika');

  it('the TSV lists the 13 vika endpoints', () => {
    assert.strictEqual(rows.length, 13);
  });

  it('every vika method + path of endpoints.tsv has a client method', () => {
    const mapped = new Set<string>(Object.values(VIKA_ENDPOINTS).map((e) => `${e.method} ${e.path}`));
    const missing = rows.map((r) => `${r.method} ${r.path}`).filter((p) => !mapped.has(p));
    assert.deepStrictEqual(missing, []);
    assert.strictEqual(Object.keys(VIKA_ENDPOINTS).length, rows.length);
  });

  it('every table entry names a real client method', () => {
    const client = new VikaClient({ host: 'http://127.0.0.1:9', token: 'token-for-test' });
    for (const name of Object.keys(VIKA_ENDPOINTS)) {
      assert.strictEqual(typeof (client as unknown as Record<string, unknown>)[name], 'function', name);
    }
  });

  it('sends arrays in the bracket forms of the reference, sort indexed (unambiguous with several keys)', () => {
    const q = encodeRecordQuery({ recordIds: ['r1', 'r2'], fields: ['标题'], sort: [{ field: 'a', order: 'asc' }, { field: 'b', order: 'desc' }], fieldKey: 'id' });
    assert.deepStrictEqual(q, [
      ['recordIds[]', 'r1'], ['recordIds[]', 'r2'], ['fields[]', '标题'],
      ['sort[0][field]', 'a'], ['sort[0][order]', 'asc'], ['sort[1][field]', 'b'], ['sort[1][order]', 'desc'], ['fieldKey', 'id'],
    ]);
  });
});
