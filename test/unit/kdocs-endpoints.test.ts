import * as assert from 'assert';
import { endpointRows } from '../support/endpoints';
import { KDOCS_ENDPOINTS, KdocsClient } from '../../src/vendors/kdocs/client';


describe('kdocs endpoint coverage (user, personal, appspace)', () => {
  const rows = endpointRows('kdocs', ['user', 'personal', 'appspace']);
  const key = (method: string, p: string) => `${method} ${p}`;

  it('the TSV lists 59 endpoints in these groups', () => {
    assert.strictEqual(rows.length, 59);
  });

  it('every TSV row (method + path) has exactly one client method, and nothing else is in the table', () => {
    const table = Object.values(KDOCS_ENDPOINTS).map((e) => key(e.method, e.path));
    const missing = rows.map((r) => key(r.method, r.path)).filter((k) => !table.includes(k));
    assert.deepStrictEqual(missing, []);
    assert.strictEqual(new Set(table).size, table.length, 'duplicate table entries');
    assert.strictEqual(table.length, rows.length);
  });

  it('app-space endpoints are WPS-2 signed, user/personal ones carry the access token', () => {
    for (const [name, e] of Object.entries(KDOCS_ENDPOINTS)) {
      assert.strictEqual(e.auth, e.path.includes('/appspace/') ? 'wps2' : 'token', name);
    }
  });

  it('every table entry names a real client method', () => {
    const client = new KdocsClient({ host: 'http://127.0.0.1:9', appId: 'id', appKey: 'key-for-test' });
    for (const name of Object.keys(KDOCS_ENDPOINTS)) {
      assert.strictEqual(typeof (client as unknown as Record<string, unknown>)[name], 'function', name);
    }
  });
});
