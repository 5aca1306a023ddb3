/**
 * The Kingsoft Docs client, token manager and RemoteFs against the real kdocs sandbox over HTTP (127.0.0.1, port 0).
 */
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import nodeFetch from 'node-fetch';
import * as os from 'os';
import * as path from 'path';
import {
  AlreadyExistsError, BadResponseError, ConflictError, DocError, ForbiddenError, NotFoundError, RateLimitedError,
  ServerError, UnauthorizedError, UnsupportedError,
} from '../../src/core/errors';
import { type FetchLike, HttpClient } from '../../src/core/http';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import type { KdocsClient, KdocsClientOptions } from '../../src/vendors/kdocs/client';
import { KdocsTokenManager, storedTokens } from '../../src/vendors/kdocs/oauth';
import { appSpace, KdocsRemoteFs, personalSpace } from '../../src/vendors/kdocs/remotefs';
import { memoryLogger } from '../unit/support';
import { authorizationCode, sandboxClient, signedInClient, signIn } from './kdocs-support';

const APP = {
  readme: 'README.txt',
  contract: '合同模板/采购合同.docx',
  report: '报告/季度报告 Q1.md',
  emoji: '📁 图片 Emoji/笑脸 😀.txt',
  batch: '批量',
};
const PERSONAL = {
  notes: '笔记 notes.md', // inside the app folder
  weekly: '工作周报.docx',
  special: 'name with #hash and %percent.txt',
  batch: '批量',
  trashed: '旧文件.txt',
  shared: '部门通讯录.txt',
};

