/**
 * The capabilities of a Gokuai library (src/vendors/gokuai/capabilities.ts) over the real client and RemoteFs against
 * the Gokuai sandbox over HTTP: what a caller of each capability sees, and what the server holds afterwards.
 */
import * as assert from 'assert';
import { createHash } from 'crypto';
import nodeFetch from 'node-fetch';
import { capabilityNames, type Capabilities } from '../../src/core/capabilities';
import { InvalidInputError, LockedError, NotFoundError, ServerError } from '../../src/core/errors';
import { collectPages } from '../../src/core/paging';
import { startGokuaiSandbox, type GokuaiSandbox } from '../../src/sandbox';
import { gokuaiCapabilities, GOKUAI_SHARE_SPEC } from '../../src/vendors/gokuai/capabilities';
import { GokuaiClient } from '../../src/vendors/gokuai/client';
import { GokuaiRemoteFs } from '../../src/vendors/gokuai/remotefs';
import { memoryLogger } from '../unit/support';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const DAY_MS = 86_400_000;

describe('Gokuai capabilities against the sandbox', function () {
  this.timeout(30_000);
  let sb: GokuaiSandbox;
  let client: GokuaiClient;
  let fs: GokuaiRemoteFs;
  let caps: Capabilities;
  const logger = memoryLogger();

  before(async () => {
    sb = await startGokuaiSandbox();
    client = new GokuaiClient(
      { host: sb.host, orgClientId: sb.credentials.orgClientId, orgClientSecret: sb.credentials.orgClientSecret },
      { logger, retry: { baseMs: 5, maxDelayMs: 20 }, rateLimit: { perSecond: 1000, burst: 1000 }, poll: { intervalMs: 5, maxIntervalMs: 20 } },
    );
    fs = new GokuaiRemoteFs(client);
    caps = gokuaiCapabilities(client, fs);
  });
  after(() => sb.close());
  afterEach(() => sb.control.resetMisbehaviour());

  let n = 0;
  /** A fresh folder path for one test. */
  const fresh = (what: string) => `cap-${what}-${++n}`;
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const write = (path: string, content: string) => fs.write(path, Buffer.from(content), { create: true, overwrite: true });
  /** Requests since `mark` whose path ends in `/<endpoint>`. */
  const calls = (mark: number, endpoint: string) => sb.control.requestsSince(mark).filter((q) => q.path.endsWith(`/${endpoint}`));
  const binItems = () => collectPages((c) => caps.trash!.list(c, { pageSize: 2 }));

  it('has write, trash, versions, links, search, locks, tags and web; no collaborators, documents, copies or batch', () => {
    assert.deepStrictEqual(capabilityNames(caps), ['write', 'trash', 'versions', 'links', 'search', 'locks', 'tags', 'web']);
    assert.strictEqual(caps.trash!.kind, 'recycleBin');
    assert.deepStrictEqual(caps.links!.spec, { expiry: { days: 'any', default: 7 }, access: ['preview', 'download', 'upload'], password: true, single: false });
    assert.deepStrictEqual([caps.search!.scopes, caps.search!.oneScopeAtATime], [['name', 'tag', 'content'], false]);
  });

  // ------------------------------------------------------------------ recycle bin

  describe('trash', () => {
    it('a file deleted through the RemoteFs is listed with name, folder, size; restore puts it back with its content', async () => {
      const dir = fresh('bin');
      await write(`${dir}/草稿 #1.txt`, 'draft content');
      await fs.delete(`${dir}/草稿 #1.txt`, { permanent: false });
      const item = (await binItems()).find((t) => t.id === `${dir}/草稿 #1.txt`);
      assert.deepStrictEqual(item, { id: `${dir}/草稿 #1.txt`, name: '草稿 #1.txt', type: 'file', folder: dir, size: 13 });
      assert.ok((await binItems()).some((t) => t.id === '旧草稿.txt' && t.folder === ''), 'the seed item, in the root');

      const r = await caps.trash!.restore([item!.id]);
      assert.deepStrictEqual(r, { succeeded: [item!.id], failed: [] });
      assert.strictEqual(text((await fs.read(`${dir}/草稿 #1.txt`)).data), 'draft content');
      assert.ok(!(await binItems()).some((t) => t.id === item!.id));
    });

    it('pages go on with the cursor', async () => {
      const dir = fresh('binpages');
      for (const f of ['a', 'b', 'c']) {
        await write(`${dir}/${f}.txt`, f);
        await fs.delete(`${dir}/${f}.txt`, { permanent: false });
      }
      const first = await caps.trash!.list(undefined, { pageSize: 2 });
      assert.strictEqual(first.items.length, 2);
      assert.ok(first.next);
      const second = await caps.trash!.list(first.next, { pageSize: 2 });
      assert.ok(!second.items.some((t) => first.items.some((f) => f.id === t.id)));
    });

    it('restore with an id that is not in the bin: it fails alone and is never sent, the others are restored', async () => {
      const dir = fresh('binmix');
      await write(`${dir}/one.txt`, '1');
      await write(`${dir}/two.txt`, '2');
      await fs.delete(`${dir}/one.txt`, { permanent: false });
      await fs.delete(`${dir}/two.txt`, { permanent: false });
      const mark = sb.control.requestCount;
      const seen: Array<[number, number]> = [];
      const r = await caps.trash!.restore([`${dir}/one.txt`, 'no/such file.txt', `${dir}/two.txt`], { onProgress: (d, t) => seen.push([d, t]) });
      assert.deepStrictEqual(r.succeeded, [`${dir}/one.txt`, `${dir}/two.txt`]);
      assert.deepStrictEqual(r.failed.map((f) => f.id), ['no/such file.txt']);
      assert.ok(r.failed[0].error instanceof NotFoundError, String(r.failed[0].error));
      assert.strictEqual(calls(mark, 'recover').length, 1, 'one recover call for the items in the bin');
      assert.deepStrictEqual(seen[seen.length - 1], [3, 3]);
      assert.strictEqual(sb.control.readFile(`${dir}/one.txt`)?.toString(), '1');
      assert.strictEqual(sb.control.readFile(`${dir}/two.txt`)?.toString(), '2');
    });

    it('a failing recover call fails every item it carried; they stay in the bin', async () => {
      const dir = fresh('binfail');
      await write(`${dir}/x.txt`, 'x');
      await write(`${dir}/y.txt`, 'y');
      await fs.delete(`${dir}/x.txt`, { permanent: false });
      await fs.delete(`${dir}/y.txt`, { permanent: false });
      sb.control.failNext(10, { status: 500, pathIncludes: '/file/recover' });
      const r = await caps.trash!.restore([`${dir}/x.txt`, `${dir}/y.txt`]);
      assert.deepStrictEqual(r.succeeded, []);
      assert.deepStrictEqual(r.failed.map((f) => f.id), [`${dir}/x.txt`, `${dir}/y.txt`]);
      assert.ok(r.failed.every((f) => f.error instanceof ServerError), String(r.failed[0].error));
      assert.ok(sb.control.isInRecycleBin(`${dir}/x.txt`) && sb.control.isInRecycleBin(`${dir}/y.txt`));
    });

    it('purge deletes for good; a stale id whose path holds a live file fails and the live file is untouched', async () => {
      const dir = fresh('purge');
      await write(`${dir}/gone.txt`, 'gone');
      await fs.delete(`${dir}/gone.txt`, { permanent: false });
      await write(`${dir}/live.txt`, 'still here');
      const mark = sb.control.requestCount;
      const r = await caps.trash!.purge([`${dir}/gone.txt`, `${dir}/live.txt`]);
      assert.deepStrictEqual(r.succeeded, [`${dir}/gone.txt`]);
      assert.deepStrictEqual(r.failed.map((f) => [f.id, (f.error as NotFoundError).kind]), [[`${dir}/live.txt`, 'NotFound']]);
      assert.strictEqual(calls(mark, 'del_completely').length, 1);
      assert.ok(!sb.control.isInRecycleBin(`${dir}/gone.txt`) && !sb.control.exists(`${dir}/gone.txt`));
      assert.ok(!(await binItems()).some((t) => t.id === `${dir}/gone.txt`));
      assert.strictEqual(sb.control.readFile(`${dir}/live.txt`)?.toString(), 'still here');
    });
  });

  // ------------------------------------------------------------------ versions

  describe('versions', () => {
    it('two writes give two versions newest first; the old one reads back; restore makes it current as a new version', async () => {
      const p = `${fresh('ver')}/v.txt`;
      await write(p, 'one');
      await write(p, 'two');
      const versions = await caps.versions!.list(p);
      assert.deepStrictEqual(versions.map((v) => [v.id, v.size]), [[sha1('two'), 3], [sha1('one'), 3]]);
      assert.ok(versions[0].mtime >= versions[1].mtime && versions[1].mtime > 0);
      assert.ok(versions.every((v) => v.by && v.action), JSON.stringify(versions));
      assert.strictEqual(text(await caps.versions!.read(p, sha1('one'))), 'one');

      const entry = await caps.versions!.restore(p, sha1('one'));
      assert.deepStrictEqual([entry.path, entry.version], [p, sha1('one')]);
      assert.strictEqual(sb.control.readFile(p)?.toString(), 'one');
      assert.deepStrictEqual((await caps.versions!.list(p)).map((v) => v.id), [sha1('one'), sha1('two'), sha1('one')], 'nothing in between is lost');
    });

    it('an unknown version is NotFound; a folder has no versions', async () => {
      const dir = fresh('ver');
      await write(`${dir}/a.txt`, 'a');
      await assert.rejects(caps.versions!.read(`${dir}/a.txt`, sha1('never stored')), NotFoundError);
      await assert.rejects(caps.versions!.list(dir), InvalidInputError);
    });
  });

  // ------------------------------------------------------------------ links

  describe('links', () => {
    it('share, then linksOf lists it (1 request) with expiry; the URL opens with the access; stop closes it', async () => {
      const p = `${fresh('link')}/shared.txt`;
      await write(p, 'shared');
      const before = Date.now();
      const link = await caps.links!.share(p, { access: 'download', days: 3, folder: false });
      assert.deepStrictEqual([link.access, link.hasPassword, link.path, link.name], ['download', false, p, 'shared.txt']);
      const mark = sb.control.requestCount;
      const listed = await caps.links!.linksOf(p);
      assert.strictEqual(sb.control.requestsSince(mark).length, 1, 'one request');
      assert.deepStrictEqual(listed.map((l) => [l.url, l.hasPassword, l.path]), [[link.url, false, p]]);
      const expires = listed[0].expires!;
      assert.ok(expires >= Math.floor(before / 1000) * 1000 + 3 * DAY_MS && expires <= Date.now() + 3 * DAY_MS, String(expires));
      assert.strictEqual(link.expires, expires);

      const page = await nodeFetch(link.url);
      assert.strictEqual(page.status, 200);
      assert.match(await page.text(), /download/, 'the link allows download');
      assert.deepStrictEqual(await caps.links!.linksOf(`${p}.other`), [], 'only the links of that item');

      await caps.links!.stop(p);
      assert.deepStrictEqual(await caps.links!.linksOf(p), []);
      assert.strictEqual((await nodeFetch(link.url)).status, 404);
    });

    it('a password link that never expires refuses without the password; a folder gets a folder link; all lists them', async () => {
      const dir = fresh('linkpw');
      await write(`${dir}/secret.txt`, 's');
      const link = await caps.links!.share(`${dir}/secret.txt`, { access: 'preview', days: 0, password: 'pw-9182', folder: false });
      assert.strictEqual(link.expires, undefined);
      const [listed] = await caps.links!.linksOf(`${dir}/secret.txt`);
      assert.deepStrictEqual([listed.hasPassword, listed.expires], [true, undefined]);
      assert.strictEqual((await nodeFetch(link.url)).status, 403);
      const opened = await nodeFetch(`${link.url}?password=pw-9182`);
      assert.strictEqual(opened.status, 200);
      assert.match(await opened.text(), /preview/);

      const folderLink = await caps.links!.share(dir, { access: 'upload', days: 1, folder: true });
      assert.strictEqual((await nodeFetch(folderLink.url)).status, 200);
      const all = await caps.links!.all!();
      assert.ok(all.some((l) => l.url === link.url && l.path === `${dir}/secret.txt` && l.name === 'secret.txt'));
      assert.ok(all.some((l) => l.url === folderLink.url && l.path === dir));
      // The list of links does not say what a link allows.
      assert.ok(all.every((l) => l.access === undefined));
    });

    it('refuses what Gokuai links cannot do before sending anything', async () => {
      const mark = sb.control.requestCount;
      await assert.rejects(caps.links!.share('README.md', { access: 'write', days: 1, folder: false }), InvalidInputError);
      await assert.rejects(caps.links!.share('README.md', { access: 'preview', days: -1, folder: false }), InvalidInputError);
      await assert.rejects(caps.links!.share('', { access: 'preview', days: 1, folder: true }), InvalidInputError);
      assert.strictEqual(sb.control.requestsSince(mark).length, 0);
      assert.strictEqual(GOKUAI_SHARE_SPEC.single, false);
    });
  });

  // ------------------------------------------------------------------ search, locks, tags, web

  describe('search', () => {
    it('finds by name, by content and by tag, and not in a scope that does not match', async () => {
      const dir = fresh('search');
      await write(`${dir}/独特名字 zq7.txt`, 'body with needle-41x inside');
      await caps.tags!.add(`${dir}/独特名字 zq7.txt`, ['标签-k9']);
      const paths = async (keyword: string, scopes: Array<'name' | 'tag' | 'content'>) =>
        (await caps.search!.search(keyword, scopes)).map((e) => e.path);
      const hit = [`${dir}/独特名字 zq7.txt`];
      assert.deepStrictEqual(await paths('独特名字 zq7', ['name']), hit);
      assert.deepStrictEqual(await paths('needle-41x', ['name', 'tag']), []);
      assert.deepStrictEqual(await paths('needle-41x', ['content']), hit);
      assert.deepStrictEqual(await paths('标签-k9', ['tag']), hit);
      assert.deepStrictEqual(await paths('标签-k9', ['name', 'content']), []);
      const mark = sb.control.requestCount;
      const [e] = await caps.search!.search('zq7', ['name', 'tag', 'content']);
      assert.strictEqual(calls(mark, 'search').length, 1, 'all scopes in one request');
      assert.deepStrictEqual([e.type, e.size, e.tags, !!e.id], ['file', 27, ['标签-k9'], true]);
      await assert.rejects(caps.search!.search('  ', ['name']), InvalidInputError);
      await assert.rejects(caps.search!.search('x', []), InvalidInputError);
    });
  });

  describe('locks', () => {
    it('a lock shows in stat and keeps others out; a lock held by someone else makes a write fail until unlock', async () => {
      const p = `${fresh('lock')}/l.txt`;
      await write(p, 'mine');
      await caps.locks!.lock(p);
      assert.strictEqual((await fs.stat(p)).locked, true);
      assert.throws(() => sb.control.writeFile(p, 'colleague', 'Colleague'), /lock/i);
      await caps.locks!.unlock(p);
      assert.strictEqual((await fs.stat(p)).locked, undefined);

      sb.control.lockFile(p, 'Colleague');
      await assert.rejects(fs.write(p, Buffer.from('blocked'), { create: false, overwrite: true }), LockedError);
      await assert.rejects(caps.locks!.lock(p), LockedError);
      await caps.locks!.unlock(p);
      await fs.write(p, Buffer.from('after unlock'), { create: false, overwrite: true });
      assert.strictEqual(sb.control.readFile(p)?.toString(), 'after unlock');
    });
  });

  describe('tags', () => {
    it('added tags show in stat(); removed ones go; empty or ";" tags are refused', async () => {
      const p = `${fresh('tags')}/t.txt`;
      await write(p, 't');
      await caps.tags!.add(p, ['红色', 'blue', ' blue ']);
      assert.deepStrictEqual((await fs.stat(p)).tags?.slice().sort(), ['blue', '红色']);
      await caps.tags!.remove(p, ['blue']);
      assert.deepStrictEqual((await fs.stat(p)).tags, ['红色']);
      await assert.rejects(caps.tags!.add(p, [' ']), InvalidInputError);
      await assert.rejects(caps.tags!.add(p, ['a;b']), InvalidInputError);
      assert.deepStrictEqual((await fs.stat(p)).tags, ['红色']);
    });
  });

  describe('web', () => {
    it('the preview page of a file opens over HTTP', async () => {
      const p = `${fresh('web')}/page.txt`;
      await write(p, 'preview me');
      const res = await nodeFetch(await caps.web!.url(p));
      assert.strictEqual(res.status, 200);
      assert.match(await res.text(), /preview me/);
    });
  });
});
