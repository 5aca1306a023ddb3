import * as assert from 'assert';
import { clearRegisteredSecrets, redact, registerSecret, urlWithoutQuery } from '../../src/core/redact';

describe('redact', () => {
  afterEach(() => clearRegisteredSecrets());

  it('masks values of secret query and form parameters but keeps the others', () => {
    const out = redact('POST /x?org_client_id=abc&sign=SiGn%3D&dateline=1&token=T0k&access_token=AT&refresh_token=RT&password=pw&code=c0de&key=k3y');
    for (const secret of ['SiGn%3D', 'T0k', '=AT', 'RT', '=pw', 'c0de', 'k3y']) assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
    assert.ok(out.includes('org_client_id=abc'));
    assert.ok(out.includes('dateline=1'));
    assert.ok(out.includes('sign=***'));
  });

  it('keeps error_code and similar names that merely end in a secret name', () => {
    assert.strictEqual(redact('error_code=401041 zipcode=123'), 'error_code=401041 zipcode=123');
    assert.strictEqual(redact('{"error_code":401041,"code":0}'), '{"error_code":401041,"code":0}');
  });

  it('masks JSON string values and header values', () => {
    const out = redact('{"sign":"abc","org_client_secret":"s3cr3t","name":"a"} x-gk-upload-session: 0123abcd Authorization: Bearer eyJabc');
    assert.ok(!out.includes('abc"'), out);
    assert.ok(!out.includes('s3cr3t'), out);
    assert.ok(!out.includes('0123abcd'), out);
    assert.ok(!out.includes('eyJabc'), out);
    assert.ok(out.includes('"name":"a"'), out);
  });

  it('removes the whole query string of download URLs', () => {
    assert.strictEqual(redact('GET http://127.0.0.1:99/dl/tok?e=1700000000000&s=abcdef -> 403'), 'GET http://127.0.0.1:99/dl/tok?<redacted> -> 403');
    assert.strictEqual(
      redact('https://bucket.oss.example.com/a/b.docx?OSSAccessKeyId=AK&Expires=1&Signature=xyz'),
      'https://bucket.oss.example.com/a/b.docx?<redacted>',
    );
    assert.strictEqual(redact('https://h/download/file?id=1'), 'https://h/download/file?<redacted>');
  });

  it('leaves ordinary URLs readable', () => {
    assert.strictEqual(redact('POST https://yk3.gokuai.com/m-open/1/file/ls'), 'POST https://yk3.gokuai.com/m-open/1/file/ls');
    assert.strictEqual(redact('http://h/upload_init?org_client_id=abc'), 'http://h/upload_init?org_client_id=abc');
  });

  it('replaces registered literal secrets everywhere, raw and percent-encoded', () => {
    registerSecret('my secret/value');
    const out = redact('failed with my secret/value and my%20secret%2Fvalue');
    assert.strictEqual(out, 'failed with *** and ***');
  });

  it('replaces a longer secret registered after a shorter one that it contains, whole', () => {
    registerSecret('abcd');
    assert.strictEqual(redact('x abcd1234 y'), 'x ***1234 y');
    registerSecret('abcd1234');
    registerSecret('abcd'); // registering again changes nothing
    assert.strictEqual(redact('x abcd1234 y abcd'), 'x *** y ***');
    clearRegisteredSecrets();
    assert.strictEqual(redact('x abcd1234 y'), 'x abcd1234 y');
  });

  it('ignores very short registered secrets (they would shred messages)', () => {
    registerSecret('ab');
    assert.strictEqual(redact('about a tab'), 'about a tab');
  });

  it('is idempotent', () => {
    const once = redact('sign=abc http://h/dl/x?e=1');
    assert.strictEqual(redact(once), once);
  });

  it('urlWithoutQuery drops query and fragment', () => {
    assert.strictEqual(urlWithoutQuery('http://h/p?a=1#f'), 'http://h/p');
    assert.strictEqual(urlWithoutQuery('http://h/p#f'), 'http://h/p');
  });
});
