/**
 * The Gokuai client and RemoteFs against the real sandbox over HTTP (127.0.0.1, port 0).
 */
import * as assert from 'assert';
import { createHash, randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import nodeFetch from 'node-fetch';
import * as os from 'os';
import * as path from 'path';
import {
  AlreadyExistsError, BadResponseError, CancelledError, ConflictError, ForbiddenError, InvalidInputError, LockedError,
  NotFoundError, RateLimitedError, ServerError, TimeoutError, UnauthorizedError,
} from '../../src/core/errors';
import { crc32 as crc } from '../../src/core/hash';
import { type FetchLike, HttpClient } from '../../src/core/http';
import { startGokuaiSandbox, type GokuaiSandbox } from '../../src/sandbox';
import { GokuaiClient, type GokuaiClientOptions } from '../../src/vendors/gokuai/client';
import { UploadSessionExpiredError } from '../../src/vendors/gokuai/errors';
import { GokuaiRemoteFs } from '../../src/vendors/gokuai/remotefs';
import { memoryLogger, until } from '../unit/support';

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');
const MIB = 1024 * 1024;
/** The client's (default) part size. */
const PART = 4 * MIB;
const SEED = {
  readme: 'README.md',
  docx: '项目资料/会议纪要.docx',
  batch: '批量',
  locked: '合同/已锁定合同.txt',
  recycled: '旧草稿.txt',
};

describe('Gokuai client against the sandbox', function () {
  this.timeout(30_000);
  let sb: GokuaiSandbox;
  let tmp: string;
  const logger = memoryLogger();

  // Real 4 MiB parts (the sandbox refuses smaller ones that are not the last): multi-part tests use a few MiB.
  const makeClient = (extra: GokuaiClientOptions = {}, secret?: string) => new GokuaiClient(
    { host: sb.host, orgClientId: sb.credentials.orgClientId, orgClientSecret: secret ?? sb.credentials.orgClientSecret },
    { logger, retry: { baseMs: 5, maxDelayMs: 20 }, rateLimit: { perSecond: 1000, burst: 1000 }, poll: { intervalMs: 5, maxIntervalMs: 20 }, ...extra },
  );
  /** Requests to paths ending in `suffix` since `mark` (a requestCount read before the step). */
  const callsSince = (mark: number, suffix: string) => sb.control.requestsSince(mark).filter((q) => q.path.endsWith(suffix));
  /** Statuses of the GETs on temporary download URLs since `mark`. */
  const downloadsSince = (mark: number) => sb.control.requestsSince(mark).filter((q) => q.path.startsWith('/dl/')).map((q) => q.status);
  /** The real transport. */
  const send: FetchLike = (url, init) => nodeFetch(url, init as never) as never;
  /** A client whose HTTP goes through `fetch`: lets a test act between client and server. */
  const viaTransport = (fetch: FetchLike, log = logger) => makeClient({
    http: new HttpClient({ fetch, logger: log, retry: { baseMs: 5, maxDelayMs: 20 } }), logger: log,
  });
  let client: GokuaiClient;
  let fs: GokuaiRemoteFs;

  before(async () => {
    sb = await startGokuaiSandbox();
    tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-gk-contract-'));
    client = makeClient();
    fs = new GokuaiRemoteFs(client);
  });
  after(async () => {
    await sb.close();
    await fsp.rm(tmp, { recursive: true, force: true });
  });
  afterEach(() => sb.control.resetMisbehaviour());

  // ------------------------------------------------------------------ every endpoint

  describe('library endpoints', () => {
    it('stat returns the library', async () => {
      const s = await client.stat();
      assert.strictEqual(s.org_name, sb.libraryName);
      assert.ok(s.count_file > 0);
    });

    it('ls lists the root and pages a large folder', async () => {
      const root = await client.ls({ fullpath: '' });
      assert.ok(root.list.some((f) => f.fullpath === SEED.readme));
      const p1 = await client.ls({ fullpath: SEED.batch, start: 0, size: 50 });
      const p2 = await client.ls({ fullpath: SEED.batch, start: 50, size: 50 });
      assert.strictEqual(p1.list.length, 50);
      assert.ok(p1.count >= 160);
      assert.strictEqual(new Set([...p1.list, ...p2.list].map((f) => f.hash)).size, 100);
      const byHash = await client.ls({ fullpath: '', hashs: [root.list[0].hash] });
      assert.deepStrictEqual(byHash.list.map((f) => f.hash), [root.list[0].hash]);
    });

    it('updates and updates_count', async () => {
      const u = await client.updates({ fetch_dateline: 0, mode: 'compare' });
      assert.ok(u.list.length > 0);
      assert.strictEqual(typeof u.fetch_dateline, 'number');
      const c = await client.updatesCount({ begin_dateline: 0, end_dateline: Date.now() + 60_000 });
      assert.ok(c.count > 0);
    });

    it('info of a file and of a folder', async () => {
      const f = await client.info({ fullpath: SEED.readme });
      assert.strictEqual(f.fullpath, SEED.readme);
      assert.strictEqual(Number(f.dir), 0);
      assert.strictEqual((await client.info({ fullpath: SEED.readme, attribute: 10 })).filehash, sha1(sb.control.readFile(SEED.readme)!));
      const d = await client.info({ fullpath: SEED.batch, attribute: 1 });
      assert.strictEqual(Number(d.dir), 1);
      await assert.rejects(client.info({ fullpath: 'no/such/file.txt' }), NotFoundError);
    });

    it('download_url, preview_url, cedit_url', async () => {
      const d = await client.downloadUrl({ fullpath: SEED.readme });
      assert.ok(d.urls[0].startsWith('http'));
      const p = await client.previewUrl({ fullpath: SEED.docx });
      assert.ok(p.url.startsWith('http'));
      const c = await client.ceditUrl({ fullpath: SEED.docx, op_id: 1 });
      assert.ok(c.url.startsWith('http'));
    });

    it('search finds by name', async () => {
      const r = await client.search({ keywords: '会议纪要' });
      assert.ok(r.list.some((f) => f.fullpath === SEED.docx));
      const scoped = await client.search({ keywords: '会议纪要', scope: ['filename'], path: '项目资料' });
      assert.ok(scoped.list.length >= 1);
    });

    it('create_folder, copy (file and queued folder), mcopy, queue_status, move, del, recycle, recover, del_completely', async () => {
      const made = await client.createFolder({ fullpath: 'c1/sub' });
      assert.strictEqual(made.fullpath, 'c1/sub');
      sb.control.writeFile('c1/sub/a.txt', 'A');

      const fileCopy = await client.copy({ from_fullpath: 'c1/sub/a.txt', fullpath: 'c1/a-copy.txt' });
      assert.strictEqual(fileCopy.fullpath, 'c1/a-copy.txt');
      assert.strictEqual(sb.control.readFile('c1/a-copy.txt')?.toString(), 'A');

      const folderCopy = await client.copy({ from_fullpath: 'c1/sub', fullpath: 'c1/sub-copy' });
      assert.ok(folderCopy.queue_id, 'folders copy through the queue');
      const first = await client.queueStatus({ queue_id: folderCopy.queue_id! });
      assert.ok([0, 1, 2].includes(first.status));
      const done = await client.waitQueue(folderCopy.queue_id!);
      assert.strictEqual(done.status, 2);
      assert.strictEqual(sb.control.readFile('c1/sub-copy/a.txt')?.toString(), 'A');

      const m = await client.mcopy({ from_fullpaths: ['c1/a-copy.txt'], paths: ['c1/sub'] });
      assert.strictEqual(m.length, 1);
      if (m[0].queue_id) await client.waitQueue(m[0].queue_id);
      assert.ok(sb.control.exists('c1/sub/a-copy.txt'));

      await client.move({ fullpath: 'c1/a-copy.txt', dest_fullpath: 'c1/moved.txt' });
      assert.ok(!sb.control.exists('c1/a-copy.txt') && sb.control.exists('c1/moved.txt'));

      await client.del({ fullpath: 'c1/moved.txt' });
      assert.ok(sb.control.isInRecycleBin('c1/moved.txt'));
      const bin = await client.recycle({ size: 100 });
      assert.ok(bin.list.some((f) => f.fullpath === 'c1/moved.txt'));
      await client.recover({ fullpaths: ['c1/moved.txt'] });
      assert.ok(sb.control.exists('c1/moved.txt'));

      await client.del({ fullpath: 'c1/moved.txt' });
      await client.delCompletely({ fullpaths: ['c1/moved.txt'] });
      assert.ok(!sb.control.isInRecycleBin('c1/moved.txt'));

      await client.del({ fullpath: 'c1/sub-copy', destroy: 1 });
      assert.ok(!sb.control.exists('c1/sub-copy') && !sb.control.isInRecycleBin('c1/sub-copy'));
    });

    it('history', async () => {
      sb.control.writeFile('h/v.txt', 'one');
      sb.control.writeFile('h/v.txt', 'two');
      const h = await client.history({ fullpath: 'h/v.txt' });
      assert.ok(h.list.length >= 2);
      assert.strictEqual(sb.control.versionCount('h/v.txt'), 2);
    });

    it('link, links, link_close', async () => {
      const l = await client.link({ fullpath: SEED.readme, auth: 'download', password: 'pass-1234' });
      assert.ok(l.link && l.code);
      const all = await client.links({ file: 1 });
      assert.ok(all.some((x) => x.link === l.link));
      await client.linkClose({ code: l.code });
      assert.ok(!(await client.links({})).some((x) => x.link === l.link));
      await client.link({ fullpath: SEED.readme });
      await client.linkClose({ fullpath: SEED.readme });
    });

    it('lock and unlock', async () => {
      sb.control.writeFile('locks/x.txt', 'x');
      await client.lock({ fullpath: 'locks/x.txt', lock: 'lock', op_name: 'Robot' });
      assert.strictEqual((await fs.stat('locks/x.txt')).locked, true);
      await client.lock({ fullpath: 'locks/x.txt', lock: 'unlock', op_name: 'Robot' });
      assert.strictEqual((await fs.stat('locks/x.txt')).locked, undefined);
    });

    it('permissions: inherit, file_permission, get_all_permission, get_permission, reset_permission', async () => {
      await client.createFolder({ fullpath: 'perm' });
      await client.setPermissionInherit({ fullpath: 'perm', inherit: 0 });
      await client.filePermission({ fullpath: 'perm', permissions: { '7': ['file_preview', 'file_read'] } });
      const all = await client.getAllPermission({ fullpath: 'perm' });
      assert.deepStrictEqual(all.members?.['7']?.slice().sort(), ['file_preview', 'file_read']);
      const mine = await client.getPermission({ fullpath: 'perm', member_id: 7 });
      assert.ok(Array.isArray(mine) && mine.includes('file_read'));
      const everyone = await client.getPermission({ fullpath: 'perm' });
      assert.ok(!Array.isArray(everyone));
      await client.resetPermission({ fullpath: 'perm', members: ['7'] });
      assert.strictEqual((await client.getAllPermission({ fullpath: 'perm' })).members?.['7'], undefined);
      await client.setPermissionInherit({ fullpath: 'perm', inherit: 1 });
    });

    it('tags and metadata', async () => {
      sb.control.writeFile('tags/t.txt', 't');
      await client.addTag({ fullpath: 'tags/t.txt', tag: ['红色', 'blue'] });
      assert.deepStrictEqual((await fs.stat('tags/t.txt')).tags?.slice().sort(), ['blue', '红色']);
      await client.delTag({ fullpath: 'tags/t.txt', tag: ['blue'] });
      assert.deepStrictEqual((await fs.stat('tags/t.txt')).tags, ['红色']);
      await client.setMetadata({ fullpath: 'tags/t.txt', key: 'tpl', metadata: { status: '已归档', n: 1 }, display: ['status'] });
      await client.delMetadata({ fullpath: 'tags/t.txt', key: 'tpl' });
    });

    it('upload_servers + web_upload', async () => {
      const s = await client.uploadServers({ fullpath: 'web/网页 上传.txt', timeout: 60 });
      const r = await client.webUpload(s['m-upload'][0], { key: s.key, path: 'web', name: '网页 上传 #1.txt', data: Buffer.from('web!') });
      assert.strictEqual(r.fullpath, 'web/网页 上传 #1.txt');
      assert.strictEqual(sb.control.readFile('web/网页 上传 #1.txt')?.toString(), 'web!');
    });
  });

  // ------------------------------------------------------------------ upload protocol

  describe('chunked upload', () => {
    it('low-level: create_file, upload_init, upload_part, upload_req, upload_finish', async () => {
      const data = Buffer.concat([randomBytes(PART), Buffer.from('hello chunked world, 你好')]);
      const cf = await client.createFile({ fullpath: 'up/low.txt', filehash: sha1(data), filesize: data.length });
      assert.strictEqual(cf.state, 0);
      const init = await client.uploadInit(cf.server, { filename: 'low.txt', pathhash: cf.hash, filehash: sha1(data), filesize: data.length });
      assert.ok(init.session);
      const a = data.subarray(0, PART);
      const r1 = await client.uploadPart(cf.server, { session: init.session!, start: 0, end: PART - 1, crc: crc(a), data: a });
      assert.deepStrictEqual(r1, { complete: false });
      assert.deepStrictEqual(await client.uploadReq(cf.server, { session: init.session! }), { received: PART });
      // a part at the wrong offset is answered with the expected one
      const tail = data.subarray(PART + 2);
      const wrong = await client.uploadPart(cf.server, { session: init.session!, start: PART + 2, end: data.length - 1, crc: crc(tail), data: tail });
      assert.strictEqual(wrong.expect, PART);
      const b = data.subarray(PART);
      const r2 = await client.uploadPart(cf.server, { session: init.session!, start: PART, end: data.length - 1, crc: crc(b), data: b });
      assert.strictEqual(r2.complete, true);
      assert.deepStrictEqual(await client.uploadFinish(cf.server, { session: init.session! }), { done: true });
      assert.deepStrictEqual(sb.control.readFile('up/low.txt'), data);
    });

    it('upload_abort drops the session', async () => {
      const data = Buffer.from('to be aborted');
      const cf = await client.createFile({ fullpath: 'up/abort.txt', filehash: sha1(data), filesize: data.length });
      const init = await client.uploadInit(cf.server, { filename: 'abort.txt', pathhash: cf.hash, filehash: sha1(data), filesize: data.length });
      await client.uploadAbort(cf.server, { session: init.session! });
      // 401 on a session call is the session, not the credentials (upload-server calls are unsigned)
      await assert.rejects(client.uploadReq(cf.server, { session: init.session! }), (e: unknown) => e instanceof UploadSessionExpiredError && !(e instanceof UnauthorizedError) && e.kind === 'Server');
      assert.ok(!sb.control.exists('up/abort.txt'));
    });

    it('uploadFile sends parts and reports progress', async () => {
      const data = randomBytes(2 * PART + 300_000);
      const progress: number[] = [];
      const mark = sb.control.requestCount;
      const r = await client.uploadFile({ fullpath: 'up/multi.bin', source: { data }, overwrite: false }, { onProgress: (d) => progress.push(d) });
      assert.strictEqual(r.instant, false);
      assert.strictEqual(r.filehash, sha1(data));
      assert.deepStrictEqual(sb.control.readFile('up/multi.bin'), data);
      assert.deepStrictEqual(callsSince(mark, '/upload_part').map((q) => q.status), [200, 200, 202]);
      assert.deepStrictEqual(progress, [PART, 2 * PART, data.length]);
    });

    it('instant upload sends no bytes when the server has the content', async () => {
      const data = sb.control.readFile(SEED.readme)!;
      const before = sb.control.uploadedBytes;
      const r = await client.uploadFile({ fullpath: 'up/readme-again.md', source: { data }, overwrite: false });
      assert.strictEqual(r.instant, true);
      assert.strictEqual(sb.control.uploadedBytes, before);
      assert.deepStrictEqual(sb.control.readFile('up/readme-again.md'), data);
    });

    it('a part dropped mid-body resumes where upload_req says (mid-part): kept bytes are not sent again', async () => {
      const data = randomBytes(2 * PART + MIB / 2); // parts 0-4 MiB, 4-8 MiB, 8-8.5 MiB
      const ranges: string[] = [];
      const reported: number[] = [];
      // Watches what goes over the wire: the ranges of the parts and what upload_req answers.
      const c = viaTransport(async (url, init) => {
        if (url.endsWith('/upload_part')) ranges.push(init.headers['x-gk-upload-range']);
        const res = await nodeFetch(url, init as never);
        if (url.endsWith('/upload_req')) reported.push(Number((await res.clone().json() as { received: unknown }).received));
        return res as never;
      });
      let dropped = false;
      const mark = sb.control.requestCount;
      const before = sb.control.uploadedBytes;
      const progress: number[] = [];
      const r = await c.uploadFile({ fullpath: 'up/resumed.bin', source: { data }, overwrite: false }, {
        onProgress: (done) => {
          progress.push(done);
          // The second part loses its connection once half of it arrived; the server keeps that half.
          if (!dropped && done === PART) {
            dropped = true;
            sb.control.dropNextParts(1);
          }
        },
      });
      assert.strictEqual(r.filesize, data.length);
      assert.deepStrictEqual(sb.control.readFile('up/resumed.bin'), data);
      assert.deepStrictEqual(reported, [PART + PART / 2], 'upload_req was asked once and reported the kept half');
      assert.strictEqual(Number(ranges[2].split('-')[0]), reported[0], 'the client resumed at the offset the server reported');
      assert.deepStrictEqual(ranges, [
        `0-${PART - 1}`,
        `${PART}-${2 * PART - 1}`, // dropped after 2 MiB
        `${PART + PART / 2}-${data.length - 1}`, // resumed at the offset the server reported, not at 4 MiB nor 0
      ]);
      assert.deepStrictEqual(callsSince(mark, '/upload_part').map((q) => q.status), [200, 0, 202]);
      assert.strictEqual(sb.control.uploadedBytes - before, data.length, 'every byte stored once: nothing sent twice');
      assert.deepStrictEqual(progress, [PART, PART + PART / 2, data.length]);
    });

    it('upload_finish answering 202 ("still processing") is asked again until the file lands', async () => {
      const data = randomBytes(200_000);
      sb.control.finishPending(3);
      const mark = sb.control.requestCount;
      const r = await client.uploadFile({ fullpath: 'up/finish-pending.bin', source: { data }, overwrite: false });
      assert.strictEqual(r.instant, false);
      assert.deepStrictEqual(sb.control.readFile('up/finish-pending.bin'), data);
      const finishes = callsSince(mark, '/upload_finish');
      assert.deepStrictEqual(finishes.map((q) => q.status), [202, 202, 202, 200]);
      assert.strictEqual((await fs.stat('up/finish-pending.bin')).version, sha1(data));
    });

    it('low level: upload_finish reports not done while the server is still processing', async () => {
      const data = Buffer.from('finish me later');
      const cf = await client.createFile({ fullpath: 'up/finish-low.txt', filehash: sha1(data), filesize: data.length });
      const init = await client.uploadInit(cf.server, { filename: 'finish-low.txt', pathhash: cf.hash, filehash: sha1(data), filesize: data.length });
      await client.uploadPart(cf.server, { session: init.session!, start: 0, end: data.length - 1, crc: crc(data), data });
      sb.control.finishPending(1);
      assert.deepStrictEqual(await client.uploadFinish(cf.server, { session: init.session! }), { done: false });
      assert.ok(!sb.control.exists('up/finish-low.txt'), 'not stored while processing');
      assert.deepStrictEqual(await client.uploadFinish(cf.server, { session: init.session! }), { done: true });
      assert.deepStrictEqual(sb.control.readFile('up/finish-low.txt'), data);
    });

    it('upload_finish that never completes -> TimeoutError, the session is aborted and nothing is stored', async () => {
      const data = randomBytes(10_000);
      sb.control.finishPending(1_000_000);
      const impatient = makeClient({ poll: { intervalMs: 5, maxIntervalMs: 10, timeoutMs: 200 } });
      const mark = sb.control.requestCount;
      await assert.rejects(
        impatient.uploadFile({ fullpath: 'up/finish-never.bin', source: { data }, overwrite: false }),
        (e: unknown) => e instanceof TimeoutError && /upload_finish/.test(e.message),
      );
      assert.strictEqual(callsSince(mark, '/upload_abort').length, 1, 'upload_abort sent');
      sb.control.resetMisbehaviour();
      assert.ok(!sb.control.exists('up/finish-never.bin'));
    });

    it('cancelling an upload aborts the session', async () => {
      const data = randomBytes(PART + 600_000);
      const ctrl = new AbortController();
      const mark = sb.control.requestCount;
      const p = client.uploadFile({ fullpath: 'up/cancelled.bin', source: { data }, overwrite: false }, {
        signal: ctrl.signal,
        onProgress: (done) => { if (done > 0 && done < data.length) ctrl.abort(); },
      });
      await assert.rejects(p, CancelledError);
      await until(() => callsSince(mark, '/upload_abort').length === 1);
      assert.ok(!sb.control.exists('up/cancelled.bin'));
    });

    it('a 50 MB file uploads from disk in 4 MiB parts', async function () {
      this.timeout(120_000);
      const file = path.join(tmp, 'fifty.bin');
      const chunk = randomBytes(1024 * 1024);
      const h = await fsp.open(file, 'w');
      for (let i = 0; i < 50; i++) {
        chunk[0] = i; // distinct megabytes, so the whole file has a fresh hash
        await h.write(chunk);
      }
      await h.close();
      const big = makeClient();
      const before = sb.control.uploadedBytes;
      const mark = sb.control.requestCount;
      const r = await big.uploadFile({ fullpath: 'up/fifty.bin', source: { path: file }, overwrite: false });
      assert.strictEqual(r.filesize, 50 * 1024 * 1024);
      assert.strictEqual(sb.control.uploadedBytes - before, r.filesize);
      assert.strictEqual(sha1(sb.control.readFile('up/fifty.bin')!), r.filehash);
      assert.strictEqual(callsSince(mark, '/upload_part').length, 13, '12 parts of 4 MiB and one of 2 MiB');
    });

    it('a file of 64 MiB or more goes in 10 MiB parts (fewer round trips); the server keeps it byte for byte', async function () {
      this.timeout(120_000);
      const file = path.join(tmp, 'sixty-four.bin');
      const chunk = randomBytes(1024 * 1024);
      const h = await fsp.open(file, 'w');
      for (let i = 0; i < 64; i++) {
        chunk[1] = i;
        await h.write(chunk);
      }
      await h.close();
      const mark = sb.control.requestCount;
      const r = await makeClient().uploadFile({ fullpath: 'up/sixty-four 大.bin', source: { path: file }, overwrite: false });
      assert.strictEqual(callsSince(mark, '/upload_part').length, 7, 'six parts of 10 MiB and one of 4 MiB');
      assert.deepStrictEqual(sb.control.readFile('up/sixty-four 大.bin'), await fsp.readFile(file));
      const down = path.join(tmp, 'sixty-four.down');
      await makeClient().downloadToFile({ fullpath: 'up/sixty-four 大.bin' }, down);
      assert.strictEqual(sha1(await fsp.readFile(down)), r.filehash, 'downloaded from the stored parts');
    });

    it('the part size is held to the vendor\'s 4-10 MiB', async function () {
      this.timeout(60_000);
      const data = randomBytes(21 * 1024 * 1024);
      for (const [partSize, parts] of [[64 * 1024, 6], [64 * 1024 * 1024, 3]]) { // 4 MiB x 5 + 1 MiB; 10 MiB x 2 + 1 MiB
        data[0] = partSize & 0xff ^ data[0] ^ 1; // fresh content each round: no instant upload
        const mark = sb.control.requestCount;
        await makeClient({ uploadPartSize: partSize })
          .uploadFile({ fullpath: `up/clamped-${partSize}.bin`, source: { data }, overwrite: false });
        assert.strictEqual(callsSince(mark, '/upload_part').length, parts, `uploadPartSize ${partSize}`);
        assert.deepStrictEqual(sb.control.readFile(`up/clamped-${partSize}.bin`), data);
      }
    });
  });

  describe('interrupted uploads', () => {
    it('a part the server already has (replayed request) is answered 409 expect; the upload continues there', async () => {
      const data = randomBytes(3 * PART + 100_000);
      let replayed = false;
      // The transport sends the first part twice, as a proxy retrying behind the client's back would.
      const c = viaTransport(async (url, init) => {
        if (!replayed && url.endsWith('/upload_part')) {
          replayed = true;
          await (await send(url, init)).buffer();
        }
        return send(url, init);
      });
      const mark = sb.control.requestCount;
      const before = sb.control.uploadedBytes;
      const progress: number[] = [];
      await c.uploadFile({ fullpath: 'up/replayed.bin', source: { data }, overwrite: false }, { onProgress: (d) => progress.push(d) });
      assert.deepStrictEqual(sb.control.readFile('up/replayed.bin'), data);
      const parts = callsSince(mark, '/upload_part').map((q) => q.status);
      assert.deepStrictEqual(parts.slice(0, 3), [200, 409, 200], 'the 409 answer moved the client on to the next part');
      assert.strictEqual(parts.length, 4 + 1, 'four parts, none sent twice by the client');
      assert.strictEqual(sb.control.uploadedBytes - before, data.length + PART, 'the client sent every byte once (plus the replay)');
      assert.strictEqual(callsSince(mark, '/upload_req').length, 0);
      assert.ok(progress.every((v, i) => i === 0 || v >= progress[i - 1]), `progress ${progress}`);
    });

    it('the upload session expiring mid-upload starts the upload again instead of blaming the credentials', async () => {
      const data = randomBytes(PART + 300_000);
      let expired = false;
      const mark = sb.control.requestCount;
      const r = await client.uploadFile({ fullpath: 'up/session-expired.bin', source: { data }, overwrite: false }, {
        onProgress: (done) => {
          if (!expired && done > 0 && done < data.length) {
            expired = true;
            sb.control.expireUploadSessions();
          }
        },
      });
      assert.strictEqual(r.filehash, sha1(data));
      assert.deepStrictEqual(sb.control.readFile('up/session-expired.bin'), data);
      assert.ok(callsSince(mark, '/upload_part').some((q) => q.status === 401), 'a part hit the expired session');
      assert.strictEqual(callsSince(mark, '/upload_init').length, 2, 'a second session');
      assert.strictEqual(callsSince(mark, '/upload_abort').length, 0, 'an expired session is not aborted');
      assert.strictEqual((await fs.stat('up/session-expired.bin')).version, sha1(data));
    });

    it('a session that keeps expiring gives up after a few fresh starts, as a server problem', async () => {
      const data = randomBytes(PART + 300_000);
      const mark = sb.control.requestCount;
      await assert.rejects(
        client.uploadFile({ fullpath: 'up/session-never.bin', source: { data }, overwrite: false }, {
          onProgress: (done) => { if (done > 0 && done < data.length) sb.control.expireUploadSessions(); },
        }),
        (e: unknown) => e instanceof UploadSessionExpiredError && !(e instanceof UnauthorizedError) && /session has expired/.test(e.message),
      );
      assert.strictEqual(callsSince(mark, '/upload_init').length, 3, 'the first session and two fresh starts');
      assert.ok(!sb.control.exists('up/session-never.bin'));
    });

    it('429 on a part: waits for Retry-After, asks upload_req and resumes', async () => {
      const data = randomBytes(300_000);
      sb.control.failNext(1, { status: 429, retryAfterSec: 1, pathIncludes: '/upload_part' });
      const mark = sb.control.requestCount;
      const t0 = Date.now();
      await client.uploadFile({ fullpath: 'up/rate-limited.bin', source: { data }, overwrite: false });
      assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
      assert.deepStrictEqual(sb.control.readFile('up/rate-limited.bin'), data);
      assert.strictEqual(callsSince(mark, '/upload_part')[0].status, 429);
      assert.strictEqual(callsSince(mark, '/upload_req').length, 1);
      assert.strictEqual(callsSince(mark, '/upload_abort').length, 0);
    });

    it('503 on a part mid-way: resumes where the server stopped', async () => {
      const data = randomBytes(PART + 300_000);
      let failed = false;
      const mark = sb.control.requestCount;
      await client.uploadFile({ fullpath: 'up/unavailable.bin', source: { data }, overwrite: false }, {
        onProgress: (done) => {
          if (!failed && done > 0) {
            failed = true;
            sb.control.failNext(2, { status: 503, retryAfterSec: 0, pathIncludes: '/upload_part' });
          }
        },
      });
      assert.deepStrictEqual(sb.control.readFile('up/unavailable.bin'), data);
      assert.deepStrictEqual(callsSince(mark, '/upload_part').map((q) => q.status).slice(0, 3), [200, 503, 503]);
      assert.strictEqual(callsSince(mark, '/upload_req').length, 2);
    });

    it('a Retry-After too long to wait fails the upload at once with RateLimitedError and aborts the session', async () => {
      const data = randomBytes(100_000);
      sb.control.failNext(1, { status: 429, retryAfterSec: 3600, pathIncludes: '/upload_part' });
      const mark = sb.control.requestCount;
      await assert.rejects(
        client.uploadFile({ fullpath: 'up/rate-limited-long.bin', source: { data }, overwrite: false }),
        (e: unknown) => e instanceof RateLimitedError && e.retryAfterMs === 3_600_000,
      );
      assert.strictEqual(callsSince(mark, '/upload_abort').length, 1);
      assert.ok(!sb.control.exists('up/rate-limited-long.bin'));
    });

    it('upload_abort is one attempt: an abort that fails does not hold back the upload\'s own error', async () => {
      const data = randomBytes(10_000);
      sb.control.finishPending(1_000_000);
      sb.control.failNext(10, { status: 503, retryAfterSec: 5, pathIncludes: '/upload_abort' });
      const impatient = makeClient({ poll: { intervalMs: 5, maxIntervalMs: 10, timeoutMs: 100 } });
      const mark = sb.control.requestCount;
      const t0 = Date.now();
      await assert.rejects(impatient.uploadFile({ fullpath: 'up/abort-fails.bin', source: { data }, overwrite: false }), TimeoutError);
      assert.ok(Date.now() - t0 < 3000, `the error came after ${Date.now() - t0} ms`);
      assert.deepStrictEqual(callsSince(mark, '/upload_abort').map((q) => q.status), [503]);
    });
  });

  // ------------------------------------------------------------------ downloads

  describe('downloads', () => {
    it('downloadBytes returns the content', async () => {
      const bytes = await client.downloadBytes({ fullpath: SEED.docx });
      assert.deepStrictEqual(Buffer.from(bytes), sb.control.readFile(SEED.docx));
    });

    it('downloadToFile streams to disk with progress', async () => {
      const target = path.join(tmp, 'big-download.bin');
      let last = 0;
      await client.downloadToFile({ fullpath: '大文件/sample-20MB.bin' }, target, { onProgress: (d) => { last = d; } });
      const local = await fsp.readFile(target);
      assert.strictEqual(sha1(local), sha1(sb.control.readFile('大文件/sample-20MB.bin')!));
      assert.strictEqual(last, local.length);
    });

    it('fetches a fresh URL once when the download URL has expired', async () => {
      let firstDownload = true;
      const log = memoryLogger();
      // The URL expires while the first GET on it is in transit.
      const c = viaTransport(async (url, init) => {
        if (init.method === 'GET' && firstDownload) {
          firstDownload = false;
          sb.control.expireDownloadUrls();
        }
        return send(url, init);
      }, log);
      const mark = sb.control.requestCount;
      const bytes = await c.downloadBytes({ fullpath: SEED.readme });
      assert.deepStrictEqual(Buffer.from(bytes), sb.control.readFile(SEED.readme));
      assert.strictEqual(callsSince(mark, '/download_url').length, 2);
      assert.deepStrictEqual(downloadsSince(mark), [403, 200]);
      const text = log.lines.join('\n');
      assert.match(text, /-> 403/);
      assert.ok(!/[?&](e|s)=/.test(text), `download query leaked into logs:\n${text}`);
    });

    it('a download URL that keeps failing is refreshed exactly once, then a clear error instead of a loop', async () => {
      // Every URL expires while its GET is in transit, the fresh one too.
      const c = viaTransport(async (url, init) => {
        if (init.method === 'GET' && url.includes('/dl/')) sb.control.expireDownloadUrls();
        return send(url, init);
      });
      for (const download of [
        () => c.downloadBytes({ fullpath: SEED.readme }),
        () => c.downloadToFile({ fullpath: SEED.readme }, path.join(tmp, 'never.md')),
      ]) {
        const mark = sb.control.requestCount;
        await assert.rejects(download(), (e: unknown) => {
          assert.ok(e instanceof ForbiddenError, String(e));
          assert.deepStrictEqual([e.status, e.vendorCode, e.vendor], [403, 40303, 'gokuai']);
          assert.match(e.message, /download of "README\.md".*link expired/);
          return true;
        });
        assert.strictEqual(callsSince(mark, '/download_url').length, 2, 'the first URL and one fresh one');
        assert.deepStrictEqual(downloadsSince(mark), [403, 403]);
      }
      await assert.rejects(fsp.access(path.join(tmp, 'never.md')));
    });
  });

  // ------------------------------------------------------------------ failures

  describe('failures', () => {
    it('a wrong secret -> UnauthorizedError naming the client secret, without the secret', async () => {
      const wrong = 'definitely-wrong-secret-value';
      const bad = makeClient({}, wrong);
      await assert.rejects(bad.ls({ fullpath: '' }), (e: unknown) => {
        assert.ok(e instanceof UnauthorizedError);
        assert.match(e.message, /client secret/);
        assert.strictEqual(e.vendorCode, 401041);
        assert.strictEqual(e.vendor, 'gokuai');
        assert.ok(!e.message.includes(wrong) && !e.message.includes(sb.credentials.orgClientSecret));
        return true;
      });
      assert.ok(!logger.lines.join('\n').includes(wrong));
    });

    it('429 with Retry-After, then success', async () => {
      sb.control.failNext(1, { status: 429, retryAfterSec: 1, pathIncludes: '/file/ls' });
      const t0 = Date.now();
      const r = await client.ls({ fullpath: '' });
      assert.ok(r.list.length > 0);
      assert.ok(Date.now() - t0 >= 900, 'waited for Retry-After');
      const ls = sb.control.requests.filter((q) => q.path.endsWith('/file/ls')).slice(-2).map((q) => q.status); // the newest two
      assert.deepStrictEqual(ls, [429, 200]);
    });

    it('429 on a write is retried too (it was not processed)', async () => {
      sb.control.failNext(1, { status: 429, retryAfterSec: 0, pathIncludes: '/file/create_folder' });
      await client.createFolder({ fullpath: 'rate/limited' });
      assert.ok(sb.control.exists('rate/limited'));
    });

    it('429 for too long -> RateLimitedError', async () => {
      sb.control.failNext(10, { status: 429, retryAfterSec: 0, pathIncludes: '/file/ls' });
      await assert.rejects(client.ls({ fullpath: '' }), RateLimitedError);
    });

    it('5xx until the attempts run out -> ServerError', async () => {
      sb.control.failNext(10, { status: 500, pathIncludes: '/file/info' });
      await assert.rejects(client.info({ fullpath: SEED.readme }), (e: unknown) => e instanceof ServerError && e.status === 500);
      const n = sb.control.requests.filter((q) => q.path.endsWith('/file/info') && q.status === 500).length;
      assert.ok(n >= 4, `${n} attempts`);
    });

    it('5xx on a non-idempotent write is not repeated', async () => {
      sb.control.failNext(1, { status: 502, pathIncludes: '/file/move' });
      sb.control.writeFile('nr/a.txt', 'a');
      const moves = () => sb.control.requests.filter((q) => q.path.endsWith('/file/move')).length;
      const before = moves();
      await assert.rejects(client.move({ fullpath: 'nr/a.txt', dest_fullpath: 'nr/b.txt' }), ServerError);
      assert.strictEqual(moves() - before, 1);
      assert.ok(sb.control.exists('nr/a.txt'));
    });

    it('a dropped connection on a read is retried', async () => {
      sb.control.dropNextRequests(1, '/file/ls');
      const r = await client.ls({ fullpath: '' });
      assert.ok(r.list.length > 0);
    });

    it('malformed JSON -> BadResponseError', async () => {
      sb.control.malformNext(1, '/file/info');
      await assert.rejects(client.info({ fullpath: SEED.readme }), BadResponseError);
    });
  });

  // ------------------------------------------------------------------ RemoteFs

  describe('GokuaiRemoteFs', () => {
    it('a small save is two requests (basic info, one web upload); one upload key serves many saves; bigger files go in parts', async () => {
      const c = makeClient();
      const store = new GokuaiRemoteFs(c);
      await store.write('small/a 文件 #%.txt', Buffer.from('one'), { create: true, overwrite: false });
      const mark = sb.control.requestCount;
      const saved = await store.write('small/a 文件 #%.txt', Buffer.from('two 😀'), { create: false, overwrite: true, expectedVersion: sha1(Buffer.from('one')) });
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((q) => q.path.split('/').pop()), ['info', 'web_upload']);
      assert.strictEqual(saved.version, sha1(Buffer.from('two 😀')), 'the version is what was sent');
      assert.strictEqual(sb.control.readFile('small/a 文件 #%.txt')?.toString(), 'two 😀');
      for (const n of [1, 2, 3]) await store.write(`small/b${n}.txt`, Buffer.from(`b${n}`), { create: true, overwrite: false });
      assert.strictEqual(callsSince(mark, '/upload_servers').length, 0, 'the key of the first upload is reused');
      const big = randomBytes(4 * 1024 * 1024 + 1);
      await store.write('small/big.bin', big, { create: true, overwrite: false });
      assert.strictEqual(callsSince(mark, '/upload_part').length, 2, 'over 4 MiB: the chunked upload');
      assert.deepStrictEqual(sb.control.readFile('small/big.bin'), big);
    });

    it('an upload key the server refuses is replaced once; a second refusal is the error', async () => {
      const store = new GokuaiRemoteFs(makeClient());
      await store.write('keys/a.txt', Buffer.from('a'), { create: true, overwrite: false });
      const mark = sb.control.requestCount;
      sb.control.failNext(1, { status: 404, pathIncludes: '/web_upload' });
      await store.write('keys/a.txt', Buffer.from('b'), { create: false, overwrite: true });
      assert.deepStrictEqual(sb.control.requestsSince(mark).map((q) => `${q.path.split('/').pop()} ${q.status}`), ['info 200', 'web_upload 404', 'upload_servers 200', 'web_upload 200']);
      sb.control.failNext(2, { status: 404, pathIncludes: '/web_upload' });
      await assert.rejects(store.write('keys/a.txt', Buffer.from('c'), { create: false, overwrite: true }), NotFoundError);
      assert.strictEqual(sb.control.readFile('keys/a.txt')?.toString(), 'b', 'nothing else changed');
    });

    it('read is two requests (info with its download link, the GET); the version is the sha1 of what was read', async () => {
      await fs.write('reads/r 读.txt', Buffer.from('read me'), { create: true, overwrite: false });
      const mark = sb.control.requestCount;
      const { data, entry } = await fs.read('reads/r 读.txt');
      assert.strictEqual(sb.control.requestsSince(mark).length, 2, sb.control.requestsSince(mark).map((q) => q.path).join(', '));
      assert.strictEqual(Buffer.from(data).toString(), 'read me');
      assert.strictEqual(entry.version, sha1(Buffer.from('read me')));
      assert.strictEqual(entry.version, (await fs.stat('reads/r 读.txt')).version, 'the same version stat reports');
    });

    it("stat('') is the root folder", async () => {
      const root = await fs.stat('');
      assert.strictEqual(root.type, 'folder');
      assert.strictEqual(root.path, '');
    });

    it('stat maps a file: version = filehash, mtime in ms', async () => {
      const e = await fs.stat(SEED.readme);
      assert.strictEqual(e.type, 'file');
      assert.strictEqual(e.version, sha1(sb.control.readFile(SEED.readme)!));
      assert.ok(e.mtime > 1e12 && e.id);
      await assert.rejects(fs.stat('nope/none.txt'), NotFoundError);
    });

    it('list pages with cursors and listAll collects everything', async () => {
      const p1 = await fs.list(SEED.batch, undefined, { pageSize: 70 });
      assert.strictEqual(p1.items.length, 70);
      assert.strictEqual(p1.next, '70');
      const all = await fs.listAll(SEED.batch);
      assert.strictEqual(all.length, (await client.ls({ fullpath: SEED.batch, size: 1 })).count);
      assert.strictEqual(new Set(all.map((e) => e.path)).size, all.length);
    });

    it('the locked seed file reports locked and rejects writes', async () => {
      const e = await fs.stat(SEED.locked);
      assert.strictEqual(e.locked, true);
      const before = sb.control.uploadedBytes;
      await assert.rejects(fs.write(SEED.locked, Buffer.from('mine now'), { create: false, overwrite: true }), LockedError);
      assert.strictEqual(sb.control.uploadedBytes, before);
    });

    it('a file locked by someone else rejects write', async () => {
      sb.control.writeFile('rl/locked.txt', 'orig');
      sb.control.lockFile('rl/locked.txt', 'Someone Else');
      await assert.rejects(fs.write('rl/locked.txt', Buffer.from('x'), { create: true, overwrite: true }), LockedError);
      assert.strictEqual(sb.control.readFile('rl/locked.txt')?.toString(), 'orig');
      sb.control.unlockFile('rl/locked.txt');
      await fs.write('rl/locked.txt', Buffer.from('after unlock'), { create: true, overwrite: true });
      assert.strictEqual(sb.control.readFile('rl/locked.txt')?.toString(), 'after unlock');
    });

    it('write with a stale expectedVersion -> ConflictError and nothing uploaded', async () => {
      await fs.write('cf/doc.txt', Buffer.from('v1'), { create: true, overwrite: false });
      const { entry } = await fs.read('cf/doc.txt');
      sb.control.writeFile('cf/doc.txt', 'changed by a colleague');
      const before = sb.control.uploadedBytes;
      const versions = sb.control.versionCount('cf/doc.txt');
      await assert.rejects(
        fs.write('cf/doc.txt', Buffer.from('my edit'), { create: false, overwrite: true, expectedVersion: entry.version }),
        (e: unknown) => e instanceof ConflictError && e.remoteVersion === sha1(Buffer.from('changed by a colleague')),
      );
      assert.strictEqual(sb.control.uploadedBytes, before);
      assert.strictEqual(sb.control.versionCount('cf/doc.txt'), versions);
      const fresh = await fs.read('cf/doc.txt');
      const saved = await fs.write('cf/doc.txt', Buffer.from('my edit'), { create: false, overwrite: true, expectedVersion: fresh.entry.version });
      assert.strictEqual(saved.version, sha1(Buffer.from('my edit')));
    });

    it('a colleague saving right after our upload: the saved version is ours, so our next save conflicts', async () => {
      await fs.write('cf/race.txt', Buffer.from('v1'), { create: true, overwrite: false });
      const theirs = Buffer.from('saved by a colleague right after us');
      let raced = false;
      // The colleague's save lands between our upload_finish and whatever the client asks next.
      const racing = new GokuaiRemoteFs(viaTransport(async (url, init) => {
        const res = await send(url, init);
        if (!raced && /\/(upload_finish|web_upload)$/.test(url) && res.status === 200) {
          raced = true;
          sb.control.writeFile('cf/race.txt', theirs);
        }
        return res;
      }));
      const mine = Buffer.from(`my edit ${randomBytes(8).toString('hex')}`); // new content: a real upload
      const saved = await racing.write('cf/race.txt', mine, { create: false, overwrite: true, expectedVersion: sha1(Buffer.from('v1')) });
      assert.ok(raced);
      assert.strictEqual(saved.version, sha1(mine));
      assert.strictEqual(saved.size, mine.length);
      await assert.rejects(
        racing.write('cf/race.txt', Buffer.from('my next edit'), { create: false, overwrite: true, expectedVersion: saved.version }),
        (e: unknown) => e instanceof ConflictError && e.remoteVersion === sha1(theirs),
      );
      assert.deepStrictEqual(sb.control.readFile('cf/race.txt'), theirs, "the colleague's change survives");
    });

    it('write follows create/overwrite rules', async () => {
      await assert.rejects(fs.write('wr/none.txt', Buffer.from('x'), { create: false, overwrite: true }), NotFoundError);
      await fs.write('wr/a.txt', Buffer.from('a'), { create: true, overwrite: false });
      await assert.rejects(fs.write('wr/a.txt', Buffer.from('b'), { create: true, overwrite: false }), AlreadyExistsError);
      const e = await fs.write('wr/a.txt', Buffer.from('bb'), { create: false, overwrite: true });
      assert.strictEqual(e.size, 2);
      assert.strictEqual(sb.control.readFile('wr/a.txt')?.toString(), 'bb');
      assert.ok(!sb.control.exists('wr/a (1).txt'));
      await assert.rejects(fs.write('wr', Buffer.from('x'), { create: true, overwrite: true }), InvalidInputError);
    });

    it('odd names round-trip: Chinese, emoji, spaces, #, %', async () => {
      const names = ['中文 文件.txt', '😀 emoji.txt', 'a  b c.txt', 'hash#1.txt', '100% done.txt', "it's (1)!*.txt"];
      await fs.mkdir('odd 文件夹 #%', {});
      for (const name of names) {
        const p = `odd 文件夹 #%/${name}`;
        const data = Buffer.from(`content of ${name}`);
        const e = await fs.write(p, data, { create: true, overwrite: false });
        assert.strictEqual(e.name, name);
        assert.deepStrictEqual(Buffer.from((await fs.read(p)).data), data);
      }
      const listed = (await fs.listAll('odd 文件夹 #%')).map((e) => e.name).sort();
      assert.deepStrictEqual(listed, names.slice().sort());
      await fs.rename('odd 文件夹 #%/hash#1.txt', 'odd 文件夹 #%/重命名 #2 100%.txt', { overwrite: false });
      await fs.copy('odd 文件夹 #%/😀 emoji.txt', 'odd 文件夹 #%/😀 copy.txt', { overwrite: false });
      assert.ok(sb.control.exists('odd 文件夹 #%/重命名 #2 100%.txt'));
      assert.ok(sb.control.exists('odd 文件夹 #%/😀 copy.txt'));
    });

    it('mkdir, rename with and without overwrite, copy a folder, delete to the bin and permanently', async () => {
      const d = await fs.mkdir('ops/dir', {});
      assert.strictEqual(d.type, 'folder');
      await assert.rejects(fs.mkdir('ops/dir', {}), AlreadyExistsError);
      await fs.write('ops/dir/a.txt', Buffer.from('a'), { create: true, overwrite: false });
      await fs.write('ops/b.txt', Buffer.from('b'), { create: true, overwrite: false });
      await assert.rejects(fs.rename('ops/b.txt', 'ops/dir/a.txt', { overwrite: false }), AlreadyExistsError);
      await fs.rename('ops/b.txt', 'ops/dir/a.txt', { overwrite: true });
      assert.strictEqual(sb.control.readFile('ops/dir/a.txt')?.toString(), 'b');
      await fs.copy('ops/dir', 'ops/dir2', { overwrite: false });
      assert.strictEqual(sb.control.readFile('ops/dir2/a.txt')?.toString(), 'b');
      await fs.delete('ops/dir2/a.txt', { permanent: false });
      assert.ok(sb.control.isInRecycleBin('ops/dir2/a.txt'));
      await fs.delete('ops/dir2', { permanent: true });
      assert.ok(!sb.control.exists('ops/dir2') && !sb.control.isInRecycleBin('ops/dir2'));
    });

    it('upload from a local file and download to a local file', async () => {
      const src = path.join(tmp, '本地 文件.bin');
      const data = randomBytes(200_000);
      await fsp.writeFile(src, data);
      const e = await fs.upload(src, 'loc/本地 文件.bin', { overwrite: false });
      assert.strictEqual(e.size, data.length);
      await assert.rejects(fs.upload(src, 'loc/本地 文件.bin', { overwrite: false }), AlreadyExistsError);
      const dst = path.join(tmp, 'back.bin');
      await fs.download('loc/本地 文件.bin', dst);
      assert.deepStrictEqual(await fsp.readFile(dst), data);
    });
  });
});
