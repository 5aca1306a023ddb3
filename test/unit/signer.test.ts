import * as assert from 'assert';
import { compactParams, formEncode, gokuaiSign, rfc3986, signParams } from '../../src/vendors/gokuai/signer';

describe('gokuai signer', () => {
  const secret = 'lZltU72WrEFOsbmT2IxSWg';

  it('reproduces the documented test vector', () => {
    const params = { client_id: 'NGCr2q1Fwc2tBWPfOartag', dateline: '1490605129', fullpath: '会议资料/2017-10-31.docx' };
    assert.strictEqual(gokuaiSign(params, secret), 'glL9RlCmaDA6udIGo2DADTgCZlI=');
  });

  it('does not depend on the insertion order of the keys', () => {
    const a = gokuaiSign({ fullpath: 'x', dateline: '1', client_id: 'c' }, secret);
    const b = gokuaiSign({ client_id: 'c', dateline: '1', fullpath: 'x' }, secret);
    assert.strictEqual(a, b);
  });

  it('signs org_client_id in bytewise key order (dateline, fullpath, org_client_id)', () => {
    const id = 'NGCr2q1Fwc2tBWPfOartag';
    const signed = signParams({ fullpath: '会议资料/2017-10-31.docx' }, { orgClientId: id, orgClientSecret: secret }, 1490605129_000);
    assert.strictEqual(signed.dateline, '1490605129');
    assert.strictEqual(signed.org_client_id, id);
    // Same values, reordered: dateline, fullpath, org_client_id (differs from the client_id vector).
    const expected = gokuaiSign({ a: '1490605129', b: '会议资料/2017-10-31.docx', c: id }, secret);
    assert.strictEqual(signed.sign, expected);
    assert.notStrictEqual(signed.sign, 'glL9RlCmaDA6udIGo2DADTgCZlI=');
  });

  it('sorts keys by UTF-8 bytes, not by locale or UTF-16 code units', () => {
    // UTF-16 puts the emoji (surrogate D83D) before U+FF21; UTF-8 puts U+FF21 (EF BC A1) before it (F0 9F 98 80).
    const s1 = gokuaiSign({ '\u{1F600}': 'emoji', '\uFF21': 'fullwidth' }, secret);
    const joinedBytewise = gokuaiSign({ a: 'fullwidth', b: 'emoji' }, secret);
    assert.strictEqual(s1, joinedBytewise);
  });

  it('leaves sign, filehash and filesize out of the signature but sends them', () => {
    const creds = { orgClientId: 'id', orgClientSecret: secret };
    const base = signParams({ fullpath: 'a.txt' }, creds, 1_000_000);
    const withHash = signParams({ fullpath: 'a.txt', filehash: 'f'.repeat(40), filesize: 12 }, creds, 1_000_000);
    assert.strictEqual(withHash.sign, base.sign);
    assert.strictEqual(withHash.filehash, 'f'.repeat(40));
    assert.strictEqual(withHash.filesize, '12');
  });

  it('never sends empty parameters', () => {
    assert.deepStrictEqual(compactParams({ a: '', b: undefined, c: null, d: 0, e: 'x' }), { d: '0', e: 'x' });
    const signed = signParams({ fullpath: '', tag: undefined }, { orgClientId: 'id', orgClientSecret: secret }, 0);
    assert.deepStrictEqual(Object.keys(signed).sort(), ['dateline', 'org_client_id', 'sign']);
  });

  it('percent-encodes per RFC 3986 (Chinese, emoji, space, #, %, !\'()*)', () => {
    assert.strictEqual(rfc3986('会议 资料'), '%E4%BC%9A%E8%AE%AE%20%E8%B5%84%E6%96%99');
    assert.strictEqual(rfc3986('😀'), '%F0%9F%98%80');
    assert.strictEqual(rfc3986('a#b%c'), 'a%23b%25c');
    assert.strictEqual(rfc3986("!'()*"), '%21%27%28%29%2A');
    assert.strictEqual(rfc3986('a/b+c&d=e~f_g.h-i'), 'a%2Fb%2Bc%26d%3De~f_g.h-i');
  });

  it('form-encodes with %20 for spaces and decodes back to the same values', () => {
    const params = { fullpath: '文件夹/my file #1 100%.txt', z: "(it's)", a: '😀' };
    const body = formEncode(params);
    assert.ok(!body.includes('+'), body);
    assert.ok(body.includes('%20'), body);
    const back = Object.fromEntries(body.split('&').map((kv) => kv.split('=').map(decodeURIComponent)));
    assert.deepStrictEqual(back, params);
  });
});
