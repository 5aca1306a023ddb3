import * as assert from 'assert';
import { md5Hex, rfc1123, wps2Headers, wps2Signature } from '../../src/vendors/kdocs/signer';

describe('kdocs WPS-2 signer', () => {
  it('reproduces the vendor-facts test vector', () => {
    assert.strictEqual(
      wps2Signature('wJalrXUtnFEYEXAMPLEKES', 'd41d8cd98f00b204e9800998ecf8427e', 'application/json', 'Wed, 23 Jan 2013 06:43:08 GMT'),
      '083500176fa3aab58ca2dc962978013b3ca2b6df',
    );
  });

  it('formats Date as RFC 1123 GMT', () => {
    assert.strictEqual(rfc1123(Date.UTC(2013, 0, 23, 6, 43, 8)), 'Wed, 23 Jan 2013 06:43:08 GMT');
  });

  it('signs the md5 of the body for POST, and the header set is consistent', () => {
    const body = '{"filename":"demo"}';
    const h = wps2Headers({
      appId: 'APP', appKey: 'KEY', method: 'POST', uri: '/api/v1/openapi/appspace/files', contentType: 'application/json',
      body, nowMs: Date.UTC(2013, 0, 23, 6, 43, 8),
    });
    assert.strictEqual(h['content-md5'], md5Hex(body));
    assert.strictEqual(h.date, 'Wed, 23 Jan 2013 06:43:08 GMT');
    assert.strictEqual(h.authorization, `WPS-2:APP:${wps2Signature('KEY', md5Hex(body), 'application/json', h.date)}`);
  });

  it('signs the md5 of the request URI (path + query) for GET', () => {
    const uri = '/api/v1/openapi/appspace/files?parent_token=abc&count=10';
    const h = wps2Headers({ appId: 'A', appKey: 'K', method: 'GET', uri, contentType: 'application/json', nowMs: 0 });
    assert.strictEqual(h['content-md5'], md5Hex(uri));
  });

  it('signs exactly the sent Content-Type, multipart boundary included, and a precomputed body md5', () => {
    const type = 'multipart/form-data; boundary=----x';
    const h = wps2Headers({ appId: 'A', appKey: 'K', method: 'POST', uri: '/u', contentType: type, bodyMd5: 'ab'.repeat(16), nowMs: 0 });
    assert.strictEqual(h['content-type'], type);
    assert.strictEqual(h['content-md5'], 'ab'.repeat(16));
    assert.strictEqual(h.authorization, `WPS-2:A:${wps2Signature('K', 'ab'.repeat(16), type, h.date)}`);
  });

  it('md5 of an empty body is the well-known empty digest', () => {
    assert.strictEqual(md5Hex(''), 'd41d8cd98f00b204e9800998ecf8427e');
  });
});