describe('Kingsoft Docs client against the sandbox', function () {
  this.timeout(30_000);
  let sb: KdocsSandbox;
  let tmp: string;
  const logger = memoryLogger();
  let tokens: KdocsTokenManager;
  let client: KdocsClient;

  const base = (extra: KdocsClientOptions = {}, appKey?: string) => sandboxClient(sb, logger, extra, appKey);

  before(async () => {
    sb = await startKdocsSandbox();
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-kd-contract-'));
    ({ client, tokens } = await signedInClient(sb, logger));
  });
  after(async () => {
    await sb.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });
  afterEach(() => sb.control.resetMisbehaviour());

  const tokenOf = (space: 'personal' | 'appspace', p: string) => {
    const t = sb.control.tokenOf(space, p);
    assert.ok(t, `no token for ${space}:${p}`);
    return t;
  };

  // ------------------------------------------------------------------ OAuth and user

  describe('sign-in and user', () => {
    /** The error kdocs answers for a code it no longer takes (HTTP 400, code 20001), as the client reports it. */
    const refusedCode = (e: unknown) => {
      assert.ok(e instanceof UnauthorizedError, String(e));
      assert.deepStrictEqual([e.status, e.vendorCode, e.vendor], [400, 20001, 'kdocs']);
      assert.match(e.message, /authorization code is invalid or expired — sign in again/);
      return true;
    };

    it('an authorization code older than its 5 minutes is refused (20001), while a fresh one signs in', async () => {
      const c = base();
      const stale = await authorizationCode(c);
      sb.control.expireAuthorizationCodes();
      const fresh = await authorizationCode(c);
      await assert.rejects(c.exchangeCode(stale), refusedCode);
      const pair = await c.exchangeCode(fresh);
      assert.ok((await base({ accessToken: async () => pair.access_token }).userBasic()).id);
    });

    it('an authorization code works once: the second exchange is refused (20001)', async () => {
      const c = base();
      const code = await authorizationCode(c);
      assert.ok((await c.exchangeCode(code)).access_token);
      await assert.rejects(c.exchangeCode(code), refusedCode);
    });

    it('userBasic, edit tokens create and cancel', async () => {
      const u = await client.userBasic();
      assert.ok(u.id && u.nickname);
      const et = await client.userCreateEditToken();
      assert.ok(et.token.length > 8);
      await client.userCancelEditToken(et.token);
      await assert.rejects(client.userCancelEditToken(et.token), NotFoundError);
    });

    it('an expired access token is refreshed once and the call replayed; rotated tokens are persisted', async () => {
      const saved: string[] = [];
      const oauth = base();
      const tm = new KdocsTokenManager(oauth, storedTokens(await signIn(oauth), Date.now()), { onChange: (t) => { saved.push(t.accessToken); } });
      const c = base({ accessToken: () => tm.accessToken(), onTokenExpired: (t) => tm.refresh(t) });
      const before = tm.current.accessToken;
      sb.control.expireAccessTokens();
      // Concurrent calls that all see the expiry share one refresh (refresh tokens rotate: a second one would fail).
      const [a, b] = await Promise.all([c.userBasic(), c.personalListFiles({})]);
      assert.ok(a.id && b.items.length > 0);
      assert.strictEqual(saved.length, 1);
      assert.notStrictEqual(tm.current.accessToken, before);
    });

    it('without a refresh hook the expiry surfaces as UnauthorizedError; no token in messages or logs', async () => {
      const oauth = base();
      const pair = await signIn(oauth);
      const c = base({ accessToken: async () => pair.access_token });
      sb.control.expireAccessTokens();
      const err = await c.userBasic().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof UnauthorizedError);
      assert.ok(!(err as Error).message.includes(pair.access_token));
      assert.ok(!logger.lines.join('\n').includes(pair.access_token), 'access token leaked into logs');
      await tokens.refresh(); // the shared client's token was expired too
    });

    it('an edit token the caller brings (not created here) never reaches messages or logs', async () => {
      const log = memoryLogger();
      const c = base({ accessToken: () => tokens.accessToken(), logger: log });
      const foreign = 'edit-token-from-elsewhere-' + randomBytes(6).toString('hex');
      const err = await c.userCancelEditToken(foreign).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof NotFoundError, String(err));
      assert.ok(!err.message.includes(foreign));
      assert.ok(log.lines.some((l) => l.includes('/user/edit_token/')), 'the request was logged');
      assert.ok(!log.lines.join('\n').includes(foreign), 'edit token leaked into logs');
    });

    it("an Unauthorized answer (any code) after the token's announced expiry renews the sign-in and replays once", async () => {
      const oauth = base();
      let now = Date.now();
      const tm = new KdocsTokenManager(oauth, storedTokens(await signIn(oauth), now), { now: () => now });
      const first = tm.current.accessToken;
      // The answer comes after the token's expiry (a slow or long-queued call): the clock moves on once a token is handed out.
      const late = base({
        accessToken: async () => { const t = await tm.accessToken(); now += 3 * 3600_000; return t; },
        onTokenExpired: (t) => tm.refresh(t),
      });
      sb.control.failNext(1, { status: 401, pathIncludes: '/user/basic' });
      assert.ok((await late.userBasic()).id);
      assert.notStrictEqual(tm.current.accessToken, first, 'renewed');
      // Within the token's lifetime, the same answer is an error (no renewal, no replay).
      const tm2 = new KdocsTokenManager(oauth, storedTokens(await signIn(oauth), Date.now()));
      const second = tm2.current.accessToken;
      const timely = base({ accessToken: () => tm2.accessToken(), onTokenExpired: (t) => tm2.refresh(t) });
      sb.control.failNext(1, { status: 401, pathIncludes: '/user/basic' });
      await assert.rejects(timely.userBasic(), UnauthorizedError);
      assert.strictEqual(tm2.current.accessToken, second);
    });

    it('a call without sign-in is UnauthorizedError before any request', async () => {
      await assert.rejects(base().userBasic(), /sign in/i);
    });
  });

  // ------------------------------------------------------------------ personal endpoints

  describe('personal endpoints', () => {
    it('lists with paging (next_offset), flat with exts, app files, recent and star', async () => {
      const batch = tokenOf('personal', PERSONAL.batch);
      const first = await client.personalListFiles({ parent_id: batch, count: 50, order: 'asc', order_by: 'fname' });
      assert.strictEqual(first.items.length, 50);
      assert.strictEqual(first.nextOffset, 50);
      assert.strictEqual(first.items[0].name, '文档-001.txt');
      const last = await client.personalListFiles({ parent_id: batch, offset: 100, count: 50 });
      assert.strictEqual(last.items.length, 20);
      assert.strictEqual(last.nextOffset, undefined);
      const flat = await client.personalListFilesFlat({ exts: ['md'], count: 500 });
      assert.ok(flat.items.length > 0 && flat.items.every((f) => f.name.endsWith('.md')));
      assert.ok((await client.personalAppFiles({})).items.some((f) => f.name === PERSONAL.notes));
      assert.ok((await client.personalRecent({ count: 500 })).items.some((f) => f.name === PERSONAL.shared));
      assert.ok((await client.personalStar({})).items.some((f) => f.name === PERSONAL.weekly));
    });

    it('search by name and content (app folder only)', async () => {
      assert.ok((await client.personalSearchName({ keyword: '笔记' })).items.some((f) => f.name === PERSONAL.notes));
      assert.ok((await client.personalSearchContent({ keyword: 'personal documents' })).items.some((f) => f.name === PERSONAL.notes));
    });

    it('create blank, upload, create from a cloud URL, folder, simple, rename, download', async () => {
      const folder = await client.personalCreateFolder({ name: `contract ${Date.now()}` });
      assert.strictEqual(folder.type, 'folder');
      const blank = await client.personalCreateFile({ filename: '空白.docx', parent_id: folder.token });
      assert.strictEqual(blank.name, '空白.docx');
      const up = await client.personalUpload({ filename: '上传 #1 %.txt', parent_id: folder.token, source: { data: Buffer.from('hello 你好') } });
      assert.strictEqual(up.name, '上传 #1 %.txt');
      const dl = await client.personalDownloadUrl(up.token);
      assert.strictEqual(dl.size, Buffer.byteLength('hello 你好'));
      assert.ok(dl.sha1);
      const cloud = await client.personalCreateFromCloud({ url: dl.url, filename: 'copy.txt', parent_id: folder.token });
      assert.strictEqual(Buffer.from(await client.downloadBytes('personal', cloud.token)).toString(), 'hello 你好');
      const simple = await client.personalSimple(up.token);
      assert.strictEqual(simple.name, '上传 #1 %.txt');
      const renamed = await client.personalRename(up.token, '改名 😀.txt');
      assert.strictEqual(renamed.name, '改名 😀.txt');
      const flatPath = path.join(tmp, 'p.txt');
      await client.downloadToFile('personal', renamed.token, flatPath);
      assert.strictEqual(await fsp.readFile(flatPath, 'utf8'), 'hello 你好');
    });

    it('share links: create, get, members add/update/remove, link with edit token, edit url, cancel', async () => {
      const t = tokenOf('personal', PERSONAL.weekly);
      const l = await client.personalCreateLink(t, { permission: 'read', period: 7 });
      assert.ok(l.url && l.sid);
      assert.strictEqual(l.permission, 'read');
      assert.strictEqual((await client.personalGetLink(t)).sid, l.sid);
      const withMember = await client.personalAddLinkMembers(t, { user_ids: ['u-2'], permission: 'read' });
      assert.ok(withMember.raw.members);
      await client.personalUpdateLinkMember(t, 'u-2', { permission: 'write' });
      await client.personalRemoveLinkMember(t, 'u-2');
      await assert.rejects(client.personalRemoveLinkMember(t, 'u-2'), NotFoundError);
      assert.match((await client.personalLinkWithEditToken(t)).url, /edit_token=/);
      assert.match((await client.personalEditUrl(t)).url, /^http/);
      await client.personalCancelLink(t);
      assert.strictEqual((await client.personalGetLink(t)).status, 'close');
    });

    it("another user's file: no share right -> ForbiddenError", async () => {
      const shared = (await client.personalRecent({ count: 500 })).items.find((f) => f.name === PERSONAL.shared)!;
      await assert.rejects(client.personalCreateLink(shared.token, { permission: 'read' }), ForbiddenError);
    });

    it('batch copy, move and delete tasks; recycle bin list, recover and destroy', async () => {
      const folder = await client.personalCreateFolder({ name: `tasks ${Date.now()}` });
      const f = await client.personalUpload({ filename: 'task.txt', parent_id: folder.token, source: { data: Buffer.from('t') } });
      const copy = await client.personalCopyTask({ file_tokens: [f.token], parent_id: folder.token });
      const t1 = await client.personalTask(copy.taskId);
      assert.strictEqual(t1.status, 'running');
      await client.waitTask('personal', copy.taskId);
      const sub = await client.personalCreateFolder({ name: 'sub', parent_id: folder.token });
      await client.waitTask('personal', (await client.personalMoveTask({ file_tokens: [f.token], parent_id: sub.token })).taskId);
      assert.strictEqual((await client.personalListFiles({ parent_id: sub.token })).items[0].token, f.token);
      await client.waitTask('personal', (await client.personalDeleteTask({ file_tokens: [f.token] })).taskId);
      assert.ok((await client.personalRecycles({ count: 500 })).items.some((x) => x.token === f.token));
      const back = await client.personalRecover([f.token]);
      assert.strictEqual(back[0].token, f.token);
      await client.personalTrash(f.token);
      await client.personalDestroy([f.token]);
      assert.ok(!(await client.personalRecycles({ count: 500 })).items.some((x) => x.token === f.token));
      await assert.rejects(client.personalSimple(f.token), NotFoundError);
    });
  });

  // ------------------------------------------------------------------ app space endpoints

  describe('app-space endpoints (WPS-2)', () => {
    it('list with paging, file info, download url and bytes', async () => {
      const batch = tokenOf('appspace', APP.batch);
      const p1 = await client.appListFiles({ parent_token: batch, count: 20 });
      assert.strictEqual(p1.items.length, 20);
      assert.strictEqual(p1.nextOffset, 20);
      const p2 = await client.appListFiles({ parent_token: batch, offset: 20, count: 20 });
      assert.strictEqual(p2.items.length, 5);
      assert.strictEqual(p2.nextOffset, undefined);
      const t = tokenOf('appspace', APP.readme);
      const info = await client.appFileInfo(t);
      assert.strictEqual(info.name, APP.readme);
      assert.ok(info.version! >= 1);
      const dl = await client.appDownloadUrl(t);
      assert.strictEqual(dl.size, info.size);
      assert.deepStrictEqual(Buffer.from(await client.downloadBytes('appspace', t)), sb.control.readFile('appspace', APP.readme));
    });

    it('versions: list, one, its download url, revert', async () => {
      const t = tokenOf('appspace', APP.report);
      const vs = await client.appVersions(t, { count: 10 });
      assert.strictEqual(vs.items.length, 3);
      const oldest = vs.items[vs.items.length - 1];
      assert.strictEqual((await client.appVersion(t, oldest.version)).size, oldest.size);
      const dl = await client.appVersionDownloadUrl(t, oldest.version);
      assert.strictEqual(dl.size, oldest.size);
      const reverted = await client.appRevertVersion(t, oldest.version);
      assert.strictEqual(reverted.version, 4);
      assert.match(sb.control.readFile('appspace', APP.report)!.toString(), /草稿/);
      await assert.rejects(client.appVersion(t, 99), NotFoundError);
    });

    it('create blank, create folder (by path), upload, rename, update content, copy, edit url', async () => {
      const dir = `app ${Date.now()}`;
      const folder = await client.appCreateFolder({ name: 'inner', parent_path: [dir] });
      assert.ok(sb.control.exists('appspace', `${dir}/inner`));
      const blank = await client.appCreateFile({ filename: '空白.ksheet', parent_token: folder.fileToken });
      assert.strictEqual((await client.appFileInfo(blank.fileToken)).name, '空白.ksheet');
      const up = await client.appUpload({ filename: 'a #1 %.txt', parent_token: folder.fileToken, source: { data: Buffer.from('v1') } });
      assert.strictEqual(up.version, 1);
      const renamed = await client.appRename(up.token, { name: 'b 😀.txt' });
      assert.strictEqual(renamed.name, 'b 😀.txt');
      const local = path.join(tmp, 'v2.txt');
      await fsp.writeFile(local, 'version two from disk');
      const v2 = await client.appUpdateContent(up.token, { source: { path: local }, filename: 'b 😀.txt' });
      assert.strictEqual(v2.version, 2);
      assert.strictEqual(sb.control.readFile('appspace', `${dir}/inner/b 😀.txt`)!.toString(), 'version two from disk');
      const copy = await client.appCopy(up.token, { parent_token: folder.fileToken, filename: 'c.txt' });
      assert.strictEqual((await client.appFileInfo(copy.fileToken)).name, 'c.txt');
      assert.match((await client.appEditUrl(up.token)).url, /edit_token=/);
      await assert.rejects(client.appRename(copy.fileToken, { name: 'b 😀.txt' }), AlreadyExistsError);
    });

    it('async upload from a URL, batch copy and move tasks', async () => {
      const src = tokenOf('appspace', APP.readme);
      const dir = await client.appCreateFolder({ name: `async ${Date.now()}` });
      const started = await client.appAsyncUpload({ url: (await client.appDownloadUrl(src)).url, filename: 'fetched.txt', parent_token: dir.fileToken });
      assert.strictEqual((await client.appAsyncUploadStatus(started.taskId)).status, 'running');
      const result = await client.waitTask('asyncUpload', started.taskId) as { file_token: string };
      assert.strictEqual((await client.appFileInfo(result.file_token)).name, 'fetched.txt');
      const sub = await client.appCreateFolder({ name: 'sub', parent_token: dir.fileToken });
      await client.waitTask('appspace', (await client.appCopyTask({ file_tokens: [result.file_token], parent_token: sub.fileToken })).taskId);
      const moved = await client.appMoveTask({ file_tokens: [result.file_token], parent_token: sub.fileToken });
      assert.strictEqual((await client.appTask(moved.taskId)).status, 'running');
      await client.waitTask('appspace', moved.taskId);
      const names = (await client.appListFiles({ parent_token: sub.fileToken })).items.map((f) => f.name).sort();
      assert.deepStrictEqual(names, ['fetched (1).txt', 'fetched.txt']);
    });

    it('a failed async upload task -> typed error', async () => {
      const started = await client.appAsyncUpload({ url: `${sb.host}/dl/nope?e=1&s=x`, filename: 'x.txt' });
      await assert.rejects(client.waitTask('asyncUpload', started.taskId), (e: unknown) => e instanceof NotFoundError || e instanceof ServerError);
    });

    it('trash, trash list, put back, delete from trash, batch destroy, destroy, volume usage', async () => {
      const mk = async (n: string) => (await client.appUpload({ filename: n, source: { data: Buffer.from(n) } })).token;
      const [a, b, c, d] = [await mk(`t-a-${Date.now()}.txt`), await mk(`t-b-${Date.now()}.txt`), await mk(`t-c-${Date.now()}.txt`), await mk(`t-d-${Date.now()}.txt`)];
      for (const t of [a, b, c]) await client.appTrash(t);
      const trash = await client.appTrashList({ count: 500 });
      assert.ok([a, b, c].every((t) => trash.items.some((x) => x.token === t)));
      assert.strictEqual((await client.appPutBack(a)).token, a);
      await client.appDeleteTrash(b);
      await client.appDestroyTrash([c]);
      await client.appDestroy(d);
      const after = await client.appTrashList({ count: 500 });
      assert.ok(![b, c].some((t) => after.items.some((x) => x.token === t)));
      await assert.rejects(client.appFileInfo(d), NotFoundError);
      const usage = await client.appVolumeUsage();
      assert.ok(usage.used > 0 && usage.total! > usage.used);
    });
  });

  // ------------------------------------------------------------------ failures

  describe('failures', () => {
    it('a wrong app key -> UnauthorizedError naming the app key, without the key', async () => {
      const wrongKey = 'wrong-app-key-' + randomBytes(6).toString('hex');
      const err = await base({}, wrongKey).appFileInfo(tokenOf('appspace', APP.readme)).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof UnauthorizedError, String(err));
      assert.match((err as Error).message, /app key/);
      assert.ok(!(err as Error).message.includes(wrongKey));
      assert.ok(!logger.lines.join('\n').includes(wrongKey));
    });

    it('a skewed clock -> UnauthorizedError about the clock', async () => {
      const err = await base({ now: () => Date.now() - 3600_000 }).appVolumeUsage().then(() => undefined, (e: unknown) => e);
      assert.match(String((err as Error).message), /clock/);
    });

    it('429 with Retry-After then success; 5xx exhaustion -> ServerError; malformed JSON -> BadResponseError', async () => {
      sb.control.failNext(1, { status: 429, retryAfterSec: 0, pathIncludes: '/appspace/volume' });
      assert.ok((await client.appVolumeUsage()).used > 0);
      sb.control.failNext(10, { status: 500, pathIncludes: '/appspace/volume' });
      await assert.rejects(client.appVolumeUsage(), ServerError);
      sb.control.resetMisbehaviour();
      sb.control.malformNext(1, '/appspace/volume');
      await assert.rejects(client.appVolumeUsage(), BadResponseError);
    });

    it('a used-up daily quota -> RateLimitedError (Retry-After too long to wait)', async () => {
      sb.control.setQuota('GET /api/v1/openapi/appspace/volume/usage', 0);
      try {
        const err = await client.appVolumeUsage().then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof RateLimitedError, String(err));
        assert.ok((err as RateLimitedError).retryAfterMs! > 0);
        assert.match((err as Error).message, /daily .*quota.*midnight.*UTC\+8/);
        assert.strictEqual((err as DocError).vendor, 'kdocs');
      } finally {
        sb.control.resetQuotas();
      }
    });

    it('every error a kdocs answer causes carries the vendor tag: mapped answers, the HTTP layer\'s 5xx and 429, sign-in calls', async () => {
      const vendorOf = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => {
        assert.ok(e instanceof DocError, String(e));
        return [e.kind, e.vendor];
      });
      assert.deepStrictEqual(await vendorOf(base({}, 'wrong-app-key').appVolumeUsage()), ['Unauthorized', 'kdocs']);
      sb.control.failNext(10, { status: 500, pathIncludes: '/appspace/volume' });
      assert.deepStrictEqual(await vendorOf(client.appVolumeUsage()), ['Server', 'kdocs']);
      sb.control.failNext(1, { status: 503, pathIncludes: '/oauth2/refresh_token' });
      assert.deepStrictEqual(await vendorOf(base().refreshAccessToken('some-refresh-token')), ['Server', 'kdocs']);
      sb.control.failNext(10, { status: 429, retryAfterSec: 0, pathIncludes: '/oauth2/access_token' });
      assert.deepStrictEqual(await vendorOf(base().exchangeCode('some-code')), ['RateLimited', 'kdocs']);
      sb.control.resetMisbehaviour();
      const used = await authorizationCode(base());
      await base().exchangeCode(used);
      assert.deepStrictEqual(await vendorOf(base().exchangeCode(used)), ['Unauthorized', 'kdocs']);
      const expired = await authorizationCode(base());
      sb.control.expireAuthorizationCodes();
      assert.deepStrictEqual(await vendorOf(base().exchangeCode(expired)), ['Unauthorized', 'kdocs']);
    });

    it('an expired download URL is replaced once; its query never reaches the logs', async () => {
      let first = true;
      const expiringFirst: FetchLike = async (url, init) => {
        if (url.includes('/dl/') && first) {
          first = false;
          sb.control.expireDownloadUrls(); // the URL expires while the GET is "in transit"
        }
        return nodeFetch(url, init as never) as never;
      };
      const log = memoryLogger();
      const c = base({ http: new HttpClient({ fetch: expiringFirst, logger: log }), logger: log });
      const t = tokenOf('appspace', APP.readme);
      const mark = sb.control.requestCount;
      assert.deepStrictEqual(Buffer.from(await c.downloadBytes('appspace', t)), sb.control.readFile('appspace', APP.readme));
      assert.strictEqual(sb.control.requestsSince(mark).filter((q) => q.path.endsWith('/download')).length, 2);
      assert.deepStrictEqual(sb.control.requestsSince(mark).filter((q) => q.path.startsWith('/dl/')).map((q) => q.status), [403, 200]);
      const text = log.lines.join('\n');
      assert.match(text, /-> 403/);
      assert.ok(!/\/dl\/[^\s]*\?[^<]/.test(text), `download query leaked into logs:\n${text}`);
    });

    it('a download URL that keeps failing is replaced exactly once, then a clear error instead of a loop', async () => {
      // Every URL expires while its GET is in transit, the fresh one too.
      const alwaysExpired: FetchLike = async (url, init) => {
        if (url.includes('/dl/')) sb.control.expireDownloadUrls();
        return nodeFetch(url, init as never) as never;
      };
      const c = base({ http: new HttpClient({ fetch: alwaysExpired, logger }) });
      const t = tokenOf('appspace', APP.readme);
      for (const download of [
        () => c.downloadBytes('appspace', t),
        () => c.downloadToFile('appspace', t, path.join(tmp, 'never.txt')),
        () => c.downloadVersionBytes(t, 1),
      ]) {
        const mark = sb.control.requestCount;
        await assert.rejects(download(), (e: unknown) => {
          assert.ok(e instanceof ForbiddenError, String(e));
          assert.deepStrictEqual([e.status, e.vendorCode, e.vendor], [403, 40302, 'kdocs']);
          assert.match(e.message, new RegExp(`download of .*${t}.*url expired`));
          return true;
        });
        const since = sb.control.requestsSince(mark);
        assert.strictEqual(since.filter((q) => q.path.endsWith('/download')).length, 2, 'the first URL and one fresh one');
        assert.deepStrictEqual(since.filter((q) => q.path.startsWith('/dl/')).map((q) => q.status), [403, 403]);
      }
      await assert.rejects(fsp.access(path.join(tmp, 'never.txt')));
    });
  });

  // ------------------------------------------------------------------ RemoteFs

  describe('KdocsRemoteFs (app space)', () => {
    let fs: KdocsRemoteFs;
    before(() => { fs = new KdocsRemoteFs(client, appSpace(client)); });

    it("stat('') is the root; stat of a nested odd name; list pages with cursors; listAll", async () => {
      assert.strictEqual((await fs.stat('')).type, 'folder');
      const e = await fs.stat(APP.emoji);
      assert.strictEqual(e.name, '笑脸 😀.txt');
      assert.strictEqual(e.id, tokenOf('appspace', APP.emoji));
      const p1 = await fs.list(APP.batch, undefined, { pageSize: 10 });
      assert.strictEqual(p1.items.length, 10);
      const p2 = await fs.list(APP.batch, p1.next, { pageSize: 10 });
      assert.strictEqual(p2.items[0].path, `${APP.batch}/${p2.items[0].name}`);
      assert.strictEqual((await fs.listAll(APP.batch)).length, 25);
      await assert.rejects(fs.stat('no/such/file.txt'), NotFoundError);
    });

    it('a file listed moments ago reads in two requests; changed since the listing, it reads with its new version', async () => {
      const dir = `reads ${Date.now()}`;
      await fs.mkdir(dir);
      await fs.write(`${dir}/r 读 #%.txt`, Buffer.from('one'), { create: true, overwrite: false });
      const [listed] = await fs.listAll(dir);
      const mark = sb.control.requestCount;
      const first = await fs.read(`${dir}/r 读 #%.txt`);
      assert.strictEqual(sb.control.requestsSince(mark).length, 2, sb.control.requestsSince(mark).map((r) => r.path).join(', '));
      assert.strictEqual(first.entry.version, listed.version);
      assert.strictEqual(first.entry.version, (await fs.stat(`${dir}/r 读 #%.txt`)).version, 'the version the server reports');
      sb.control.writeFile('appspace', `${dir}/r 读 #%.txt`, 'two, by a colleague');
      const second = await fs.read(`${dir}/r 读 #%.txt`);
      assert.strictEqual(Buffer.from(second.data).toString(), 'two, by a colleague');
      assert.notStrictEqual(second.entry.version, listed.version, 'not the listing\'s version for the new bytes');
      assert.strictEqual(second.entry.version, (await fs.stat(`${dir}/r 读 #%.txt`)).version);
    });

    it('a token a listing gave is checked before a delete or rename: a colleague\'s renamed file is not touched', async () => {
      const dir = `tokens ${Date.now()}`;
      await fs.mkdir(dir);
      await fs.write(`${dir}/a.txt`, Buffer.from('a'), { create: true, overwrite: false });
      await fs.listAll(dir); // this window saw a.txt moments ago
      const colleague = new KdocsRemoteFs(client, appSpace(client));
      await colleague.rename(`${dir}/a.txt`, `${dir}/b.txt`, { overwrite: false });
      await assert.rejects(fs.delete(`${dir}/a.txt`, { permanent: false }), NotFoundError);
      await assert.rejects(fs.rename(`${dir}/a.txt`, `${dir}/c.txt`, { overwrite: false, targetAbsent: true }), NotFoundError);
      assert.strictEqual(Buffer.from((await colleague.read(`${dir}/b.txt`)).data).toString(), 'a', 'the renamed file is untouched');
    });

    it('read returns data and the version; write with the same version succeeds, a stale one -> ConflictError', async () => {
      const p = `rfs ${Date.now()}/文档 #%.txt`;
      await fs.mkdir(p.split('/')[0]);
      const created = await fs.write(p, Buffer.from('one'), { create: true, overwrite: false });
      assert.strictEqual(created.version, '1');
      const { data, entry } = await fs.read(p);
      assert.strictEqual(Buffer.from(data).toString(), 'one');
      const v2 = await fs.write(p, Buffer.from('two'), { create: false, overwrite: true, expectedVersion: entry.version });
      assert.strictEqual(v2.version, '2');
      sb.control.writeFile('appspace', p, 'someone else');
      const before = sb.control.versionCount('appspace', p);
      await assert.rejects(fs.write(p, Buffer.from('mine'), { create: false, overwrite: true, expectedVersion: '2' }), ConflictError);
      assert.strictEqual(sb.control.versionCount('appspace', p), before, 'nothing was uploaded');
      await assert.rejects(fs.write(p, Buffer.from('x'), { create: true, overwrite: false }), AlreadyExistsError);
      await assert.rejects(fs.write(`${p}.missing`, Buffer.from('x'), { create: false, overwrite: true }), NotFoundError);
    });

    it('upload from disk, download to disk, rename across folders with overwrite, copy, delete', async () => {
      const root = `ops ${Date.now()}`;
      await fs.mkdir(root);
      await fs.mkdir(`${root}/a`);
      await fs.mkdir(`${root}/b`);
      await assert.rejects(fs.mkdir(`${root}/a`), AlreadyExistsError);
      const local = path.join(tmp, 'up.bin');
      const bytes = randomBytes(300_000);
      await fsp.writeFile(local, bytes);
      const up = await fs.upload(local, `${root}/a/up.bin`, { overwrite: false });
      assert.strictEqual(up.size, bytes.length);
      const out = path.join(tmp, 'down.bin');
      await fs.download(`${root}/a/up.bin`, out);
      assert.deepStrictEqual(await fsp.readFile(out), bytes);
      await fs.write(`${root}/b/taken.bin`, Buffer.from('old'), { create: true, overwrite: false });
      await assert.rejects(fs.rename(`${root}/a/up.bin`, `${root}/b/taken.bin`, { overwrite: false }), AlreadyExistsError);
      await fs.rename(`${root}/a/up.bin`, `${root}/b/taken.bin`, { overwrite: true });
      assert.deepStrictEqual(sb.control.readFile('appspace', `${root}/b/taken.bin`), bytes);
      assert.ok(!sb.control.exists('appspace', `${root}/a/up.bin`));
      await fs.copy(`${root}/b/taken.bin`, `${root}/a/copy.bin`, { overwrite: false });
      assert.deepStrictEqual(sb.control.readFile('appspace', `${root}/a/copy.bin`), bytes);
      await fs.delete(`${root}/a/copy.bin`, { permanent: false });
      assert.ok(sb.control.isInTrash('appspace', `${root}/a/copy.bin`));
      await fs.delete(`${root}/b`, { permanent: true });
      assert.ok(!sb.control.exists('appspace', `${root}/b`));
      await assert.rejects(fs.stat(`${root}/b/taken.bin`), NotFoundError);
    });

    it('a file moved to another folder by someone else is not found at its old path any more (stale cache)', async () => {
      const root = `moved ${Date.now()}`;
      sb.control.writeFile('appspace', `${root}/a/x.txt`, 'x');
      sb.control.writeFile('appspace', `${root}/b/keep.txt`, 'k');
      const token = tokenOf('appspace', `${root}/a/x.txt`);
      assert.strictEqual((await fs.stat(`${root}/a/x.txt`)).id, token);
      const { taskId } = await client.appMoveTask({ file_tokens: [token], parent_token: tokenOf('appspace', `${root}/b`) });
      await client.waitTask('appspace', taskId);
      await assert.rejects(fs.stat(`${root}/a/x.txt`), NotFoundError);
      assert.strictEqual((await fs.stat(`${root}/b/x.txt`)).id, token);
    });

    it('a path renamed by someone else is found again (stale cache)', async () => {
      const p = `stale ${Date.now()}.txt`;
      await fs.write(p, Buffer.from('x'), { create: true, overwrite: false });
      await client.appRename(tokenOf('appspace', p), { name: `${p}.moved` });
      await assert.rejects(fs.stat(p), NotFoundError);
      assert.strictEqual((await fs.stat(`${p}.moved`)).name, `${p}.moved`);
    });
  });

  describe('KdocsRemoteFs (personal)', () => {
    let fs: KdocsRemoteFs;
    /** A fresh folder with one file, `doc.txt`, holding `content`. */
    async function folderWithDoc(content: string): Promise<{ dir: string; doc: string }> {
      const dir = `save ${Date.now()} ${Math.random().toString(36).slice(2, 6)}`;
      sb.control.writeFile('personal', `${dir}/doc.txt`, content);
      return { dir, doc: `${dir}/doc.txt` };
    }
    const names = async (dir: string) => (await fs.listAll(dir)).map((e) => e.name).sort();
    before(() => { fs = new KdocsRemoteFs(client, personalSpace(client)); });

    it('reads, lists and organises; files are read-only entries, folders are not', async () => {
      const top = await fs.listAll('');
      assert.ok(top.some((e) => e.name === PERSONAL.weekly && e.readonly === true));
      assert.ok(top.filter((e) => e.type === 'folder').every((e) => !e.readonly));
      const { data, entry } = await fs.read(PERSONAL.special);
      assert.match(Buffer.from(data).toString(), /# and %/);
      assert.strictEqual(entry.readonly, true);
      assert.strictEqual((await fs.stat(PERSONAL.special)).version, entry.version, 'stat and read agree on the version');
      const dir = `p ${Date.now()}`;
      await fs.mkdir(dir);
      await fs.copy(PERSONAL.special, `${dir}/copy.txt`, { overwrite: false });
      assert.ok(sb.control.exists('personal', `${dir}/copy.txt`));
      await fs.rename(`${dir}/copy.txt`, `${dir}/renamed.txt`, { overwrite: false });
      await fs.delete(`${dir}/renamed.txt`, { permanent: false });
      assert.ok(!sb.control.exists('personal', `${dir}/renamed.txt`));
    });

    it('write onto an existing file -> UnsupportedError that explains why and names both actions; nothing changes', async () => {
      const { doc } = await folderWithDoc('original');
      const versions = sb.control.versionCount('personal', doc);
      await assert.rejects(fs.write(doc, Buffer.from('x'), { create: true, overwrite: true }), (e: unknown) => {
        assert.ok(e instanceof UnsupportedError);
        assert.match(e.message, /in place/);
        assert.match(e.message, /Save as New File/);
        assert.match(e.message, /Replace/);
        return true;
      });
      await assert.rejects(fs.upload(__filename, doc, { overwrite: true }), UnsupportedError);
      await assert.rejects(fs.write(doc, Buffer.from('x'), { create: true, overwrite: false }), AlreadyExistsError);
      assert.strictEqual(sb.control.versionCount('personal', doc), versions);
      assert.deepStrictEqual(await names(doc.split('/')[0]), ['doc.txt']);
    });

    it('copy or rename onto an existing file with overwrite -> UnsupportedError; the existing file and its link stay', async () => {
      const { dir, doc } = await folderWithDoc('target');
      sb.control.writeFile('personal', `${dir}/other.txt`, 'source');
      const token = tokenOf('personal', doc);
      await client.personalCreateLink(token, { permission: 'read' });
      for (const op of [
        () => fs.copy(`${dir}/other.txt`, doc, { overwrite: true }),
        () => fs.rename(`${dir}/other.txt`, doc, { overwrite: true }),
      ]) {
        await assert.rejects(op(), (e: unknown) => {
          assert.ok(e instanceof UnsupportedError, String(e));
          assert.match(e.message, /share links/);
          return true;
        });
      }
      await assert.rejects(fs.copy(`${dir}/other.txt`, doc, { overwrite: false }), AlreadyExistsError);
      assert.strictEqual(tokenOf('personal', doc), token, 'the same file');
      assert.strictEqual(sb.control.readFile('personal', doc)?.toString(), 'target');
      assert.ok(!sb.control.isInTrash('personal', doc));
      assert.strictEqual((await client.personalGetLink(token)).status, 'open');
      assert.deepStrictEqual(await names(dir), ['doc.txt', 'other.txt']);
    });

    it('a new file can be created (no duplicate is possible)', async () => {
      const { dir } = await folderWithDoc('x');
      const e = await fs.write(`${dir}/new.md`, Buffer.from('# new'), { create: true, overwrite: false });
      assert.strictEqual(e.path, `${dir}/new.md`);
      assert.strictEqual(sb.control.readFile('personal', `${dir}/new.md`)?.toString(), '# new');
    });

    it('saveAsNew puts the content next to the file under the first free "name (n).ext"; the original stays', async () => {
      const { dir, doc } = await folderWithDoc('original');
      const first = await fs.saveAsNew(doc, Buffer.from('first edit'));
      assert.strictEqual(first.path, `${dir}/doc (1).txt`);
      assert.strictEqual(first.name, 'doc (1).txt');
      const second = await fs.saveAsNew(doc, Buffer.from('second edit'));
      assert.strictEqual(second.path, `${dir}/doc (2).txt`);
      assert.strictEqual(Buffer.from((await fs.read(second.path)).data).toString(), 'second edit');
      assert.strictEqual(sb.control.readFile('personal', doc)?.toString(), 'original');
      assert.deepStrictEqual(await names(dir), ['doc (1).txt', 'doc (2).txt', 'doc.txt']);
    });

    it('replace: the new content takes the name, the original (with its share link) goes to the recycle bin', async () => {
      const { dir, doc } = await folderWithDoc('original');
      const oldToken = tokenOf('personal', doc);
      await client.personalCreateLink(oldToken, { permission: 'read' });
      const seen = await fs.stat(doc);
      const e = await fs.replace(doc, Buffer.from('replaced'), { expectedVersion: seen.version });
      assert.strictEqual(e.path, doc);
      assert.notStrictEqual(e.id, oldToken, 'a different file');
      assert.strictEqual(sb.control.readFile('personal', doc)?.toString(), 'replaced');
      assert.deepStrictEqual(await names(dir), ['doc.txt'], 'no duplicate left behind');
      assert.ok((await client.personalRecycles({ count: 500 })).items.some((f) => f.token === oldToken), 'original in the recycle bin');
      assert.strictEqual((await fs.stat(doc)).version, e.version);
      assert.strictEqual(Buffer.from((await fs.read(doc)).data).toString(), 'replaced');
    });

    it('replace with a stale expectedVersion -> ConflictError and nothing uploaded', async () => {
      const { dir, doc } = await folderWithDoc('original');
      const seen = await fs.stat(doc);
      sb.control.writeFile('personal', doc, 'changed by someone else, longer');
      await assert.rejects(fs.replace(doc, Buffer.from('mine'), { expectedVersion: seen.version }), ConflictError);
      assert.deepStrictEqual(await names(dir), ['doc.txt']);
      assert.strictEqual(sb.control.readFile('personal', doc)?.toString(), 'changed by someone else, longer');
    });

    it('replace whose final rename fails says where the new content is, and nothing is lost', async () => {
      const { dir, doc } = await folderWithDoc('original');
      const oldToken = tokenOf('personal', doc);
      sb.control.failNext(10, { status: 500, pathIncludes: '/name' });
      await assert.rejects(fs.replace(doc, Buffer.from('new content')), (e: unknown) => {
        assert.ok(e instanceof DocError && e.kind === 'Server', String(e));
        assert.match(e.message, new RegExp(`"${dir}/doc \\(1\\)\\.txt"`));
        assert.match(e.message, /recycle bin/);
        return true;
      });
      sb.control.resetMisbehaviour();
      assert.strictEqual(sb.control.readFile('personal', `${dir}/doc (1).txt`)?.toString(), 'new content');
      assert.ok((await client.personalRecycles({ count: 500 })).items.some((f) => f.token === oldToken), 'original recoverable');
      assert.strictEqual((await fs.stat(`${dir}/doc (1).txt`)).name, 'doc (1).txt');
    });

    it('online documents (.otl, .ksheet, .dbt) are marked as such', async () => {
      const dir = await client.personalCreateFolder({ name: `online ${Date.now()}` });
      for (const n of ['智能文档.otl', '表格.ksheet', '多维表.dbt']) await client.personalCreateFile({ filename: n, parent_id: dir.token });
      await client.personalUpload({ filename: 'plain.txt', parent_id: dir.token, source: { data: Buffer.from('p') } });
      const entries = await fs.listAll(dir.name);
      assert.deepStrictEqual(entries.filter((e) => e.kind === 'online-doc').map((e) => e.name).sort(), ['多维表.dbt', '智能文档.otl', '表格.ksheet']);
      assert.strictEqual(entries.find((e) => e.name === 'plain.txt')?.kind, undefined);
    });
  });
});
