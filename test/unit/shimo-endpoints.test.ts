import * as assert from 'assert';
import { endpointRows } from '../support/endpoints';
import { a1Range, columnName, SHIMO_ENDPOINTS, ShimoClient } from '../../src/vendors/shimo/client';

describe('shimo endpoint coverage', () => {
  const rows = endpointRows('shimo');

  it('the TSV lists the 25 shimo endpoints, and each has a client method (file routes in either path family)', () => {
    assert.strictEqual(rows.length, 25);
    const mapped = new Set<string>(Object.values(SHIMO_ENDPOINTS).map((e) => `${e.method} ${e.path.replace('{family}', 'shimo-files')}`));
    assert.deepStrictEqual(rows.map((r) => `${r.method} ${r.path}`).filter((p) => !mapped.has(p)), []);
    assert.strictEqual(Object.keys(SHIMO_ENDPOINTS).length, rows.length);
    const client = new ShimoClient({ host: 'http://127.0.0.1:9', appId: 'a', appSecret: 'secret-for-test', userToken: 'token-for-test' });
    for (const name of Object.keys(SHIMO_ENDPOINTS)) assert.strictEqual(typeof (client as unknown as Record<string, unknown>)[name], 'function', name);
  });

  it('A1 ranges quote sheet names with ! : or \' (quotes doubled); columns past Z', () => {
    assert.strictEqual(a1Range('工作表1', 'A1:C3'), '工作表1!A1:C3');
    assert.strictEqual(a1Range("Q1!: '预算'", 'B2'), "'Q1!: ''预算'''!B2");
    assert.strictEqual(a1Range('销售 2024'), '销售 2024');
    assert.deepStrictEqual([0, 25, 26, 701, 702].map(columnName), ['A', 'Z', 'AA', 'ZZ', 'AAA']);
  });
});
