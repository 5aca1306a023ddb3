import * as assert from 'node:assert/strict';
import { crc32, crc32Fallback } from '../../src/sandbox/common/crc32';
import { decodeFormComponent, parseMultipart, parseUrlEncoded, multipartBoundary } from '../../src/sandbox/common/form';
import { gokuaiSign, verifyGokuaiSign } from '../../src/sandbox/gokuai/sign';

describe('gokuai sandbox: signature, decoding, crc', () => {
  // vendor-facts.md test vector (enterprise key name `client_id`).
  const vector = { client_id: 'NGCr2q1Fwc2tBWPfOartag', dateline: '1490605129', fullpath: '会议资料/2017-10-31.docx' };
  const secret = 'lZltU72WrEFOsbmT2IxSWg';

  it('accepts the vendor test vector', () => {
    assert.equal(gokuaiSign(vector, secret), 'glL9RlCmaDA6udIGo2DADTgCZlI=');
    assert.equal(verifyGokuaiSign({ ...vector, sign: 'glL9RlCmaDA6udIGo2DADTgCZlI=' }, secret), true);
  });

  it('ignores filehash and filesize, rejects a wrong sign or secret', () => {
    const signed = { ...vector, filehash: 'abc', filesize: '3', sign: 'glL9RlCmaDA6udIGo2DADTgCZlI=' };
    assert.equal(verifyGokuaiSign(signed, secret), true);
    assert.equal(verifyGokuaiSign({ ...signed, fullpath: '会议资料/other.docx' }, secret), false);
    assert.equal(verifyGokuaiSign(signed, 'wrong-secret'), false);
    assert.equal(verifyGokuaiSign({ ...vector }, secret), false);
  });

  it('accepts both readings of empty values', () => {
    const withEmpty = { ...vector, tag: '' };
    const included = gokuaiSign(withEmpty, secret, false);
    assert.notEqual(included, gokuaiSign(vector, secret));
    assert.equal(verifyGokuaiSign({ ...withEmpty, sign: included }, secret), true);
    assert.equal(verifyGokuaiSign({ ...withEmpty, sign: gokuaiSign(vector, secret) }, secret), true);
  });

  it('decodes RFC 3986 form bodies, accepting + as space and %2B as plus', () => {
    const p = parseUrlEncoded('fullpath=%E9%A1%B9%E7%9B%AE%20a+b%2Bc%23%25.txt&empty=&flag');
    assert.deepEqual(p, { fullpath: '项目 a b+c#%.txt', empty: '', flag: '' });
    assert.throws(() => decodeFormComponent('%E9%A1'));
  });

  it('parses multipart bodies with UTF-8 names and binary content', () => {
    const boundary = '----x1';
    const bin = Buffer.from([0, 13, 10, 45, 45, 255]);
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n笑脸 😀.txt\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      bin,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    assert.equal(multipartBoundary(`multipart/form-data; boundary=${boundary}`), boundary);
    const parsed = parseMultipart(body, boundary);
    assert.equal(parsed.fields.name, '笑脸 😀.txt');
    assert.equal(parsed.files.length, 1);
    assert.deepEqual(parsed.files[0].data, bin);
  });

  it('crc32 matches the known check value in both implementations, whole and chunk by chunk', () => {
    const data = Buffer.from('123456789');
    assert.equal(crc32(data), 0xcbf43926);
    assert.equal(crc32Fallback(data), 0xcbf43926);
    const big = Buffer.alloc(100_000, 7);
    assert.equal(crc32(big), crc32Fallback(big));
    const running = (f: (d: Uint8Array, v?: number) => number) => [data.subarray(0, 4), data.subarray(4)].reduce((v, c) => f(c, v), 0);
    assert.equal(running(crc32), 0xcbf43926);
    assert.equal(running(crc32Fallback), 0xcbf43926);
  });
});
