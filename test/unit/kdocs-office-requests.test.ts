/**
 * Request shapes of the kdocs office groups (office.ts) against a throwaway HTTP server: endpoint coverage of the TSV,
 * auth per group, task ids with `:` in paths and queries, signatures over exactly what is sent, multipart previews,
 * notification bodies, and secrets kept out of errors and logs.
 */
import * as assert from 'assert';
import { redact } from '../../src/core/redact';
import { KdocsClient } from '../../src/vendors/kdocs/client';
import { KDOCS_OFFICE_ENDPOINTS, KdocsOffice } from '../../src/vendors/kdocs/office';
import { md5Hex, wps2Signature } from '../../src/vendors/kdocs/signer';
import { endpointRows } from '../support/endpoints';
import { memoryLogger, startServer, type TestServer } from './support';

const GROUPS = ['convert', 'extract', 'airscript', 'anonymous-preview', 'outline', 'notification'] as const;
const APP_KEY = 'unit-office-app-key';
const USER_TOKEN = 'unit-office-user-token';

describe('kdocs office endpoint coverage (convert, extract, airscript, anonymous-preview, outline, notification)', () => {
  const rows = endpointRows('kdocs', GROUPS);
  const key = (method: string, p: string) => `${method} ${p}`;

  it('the TSV lists 24 rows in these groups (the task query twice: convert and extract)', () => {
    assert.strictEqual(rows.length, 24);
    assert.strictEqual(new Set(rows.map((r) => key(r.method, r.path))).size, 23);
  });

  it('every TSV row has exactly one client method, and nothing else is in the table', () => {
    const table = Object.values(KDOCS_OFFICE_ENDPOINTS).map((e) => key(e.method, e.path));
    const wanted = [...new Set(rows.map((r) => key(r.method, r.path)))];
    assert.deepStrictEqual(wanted.filter((k) => !table.includes(k)), []);
    assert.strictEqual(new Set(table).size, table.length, 'duplicate table entries');
    assert.strictEqual(table.length, wanted.length);
  });

  it('convert, extract and anonymous previews are WPS-2 signed; AirScript, outline and notifications carry the token', () => {
    for (const [name, e] of Object.entries(KDOCS_OFFICE_ENDPOINTS)) {
      const signed = e.path.includes('/office/') || e.path.includes('/anonymous/');
      assert.strictEqual(e.auth, signed ? 'wps2' : 'token', name);
    }
  });

  it('every table entry names a real method of KdocsOffice', () => {
    const office = new KdocsOffice(new KdocsClient({ host: 'http://127.0.0.1:9', appId: 'id', appKey: 'key-for-test' }));
    for (const name of Object.keys(KDOCS_OFFICE_ENDPOINTS)) {
      assert.strictEqual(typeof (office as unknown as Record<string, unknown>)[name], 'function', name);
    }
  });
});

