import * as assert from 'assert';
import { endpointRows } from '../support/endpoints';
import { GOKUAI_ENDPOINTS, GokuaiClient } from '../../src/vendors/gokuai/client';


describe('gokuai endpoint coverage', () => {
  const rows = endpointRows('gokuai');

  it('the TSV lists the 35 gokuai endpoints', () => {
    assert.strictEqual(rows.length, 35);
  });

  it('every gokuai path of endpoints.tsv has a client method', () => {
    const mapped = new Set<string>(Object.values(GOKUAI_ENDPOINTS).map((e) => e.path));
    const missing = rows.map((r) => r.path).filter((p) => !mapped.has(p));
    assert.deepStrictEqual(missing, []);
    assert.strictEqual(Object.keys(GOKUAI_ENDPOINTS).length, rows.length);
  });

  it('every table entry names a real client method', () => {
    const client = new GokuaiClient({ host: 'http://127.0.0.1:9', orgClientId: 'id', orgClientSecret: 'secret-for-test' });
    for (const name of Object.keys(GOKUAI_ENDPOINTS)) {
      assert.strictEqual(typeof (client as unknown as Record<string, unknown>)[name], 'function', name);
    }
  });
});
