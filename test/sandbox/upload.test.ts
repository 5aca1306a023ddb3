import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as zlib from 'node:zlib';
import { startGokuaiSandbox, type GokuaiSandbox } from '../../src/sandbox';
import { call, ok, type RawResponse, request, rfc3986, sha1 } from './helpers';

/** CRC-32 for the test side; node:zlib's, which the sandbox may or may not use. */
const crc = (b: Buffer): string => String((zlib as unknown as { crc32(d: Buffer): number }).crc32(b) >>> 0);
const MIB = 1024 * 1024;
/** The smallest part the upload server takes that is not a file's last one. */
const PART = 4 * MIB;

describe('gokuai sandbox: chunked upload protocol and web upload', () => {
  let sb: GokuaiSandbox;
  beforeEach(async () => {
    sb = await startGokuaiSandbox();
  });
  afterEach(async () => {
    await sb.close();
  });

  async function init(fullpath: string, data: Buffer, overwrite = 0): Promise<{ server: string; session: string; hash: string }> {
    const created = await ok(sb, 'create_file', { fullpath, filehash: sha1(data), filesize: data.length, overwrite });
    assert.equal(created.state, 0);
    assert.equal(created.server, sb.uploadServer);
    const r = await uploadInit(created.server, fullpath, created.hash, data);
    assert.equal(r.status, 200, r.body.toString());
    return { server: created.server, session: r.json().session, hash: created.hash };
  }

  function uploadInit(server: string, fullpath: string, pathhash: string, data: Buffer) {
    return request(`${server}/upload_init?org_client_id=${rfc3986(sb.credentials.orgClientId)}`, {
      method: 'POST',
      headers: {
        'x-gk-upload-filename': rfc3986(fullpath.split('/').pop()!),
        'x-gk-upload-pathhash': pathhash,
        'x-gk-upload-filehash': sha1(data),
        'x-gk-upload-filesize': String(data.length),
      },
    });
  }

  function part(server: string, session: string, data: Buffer, start: number, crcValue = crc(data)) {
    return request(`${server}/upload_part`, {
      method: 'PUT',
      headers: { 'x-gk-upload-session': session, 'x-gk-upload-range': `${start}-${start + data.length - 1}`, 'x-gk-upload-crc': crcValue },
      body: data,
    });
  }

  it('uploads in parts: 200, 409 expect, 400 crc, 401 session, 202 complete, finish stores the file', async () => {
    const data = Buffer.concat([Buffer.alloc(PART, '第一块 '), Buffer.from('0123456789'.repeat(1000) + ' 新内容 ✓')]);
    const { server, session, hash } = await init('上传/新 文件.txt', data);
    const a = data.subarray(0, PART);
    const b = data.subarray(PART);

    assert.equal((await part(server, session, a, 0)).status, 200);
    const wrongOffset = await part(server, session, b, PART + 100);
    assert.equal(wrongOffset.status, 409);
    assert.equal(wrongOffset.json().expect, String(PART));
    const badCrc = await part(server, session, b, PART, '12345');
    assert.equal(badCrc.status, 400);
    assert.equal((await part(server, 'no-such-session', b, PART)).status, 401);

    const req = await request(`${server}/upload_req`, { headers: { 'x-gk-upload-session': session } });
    assert.equal(req.json().received, PART);
    assert.equal((await part(server, session, b, PART)).status, 202);

    const done = await request(`${server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } });
    assert.equal(done.status, 200);
    assert.equal(done.json().hash, hash);
    assert.deepEqual(sb.control.readFile('上传/新 文件.txt'), data);
    assert.equal(sb.control.uploadedBytes, data.length + b.length * 3);
  });

  it('expireUploadSessions: the open session answers 401 / 40402; upload_init starts a new one that completes', async () => {
    const data = Buffer.alloc(PART + 8500, 'expiring session ');
    const first = await init('上传/过期.txt', data);
    assert.equal((await part(first.server, first.session, data.subarray(0, PART), 0)).status, 200);

    sb.control.expireUploadSessions();
    for (const r of [
      await part(first.server, first.session, data.subarray(PART), PART),
      await request(`${first.server}/upload_req`, { headers: { 'x-gk-upload-session': first.session } }),
      await request(`${first.server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': first.session } }),
    ]) {
      assert.equal(r.status, 401);
      assert.equal(r.json().error_code, 40402);
    }
    assert.equal(sb.control.exists('上传/过期.txt'), false);

    const restarted = await uploadInit(first.server, '上传/过期.txt', first.hash, data);
    assert.equal(restarted.status, 200);
    const session = restarted.json().session;
    assert.notEqual(session, first.session);
    assert.equal((await request(`${first.server}/upload_req`, { headers: { 'x-gk-upload-session': session } })).json().received, 0);
    assert.equal((await part(first.server, session, data, 0)).status, 202);
    assert.equal((await request(`${first.server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } })).status, 200);
    assert.deepEqual(sb.control.readFile('上传/过期.txt'), data);
  });

  it('instant upload: known content is stored by create_file alone (state 1, nothing sent)', async () => {
    const existing = sb.control.readFile('README.md')!;
    const r = await ok(sb, 'create_file', { fullpath: '副本/README.md', filehash: sha1(existing), filesize: existing.length });
    assert.equal(r.state, 1);
    assert.deepEqual(sb.control.readFile('副本/README.md'), existing);
    assert.equal(sb.control.uploadedBytes, 0);
  });

  it('create_file overwrite=0 on an existing name auto-renames; overwrite=1 adds a version', async () => {
    const data = Buffer.from('v2 of settings');
    const renamed = await ok(sb, 'create_file', { fullpath: '配置/settings.json', filehash: sha1(data), filesize: data.length });
    assert.equal(renamed.fullpath, '配置/settings (1).json');

    const before = sb.control.versionCount('配置/settings.json');
    const { server, session } = await init('配置/settings.json', data, 1);
    assert.equal((await part(server, session, data, 0)).status, 202);
    assert.equal((await request(`${server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } })).status, 200);
    assert.equal(sb.control.versionCount('配置/settings.json'), before + 1);
    assert.equal(sb.control.readFile('配置/settings.json')!.toString(), 'v2 of settings');
  });

  it('finishPending: upload_finish answers 202 the given number of times, stores nothing, then completes', async () => {
    const data = Buffer.from('finished later');
    const { server, session, hash } = await init('稍后/完成.txt', data);
    assert.equal((await part(server, session, data, 0)).status, 202);
    sb.control.finishPending(2);
    const finish = () => request(`${server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } });
    assert.equal((await finish()).status, 202);
    assert.equal(sb.control.exists('稍后/完成.txt'), false);
    assert.equal((await finish()).status, 202);
    const done = await finish();
    assert.equal(done.status, 200);
    assert.equal(done.json().hash, hash);
    assert.deepEqual(sb.control.readFile('稍后/完成.txt'), data);
    assert.equal((await finish()).status, 200, 'a repeated finish after completion answers the same');
  });

  it('a dropped part keeps the half that arrived: upload_req reports it and the upload resumes mid-part', async () => {
    const data = crypto.randomBytes(PART + 3000);
    const { server, session } = await init('drop.bin', data);
    const received = async () => (await request(`${server}/upload_req`, { headers: { 'x-gk-upload-session': session } })).json().received;
    sb.control.dropNextParts(1);
    await assert.rejects(part(server, session, data.subarray(0, PART), 0), 'the connection drops, no answer');
    assert.equal(await received(), PART / 2);
    assert.equal(sb.control.uploadedBytes, PART / 2, 'what the server kept');
    // The rest of the file from the reported offset; the part's own start is gone (409 expect).
    const restart = await part(server, session, data, 0);
    assert.equal(restart.status, 409);
    assert.equal(restart.json().expect, String(PART / 2));
    assert.equal((await part(server, session, data.subarray(PART / 2), PART / 2)).status, 202);
    assert.equal((await request(`${server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } })).status, 200);
    assert.deepEqual(sb.control.readFile('drop.bin'), data);
  });

  it('a dropped part that would have been refused keeps nothing', async () => {
    const data = crypto.randomBytes(PART + 3000);
    const { server, session } = await init('drop-refused.bin', data);
    sb.control.dropNextParts(2);
    await assert.rejects(part(server, session, data.subarray(100, PART + 100), 100), 'wrong offset');
    await assert.rejects(part(server, 'no-such-session', data.subarray(0, PART), 0), 'unknown session');
    assert.equal((await request(`${server}/upload_req`, { headers: { 'x-gk-upload-session': session } })).json().received, 0);
    assert.equal(sb.control.uploadedBytes, 0);
  });

  it('parts are 4-10 MiB, only the last may be smaller: a 100 KB part mid-file and an 11 MiB part are refused (400 / 40001)', async () => {
    const data = crypto.randomBytes(PART + 11 * MIB);
    const { server, session } = await init('parts.bin', data);
    const refused = async (r: RawResponse) => {
      assert.equal(r.status, 400, r.body.toString());
      assert.equal(r.json().error_code, 40001);
      assert.match(r.json().error_msg, /4-10 MiB/);
    };
    await refused(await part(server, session, data.subarray(0, 100 * 1024), 0));
    await refused(await part(server, session, data.subarray(0, PART - 1), 0));
    await refused(await part(server, session, data.subarray(0, 11 * MIB), 0));
    const received = async () => (await request(`${server}/upload_req`, { headers: { 'x-gk-upload-session': session } })).json().received;
    assert.equal(await received(), 0, 'nothing of a refused part is kept');
    assert.equal((await part(server, session, data.subarray(0, 10 * MIB), 0)).status, 200, '10 MiB is the largest part');
    assert.equal((await part(server, session, data.subarray(10 * MIB, 14 * MIB), 10 * MIB)).status, 200, '4 MiB the smallest');
    await refused(await part(server, session, data.subarray(14 * MIB, 15 * MIB - 1), 14 * MIB)); // 1 byte short of the end
    assert.equal((await part(server, session, data.subarray(14 * MIB), 14 * MIB)).status, 202, 'the last part may be smaller');
    assert.equal((await request(`${server}/upload_finish`, { method: 'POST', headers: { 'x-gk-upload-session': session } })).status, 200);
    assert.deepEqual(sb.control.readFile('parts.bin'), data);
  });

  it('each upload-server call takes its one method (405 / 40001 otherwise, nothing changes)', async () => {
    const data = crypto.randomBytes(3000);
    const { server, session } = await init('methods.bin', data);
    const headers = { 'x-gk-upload-session': session, 'x-gk-upload-range': `0-${data.length - 1}`, 'x-gk-upload-crc': crc(data) };
    const wrong = async (method: string, name: string, body?: Buffer) => {
      const r = await request(`${server}/${name}`, { method, headers, body });
      assert.equal(r.status, 405, `${method} ${name}`);
      assert.deepEqual(r.json(), { error_code: 40001, error_msg: 'method not allowed' });
    };
    await wrong('POST', 'upload_part', data);
    assert.equal((await request(`${server}/upload_req`, { headers })).json().received, 0, 'the POSTed part was not taken');
    assert.equal((await part(server, session, data, 0)).status, 202);
    await wrong('GET', 'upload_finish');
    assert.equal(sb.control.exists('methods.bin'), false, 'the GET upload_finish stored nothing');
    await wrong('GET', 'upload_init');
    await wrong('POST', 'upload_req');
    await wrong('GET', 'upload_abort');
    assert.equal((await request(`${server}/upload_finish`, { method: 'POST', headers })).status, 200, 'the session is still open');
    assert.deepEqual(sb.control.readFile('methods.bin'), data);
  });

  it('filehash is 40 lowercase hex digits (reference): uppercase is refused by create_file and upload_init (400 / 40001)', async () => {
    const data = Buffer.from('upper case hash');
    const upper = sha1(data).toUpperCase();
    const r = await call(sb, 'create_file', { fullpath: '大写.txt', filehash: upper, filesize: data.length });
    assert.equal(r.status, 400);
    assert.equal(r.json().error_code, 40001);
    assert.equal(sb.control.exists('大写.txt'), false);
    const created = await ok(sb, 'create_file', { fullpath: '大写.txt', filehash: sha1(data), filesize: data.length });
    const initUpper = await request(`${created.server}/upload_init?org_client_id=${rfc3986(sb.credentials.orgClientId)}`, {
      method: 'POST',
      headers: { 'x-gk-upload-filename': rfc3986('大写.txt'), 'x-gk-upload-pathhash': created.hash, 'x-gk-upload-filehash': upper, 'x-gk-upload-filesize': String(data.length) },
    });
    assert.equal(initUpper.status, 400);
    assert.equal(initUpper.json().error_code, 40001);
    assert.equal((await uploadInit(created.server, '大写.txt', created.hash, data)).status, 200);
  });

  it('upload_abort ends the session', async () => {
    const data = Buffer.from('abc');
    const { server, session } = await init('abort.txt', data);
    assert.equal((await request(`${server}/upload_abort`, { method: 'POST', headers: { 'x-gk-upload-session': session } })).status, 200);
    assert.equal((await part(server, session, data, 0)).status, 401);
    assert.equal(sb.control.exists('abort.txt'), false);
  });

  it('web_upload stores a multipart file with the key from upload_servers', async () => {
    const { 'm-upload': servers, key } = await ok(sb, 'upload_servers', { fullpath: '网页/上传.txt', timeout: 300, rand: 'r1' });
    const boundary = 'sandboxBoundary42';
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(field('org_client_id', sb.credentials.orgClientId) + field('key', key) + field('path', '网页') + field('name', '上传.txt') + field('filefield', 'file')),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.txt"\r\nContent-Type: text/plain\r\n\r\n`),
      Buffer.from('网页上传的内容'),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const r = await request(`${servers[0]}/2/web_upload`, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.json().fullpath, '网页/上传.txt');
    assert.equal(sb.control.readFile('网页/上传.txt')!.toString(), '网页上传的内容');
    const badKey = await request(`${servers[0]}/2/web_upload`, { method: 'POST', headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body: body.toString('latin1').replace(key, 'x'.repeat(key.length)) });
    assert.equal(badKey.status, 404);
  });

  it('quota: a create_file beyond capacity is refused with 403 / 40302', async () => {
    const r = await call(sb, 'create_file', { fullpath: 'huge.bin', filehash: sha1('huge'), filesize: 11 * 1024 ** 3 });
    assert.equal(r.status, 403);
    assert.equal(r.json().error_code, 40302);
  });
});