describe('kdocs office request shapes', () => {
  let server: TestServer;
  /** Answer of the next request (data of the envelope), or a status + body. */
  let answer: { status?: number; body: unknown } = { body: { code: 0, data: {} } };
  const logger = memoryLogger();
  let office: KdocsOffice;

  before(async () => {
    server = await startServer((_req, res, _body) => {
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
    const client = new KdocsClient(
      { host: server.url, appId: 'unit-app', appKey: APP_KEY },
      { logger, accessToken: async () => USER_TOKEN, retry: { maxAttempts: 1 }, poll: { intervalMs: 1, maxIntervalMs: 2 } },
    );
    office = new KdocsOffice(client);
  });
  after(() => server.close());
  beforeEach(() => {
    answer = { body: { code: 0, data: {} } };
  });
  const last = () => server.hits[server.hits.length - 1];
  const json = () => JSON.parse(last().body.toString('utf8')) as unknown;

  /** The WPS-2 headers of the last request are right for what it sent. */
  function assertSigned(contentMd5: string): void {
    const h = last().headers;
    assert.strictEqual(h['content-md5'], contentMd5);
    assert.strictEqual(h.authorization, `WPS-2:unit-app:${wps2Signature(APP_KEY, contentMd5, String(h['content-type']), String(h.date))}`);
    assert.ok(!last().url.includes('access_token'), 'signed calls carry no user token');
  }

  it('a task id with ":" goes into the path as it is, and the GET signs exactly that URI', async () => {
    answer = { body: { code: 0, data: { status: 'running', progress: 10 } } };
    const t = await office.officeTask('open:jwnqjwfquawbpgesovbqhohuankwdkv');
    assert.deepStrictEqual([t.taskId, t.state, t.progress], ['open:jwnqjwfquawbpgesovbqhohuankwdkv', 'running', 10]);
    assert.strictEqual(last().url, '/api/v1/openapi/office/tasks/open:jwnqjwfquawbpgesovbqhohuankwdkv');
    assertSigned(md5Hex(last().url));
    await office.anonymousTask('open:a/b');
    assert.strictEqual(last().url, '/api/v1/openapi/anonymous/tasks/open:a%2Fb', 'other characters are still encoded');
  });

  it('conversions post the documented JSON body (signed over the body); the task id comes back', async () => {
    answer = { body: { code: 0, data: { task_id: 'open:t1' } } };
    const body = { url: 'https://dl.example/f?sig=1', filename: '季度 报告.docx', password: 'pw-1234', from_page: 2, to_page: 5 };
    assert.deepStrictEqual(await office.convertToPdf(body), { taskId: 'open:t1' });
    assert.strictEqual(last().method, 'POST');
    assert.strictEqual(last().url, '/api/v1/openapi/office/convert/files/to/pdf');
    assert.deepStrictEqual(json(), body);
    assertSigned(md5Hex(last().body));
    await office.convert('png', { url: 'u', filename: 'a.pptx', ranges: '3' });
    assert.strictEqual(last().url, '/api/v1/openapi/office/convert/files/to/png');
    answer = { body: { code: 0, data: { taskId: 'camel' } } };
    assert.deepStrictEqual(await office.extractPlaintext({ url: 'u', filename: 'a.pdf' }), { taskId: 'camel' }, 'taskId is accepted too');
    assert.strictEqual(last().url, '/api/v1/openapi/office/extract/plaintext');
  });

  it('the script status query: the task id percent-encoded once, with the user token; scripts post script/script_name/custom_argv', async () => {
    answer = { body: { code: 0, data: { status: 'running', error: '', data: { logs: [] } } } };
    await office.scriptStatus('open:a/b c');
    const u = new URL(last().url, server.url);
    assert.strictEqual(u.pathname, '/api/v1/openapi/personal/personal/script/status');
    assert.strictEqual(u.searchParams.get('task_id'), 'open:a/b c');
    assert.strictEqual(u.searchParams.get('access_token'), USER_TOKEN);
    assert.ok(last().url.includes('task_id=open%3Aa%2Fb%20c'), last().url);
    assert.strictEqual(last().headers.authorization, undefined, 'token calls are not WPS-2 signed');
    answer = { body: { code: 0, data: { task_id: 's1' } } };
    const req = { script: 'console.log(Context.argv.n)', script_name: 'report', custom_argv: { n: 1 } };
    assert.deepStrictEqual(await office.scriptRun('file-tok', req), { taskId: 's1' });
    assert.strictEqual(new URL(last().url, server.url).pathname, '/api/v1/openapi/personal/files/file-tok/script');
    assert.deepStrictEqual(json(), req);
    answer = { body: { code: 0, data: { status: 'finish', error: '', data: { logs: [], result: 7 } } } };
    assert.strictEqual((await office.scriptRunSync('file-tok', req)).result, 7);
    assert.strictEqual(new URL(last().url, server.url).pathname, '/api/v1/openapi/personal/files/file-tok/sync_script');
  });

  it('a local preview is multipart (file, filename, download), signed over the exact body and boundary', async () => {
    answer = { body: { code: 0, data: { task_id: 'p1' } } };
    const start = await office.previewLocal({ filename: '演示.pptx', source: { data: Buffer.from('PPTX-BYTES') }, download: true });
    assert.deepStrictEqual(start, { taskId: 'p1', result: undefined });
    const h = last().headers;
    assert.match(String(h['content-type']), /^multipart\/form-data; boundary=/);
    const text = last().body.toString('utf8');
    assert.match(text, /name="filename"\r\n\r\n演示\.pptx\r\n/);
    assert.match(text, /name="download"\r\n\r\ntrue\r\n/);
    assert.match(text, /name="file"; filename="演示\.pptx"[^\r]*\r\nContent-Type: application\/octet-stream\r\n\r\nPPTX-BYTES\r\n/);
    assertSigned(md5Hex(last().body));
  });

  it('app-space and cloud previews post JSON; renew posts the old token; revoke deletes it by path', async () => {
    answer = { body: { code: 0, data: { task_id: 'p2' } } };
    await office.previewAppspace({ file_token: 'ft', download: false });
    assert.deepStrictEqual(json(), { file_token: 'ft', download: false });
    await office.previewCloud({ url: 'https://cloud.example/d.docx', filename: 'd.docx' });
    assert.deepStrictEqual(json(), { url: 'https://cloud.example/d.docx', filename: 'd.docx' });
    answer = { body: { code: 0, data: { token: 'new-preview-token-1', expires_in: 60 } } };
    const r = await office.anonymousRefreshToken('old-preview-token-1');
    assert.deepStrictEqual([r.token, json()], ['new-preview-token-1', { token: 'old-preview-token-1' }]);
    assert.strictEqual(last().url, '/api/v1/openapi/anonymous/token');
    answer = { body: { code: 0, data: {} } };
    await office.anonymousCancelToken('old-preview-token-1');
    assert.deepStrictEqual([last().method, last().url], ['DELETE', '/api/v1/openapi/anonymous/token/old-preview-token-1']);
    assertSigned(md5Hex(''));
  });

  it('outline export is a token POST without a body; notifications post the documented bodies with the token', async () => {
    answer = { body: { code: 0, data: { doc: { type: 'doc', content: [] } } } };
    assert.deepStrictEqual(await office.outlineExportJson('otl-tok'), { doc: { type: 'doc', content: [] } });
    const u = new URL(last().url, server.url);
    assert.deepStrictEqual([last().method, u.pathname, u.searchParams.get('access_token')], ['POST', '/api/v1/openapi/outline/otl-tok/export/full_json', USER_TOKEN]);
    answer = { body: { code: 0, data: {} } };
    const robot = { link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-777', data: [{ msgtype: 'text', text: { content: 'hi' } }] };
    for (const [call, path] of [[() => office.notifyWecom(robot), 'wecom'], [() => office.notifyDingtalk(robot), 'dingtalk'], [() => office.notifyWoa(robot), 'woa']] as const) {
      await call();
      assert.strictEqual(new URL(last().url, server.url).pathname, `/api/v1/openapi/notification/${path}`);
      assert.deepStrictEqual(json(), robot);
    }
    const app = { woa_app_id: 'AK1', woa_secret_key: 'woa-secret-888', email: 'a@wps.cn', content: { type: 1, body: 'hi' } };
    await office.notifyWoaApp(app);
    assert.strictEqual(new URL(last().url, server.url).pathname, '/api/v1/openapi/notification/woa/app');
    assert.deepStrictEqual(json(), app);
  });

  it('secrets (preview tokens, webhook keys, woa secrets, passwords, result URL queries) stay out of errors and logs', async () => {
    const secrets = ['gone-preview-token-42', 'wecom-key-777', 'woa-secret-888', 'pw-1234', 'sig=res-secret-99'];
    answer = { status: 404, body: { code: 404, msg: 'token gone-preview-token-42 not found' } };
    const e1 = await office.anonymousCancelToken('gone-preview-token-42').then(() => undefined, (e: Error) => e);
    answer = { status: 400, body: { code: 10001, msg: 'bad link https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-777' } };
    const e2 = await office.notifyWecom({ link: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-777', data: [] }).then(() => undefined, (e: Error) => e);
    answer = { status: 400, body: { code: 10001, msg: 'secret woa-secret-888 refused' } };
    const e3 = await office.notifyWoaApp({ woa_app_id: 'a', woa_secret_key: 'woa-secret-888', email: 'x@y.z', content: {} }).then(() => undefined, (e: Error) => e);
    answer = { status: 400, body: { code: 10001, msg: 'password pw-1234 is wrong' } };
    const e4 = await office.convertToPdf({ url: 'u', filename: 'a.docx', password: 'pw-1234' }).then(() => undefined, (e: Error) => e);
    answer = { body: { code: 0, data: { progress: 100, result: { url: 'https://res.example/r.pdf?sig=res-secret-99' } } } };
    await office.officeTask('t');
    const texts = [e1, e2, e3, e4].map((e) => {
      assert.ok(e instanceof Error);
      return e.message;
    });
    const logged = logger.lines.map(redact).join('\n') + redact('result at https://res.example/r.pdf?sig=res-secret-99');
    for (const s of secrets) {
      for (const t of texts) assert.ok(!t.includes(s), `${s} in error "${t}"`);
      assert.ok(!logged.includes(s), `${s} in the log`);
    }
  });
});
