/**
 * The capabilities of the two Kingsoft Docs spaces (src/vendors/kdocs/capabilities.ts) over the real client,
 * KdocsOperations and KdocsRemoteFs against the kdocs sandbox over HTTP: what a caller of each capability sees, and
 * what the server holds afterwards.
 */
import * as assert from 'assert';
import nodeFetch from 'node-fetch';
import { capabilityNames, type Capabilities } from '../../src/core/capabilities';
import { ConflictError, InvalidInputError, NotFoundError, ServerError } from '../../src/core/errors';
import { collectPages } from '../../src/core/paging';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import { kdocsCapabilities, KDOCS_SHARE_SPEC } from '../../src/vendors/kdocs/capabilities';
import type { KdocsClient } from '../../src/vendors/kdocs/client';
import { KD_BLANK_TYPES, KdocsOperations, type KdSpaceName } from '../../src/vendors/kdocs/operations';
import { appSpace, KdocsRemoteFs, personalSpace } from '../../src/vendors/kdocs/remotefs';
import { tokenPath } from '../../src/vendors/kdocs/tokenpath';
import { memoryLogger } from '../unit/support';
import { signedInStores } from './kdocs-support';

const DAY_MS = 86_400_000;

describe('Kingsoft Docs capabilities against the sandbox', function () {
  this.timeout(30_000);
  let sb: KdocsSandbox;
  let client: KdocsClient;
  let ops: KdocsOperations;
  let personal: KdocsRemoteFs;
  let app: KdocsRemoteFs;
  let caps: Record<KdSpaceName, Capabilities>;
  const logger = memoryLogger();

  before(async () => {
    sb = await startKdocsSandbox();
    ({ client, personal, app, ops } = await signedInStores(sb, logger));
    caps = { personal: kdocsCapabilities(ops, 'personal'), appspace: kdocsCapabilities(ops, 'appspace') };
  });
  after(() => sb.close());
  afterEach(() => {
    sb.control.resetMisbehaviour();
    sb.control.setTaskSteps(3);
  });

  let n = 0;
  /** A fresh folder path in `space` holding `files` (name -> content), created as another user would. */
  function folderWith(space: KdSpaceName, files: Record<string, string>, under = ''): string {
    const dir = `${under ? `${under}/` : ''}cap ${++n}`;
    for (const [name, content] of Object.entries(files)) sb.control.writeFile(space, `${dir}/${name}`, content);
    return dir;
  }
  const fsOf = (space: KdSpaceName) => (space === 'personal' ? personal : app);
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const names = async (space: KdSpaceName, dir: string) => (await fsOf(space).listAll(dir)).map((e) => e.name).sort();
  /** Requests since `mark` of `method` whose path ends in `suffix`. */
  const calls = (mark: number, method: string, suffix: string) =>
    sb.control.requestsSince(mark).filter((q) => q.method === method && q.path.endsWith(suffix));

  it('personal files and the app space declare the capabilities their APIs have', () => {
    assert.deepStrictEqual(capabilityNames(caps.personal), ['write', 'trash', 'links', 'collaborators', 'search', 'documents', 'web', 'copies', 'batch', 'convert', 'scripts']);
    assert.deepStrictEqual(capabilityNames(caps.appspace), ['write', 'trash', 'versions', 'documents', 'web', 'batch', 'convert', 'previews', 'chat']);
    assert.deepStrictEqual([caps.personal.trash!.kind, caps.appspace.trash!.kind], ['recycleBin', 'trash']);
    assert.deepStrictEqual(caps.personal.links!.spec, { expiry: { days: [0, 7, 30] }, access: ['read', 'comment', 'write'], password: false, single: true });
    assert.strictEqual(caps.personal.links!.all, undefined, 'the API cannot list every link');
    assert.deepStrictEqual(caps.personal.collaborators!.permissions, ['read', 'write']);
    assert.deepStrictEqual([caps.personal.search!.scopes, caps.personal.search!.oneScopeAtATime], [['name', 'content'], true]);
    assert.deepStrictEqual([caps.personal.documents!.importFrom, caps.appspace.documents!.importFrom], ['cloud', 'any']);
    assert.deepStrictEqual(caps.appspace.documents!.types, KD_BLANK_TYPES);
    assert.strictEqual(KDOCS_SHARE_SPEC.single, true);
  });

  // ------------------------------------------------------------------ recycle bins

  for (const space of ['personal', 'appspace'] as const) {
    describe(`${space} trash`, () => {
      const bin = () => collectPages((c) => caps[space].trash!.list(c, { pageSize: 3 }));

      it('a file deleted through the RemoteFs is listed with name, folder, size and time; restore brings its content back', async () => {
        const dir = folderWith(space, { '草稿 #1.txt': 'draft content', 'keep.txt': 'k' });
        const { id } = await fsOf(space).stat(`${dir}/草稿 #1.txt`);
        const before = Math.floor(Date.now() / 1000) * 1000;
        await fsOf(space).delete(`${dir}/草稿 #1.txt`, { permanent: false });
        const item = (await bin()).find((t) => t.id === id)!;
        assert.ok(item, 'listed by its file token');
        assert.deepStrictEqual([item.name, item.type, item.folder, item.size], ['草稿 #1.txt', 'file', dir, 13]);
        assert.ok(item.deletedAt! >= before && item.deletedAt! <= Date.now(), String(item.deletedAt));

        assert.deepStrictEqual(await caps[space].trash!.restore([id]), { succeeded: [id], failed: [] });
        assert.strictEqual(text((await fsOf(space).read(`${dir}/草稿 #1.txt`)).data), 'draft content');
        assert.ok(!(await bin()).some((t) => t.id === id));
      });

      it('restore and purge report per item: an unknown id fails alone; purged items are gone for good', async () => {
        const dir = folderWith(space, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
        const ids = await Promise.all(['a.txt', 'b.txt', 'c.txt'].map(async (f) => (await fsOf(space).stat(`${dir}/${f}`)).id));
        for (const f of ['a.txt', 'b.txt', 'c.txt']) await fsOf(space).delete(`${dir}/${f}`, { permanent: false });
        const restored = await caps[space].trash!.restore([ids[0], 'no-such-token']);
        assert.deepStrictEqual(restored.succeeded, [ids[0]]);
        assert.deepStrictEqual(restored.failed.map((f) => f.id), ['no-such-token']);
        assert.ok(restored.failed[0].error instanceof NotFoundError, String(restored.failed[0].error));
        assert.deepStrictEqual(await names(space, dir), ['a.txt']);

        const seen: number[] = [];
        const purged = await caps[space].trash!.purge([ids[1], ids[2]], { onProgress: (d) => seen.push(d) });
        assert.deepStrictEqual(purged, { succeeded: [ids[1], ids[2]], failed: [] });
        assert.strictEqual(seen[seen.length - 1], 2);
        assert.ok(!(await bin()).some((t) => ids.includes(t.id)));
        assert.ok(!sb.control.isInTrash(space, `${dir}/b.txt`) && !sb.control.exists(space, `${dir}/b.txt`));
      });
    });
  }

  it('a bin item from a folder this RemoteFs never saw has no folder; one from the root has folder ""', async () => {
    const dir = folderWith('appspace', { 'unseen.txt': 'u' });
    sb.control.writeFile('appspace', 'cap-root-item.txt', 'r');
    const tokens = [sb.control.tokenOf('appspace', `${dir}/unseen.txt`)!, sb.control.tokenOf('appspace', 'cap-root-item.txt')!];
    for (const t of tokens) await client.appTrash(t);
    const fresh = kdocsCapabilities(new KdocsOperations(client, { personal, appspace: new KdocsRemoteFs(client, appSpace(client)) }), 'appspace');
    const items = (await collectPages((c) => fresh.trash!.list(c))).filter((t) => tokens.includes(t.id));
    assert.deepStrictEqual(items.map((t) => [t.name, t.folder]).sort(), [['cap-root-item.txt', ''], ['unseen.txt', undefined]]);
  });

  // ------------------------------------------------------------------ versions

  describe('versions (app space)', () => {
    it('two writes give two versions newest first; the old one reads back; restore makes it current as a new version', async () => {
      const dir = folderWith('appspace', {});
      await app.mkdir(dir);
      const p = `${dir}/v.txt`;
      await app.write(p, Buffer.from('one'), { create: true, overwrite: false });
      await app.write(p, Buffer.from('two!'), { create: false, overwrite: true });
      const versions = await caps.appspace.versions!.list(p);
      assert.deepStrictEqual(versions.map((v) => [v.id, v.label, v.size]), [['2', '2', 4], ['1', '1', 3]]);
      assert.ok(versions[0].mtime >= versions[1].mtime && versions[1].mtime > 0);
      assert.strictEqual(text(await caps.appspace.versions!.read(p, '1')), 'one');

      const entry = await caps.appspace.versions!.restore(p, '1');
      assert.deepStrictEqual([entry.path, entry.version], [p, '3']);
      assert.strictEqual(sb.control.readFile('appspace', p)?.toString(), 'one');
      assert.deepStrictEqual((await caps.appspace.versions!.list(p)).map((v) => v.id), ['3', '2', '1'], 'nothing in between is lost');
      await assert.rejects(caps.appspace.versions!.read(p, '9'), NotFoundError);
      await assert.rejects(caps.appspace.versions!.read(p, 'latest'), InvalidInputError);
    });

    it('the whole history is listed, page after page', async () => {
      const dir = folderWith('appspace', { 'many.txt': '0' });
      for (let i = 1; i <= 11; i++) sb.control.writeFile('appspace', `${dir}/many.txt`, String(i));
      const ids = (await caps.appspace.versions!.list(`${dir}/many.txt`)).map((v) => v.id);
      assert.deepStrictEqual(ids, Array.from({ length: 12 }, (_, i) => String(12 - i)));
    });
  });

  // ------------------------------------------------------------------ links and collaborators

  describe('links (personal)', () => {
    it('share, then linksOf lists it with access and expiry; the URL opens; sharing again changes the one link; stop closes it', async () => {
      const p = `${folderWith('personal', { 'shared.docx': 's' })}/shared.docx`;
      const links = caps.personal.links!;
      assert.deepStrictEqual(await links.linksOf(p), []);
      const before = Date.now();
      const link = await links.share(p, { access: 'comment', days: 7, folder: false });
      assert.deepStrictEqual([link.access, link.path, link.name], ['comment', p, 'shared.docx']);
      const mark = sb.control.requestCount;
      const listed = await links.linksOf(p);
      assert.strictEqual(calls(mark, 'GET', '/links').length, 1, 'one request for the link');
      assert.deepStrictEqual(listed.map((l) => [l.url, l.access]), [[link.url, 'comment']]);
      const expires = listed[0].expires!;
      assert.ok(expires >= Math.floor(before / 1000) * 1000 + 7 * DAY_MS && expires <= Date.now() + 7 * DAY_MS, String(expires));
      assert.strictEqual((await nodeFetch(link.url)).status, 200);

      const changed = await links.share(p, { access: 'write', days: 0, folder: false });
      assert.deepStrictEqual([changed.url, changed.access, changed.expires], [link.url, 'write', undefined], 'one link per file');
      assert.deepStrictEqual((await links.linksOf(p)).map((l) => [l.access, l.expires]), [['write', undefined]]);
      await links.share(p, { access: 'read', days: 30, folder: false });
      assert.deepStrictEqual((await links.linksOf(p)).map((l) => l.access), ['read']);

      await links.stop(p);
      assert.deepStrictEqual(await links.linksOf(p), []);
      assert.strictEqual((await nodeFetch(link.url)).status, 404);
      await links.stop(p); // nothing left to stop
      await assert.rejects(links.stop(`${p}.gone`), NotFoundError);
    });

    it('refuses what the links cannot do before sending anything: a password, other periods, other access', async () => {
      const links = caps.personal.links!;
      const mark = sb.control.requestCount;
      await assert.rejects(links.share('x.docx', { access: 'read', days: 7, password: 'pw', folder: false }), InvalidInputError);
      await assert.rejects(links.share('x.docx', { access: 'read', days: 3, folder: false }), InvalidInputError);
      await assert.rejects(links.share('x.docx', { access: 'download', days: 7, folder: false }), InvalidInputError);
      assert.strictEqual(sb.control.requestsSince(mark).length, 0);
    });
  });

  describe('collaborators (personal)', () => {
    it('add, change and remove collaborators of a shared file; a file without a link has none and refuses new ones', async () => {
      const p = `${folderWith('personal', { 'team.docx': 't' })}/team.docx`;
      const co = caps.personal.collaborators!;
      assert.deepStrictEqual(await co.list(p), []);
      await assert.rejects(co.add(p, ['u-1'], 'read'), (e: unknown) => e instanceof InvalidInputError && /share link/.test(e.message));
      assert.deepStrictEqual(await caps.personal.links!.linksOf(p), [], 'no link was created by the refused add');

      await caps.personal.links!.share(p, { access: 'read', days: 0, folder: false });
      await co.add(p, ['u-1', 'u-2'], 'read');
      assert.deepStrictEqual(await co.list(p), [{ userId: 'u-1', permission: 'read' }, { userId: 'u-2', permission: 'read' }]);
      await co.change(p, 'u-2', 'write');
      await co.remove(p, 'u-1');
      assert.deepStrictEqual(await co.list(p), [{ userId: 'u-2', permission: 'write' }]);
      await assert.rejects(co.change(p, 'u-unknown', 'read'), NotFoundError);
      await assert.rejects(co.add(p, ['u-3'], 'admin'), InvalidInputError);

      await caps.personal.links!.stop(p);
      assert.deepStrictEqual(await co.list(p), []);
      await assert.rejects(co.change(p, 'u-2', 'read'), (e: unknown) => e instanceof InvalidInputError && /share link/.test(e.message));
    });
  });

  // ------------------------------------------------------------------ search

  describe('search (personal)', () => {
    it('finds by name and by content, not the other way round; two scopes are two requests, merged without duplicates', async () => {
      // The service searches the app's folder.
      folderWith('personal', {
        '独特名字 q7.txt': 'a zebra-913 inside', 'zebra-913 notes.txt': 'nothing', 'zebra-913 both.txt': 'zebra-913 here too',
      }, sb.appFolderPath);
      const search = caps.personal.search!;
      const namesOf = async (keyword: string, scopes: Array<'name' | 'content'>) => (await search.search(keyword, scopes)).map((e) => e.name).sort();
      assert.deepStrictEqual(await namesOf('独特名字 q7', ['name']), ['独特名字 q7.txt']);
      assert.deepStrictEqual(await namesOf('a zebra-913 inside', ['name']), []);
      assert.deepStrictEqual(await namesOf('a zebra-913 inside', ['content']), ['独特名字 q7.txt']);
      const mark = sb.control.requestCount;
      const both = await search.search('zebra-913', ['name', 'content']);
      assert.deepStrictEqual(both.map((e) => e.name).sort(), ['zebra-913 both.txt', 'zebra-913 notes.txt', '独特名字 q7.txt'], 'found by both: listed once');
      assert.strictEqual(calls(mark, 'GET', '/search/name').length + calls(mark, 'GET', '/search/content').length, 2);
      assert.deepStrictEqual((await search.search('zebra-913', ['content', 'name'], { limit: 2 })).map((e) => e.name).sort(), ['zebra-913 both.txt', '独特名字 q7.txt'], 'content first, at most `limit`');
      const hit = both.find((e) => e.name === '独特名字 q7.txt')!;
      assert.strictEqual(hit.path, tokenPath(hit.id, hit.name));
      assert.strictEqual(text((await personal.read(hit.path)).data), 'a zebra-913 inside');
      await assert.rejects(search.search('zebra-913', ['tag']), InvalidInputError);
      await assert.rejects(search.search(' ', ['name']), InvalidInputError);
    });
  });

  // ------------------------------------------------------------------ documents, web

  for (const space of ['personal', 'appspace'] as const) {
    describe(`${space} documents and web`, () => {
      it('creates a blank document of a type and gives a URL that opens', async () => {
        const dir = folderWith(space, { 'keep.txt': 'k' });
        const docs = caps[space].documents!;
        const made = await docs.create(dir, '新文档.docx');
        assert.strictEqual(made.entry.path, `${dir}/新文档.docx`);
        assert.strictEqual((await nodeFetch(made.url!)).status, 200);
        const online = await docs.create(dir, '表格.ksheet');
        assert.strictEqual(online.entry.kind, 'online-doc');
        assert.deepStrictEqual(await names(space, dir), ['keep.txt', '新文档.docx', '表格.ksheet']);
        await assert.rejects(docs.create(dir, 'notes.txt'), InvalidInputError);
      });

      it('when the edit URL cannot be had the document is still created, with the reason', async () => {
        const dir = folderWith(space, { 'keep.txt': 'k' });
        sb.control.failNext(10, { status: 500, pathIncludes: '/url/with_edit_token' });
        const made = await caps[space].documents!.create(dir, '无链接.docx');
        assert.strictEqual(made.url, undefined);
        assert.ok(made.urlError instanceof ServerError, String(made.urlError));
        assert.ok(sb.control.exists(space, `${dir}/无链接.docx`));
      });

      it('imports a file from a sandbox download URL', async () => {
        const src = folderWith(space, { 'source.txt': 'imported bytes' });
        const token = sb.control.tokenOf(space, `${src}/source.txt`)!;
        const url = (space === 'personal' ? await client.personalDownloadUrl(token) : await client.appDownloadUrl(token)).url;
        const dir = folderWith(space, { 'keep.txt': 'k' });
        const e = await caps[space].documents!.importUrl!(dir, url, '导入.txt');
        assert.strictEqual(e.path, `${dir}/导入.txt`);
        assert.strictEqual(sb.control.readFile(space, `${dir}/导入.txt`)?.toString(), 'imported bytes');
      });

      it('web: the edit page of a file opens over HTTP', async () => {
        const dir = folderWith(space, { 'page.txt': 'show me' });
        const res = await nodeFetch(await caps[space].web!.url(`${dir}/page.txt`));
        assert.strictEqual(res.status, 200);
        assert.match(await res.text(), /show me/);
      });
    });
  }

  // ------------------------------------------------------------------ copies

  describe('copies (personal)', () => {
    it('saveAsNew stores a numbered file next to the original; replace takes the name and trashes the original', async () => {
      const dir = folderWith('personal', { 'p.txt': 'original', 'p (1).txt': 'taken' });
      const copies = caps.personal.copies!;
      const saved = await copies.saveAsNew(`${dir}/p.txt`, Buffer.from('as new'));
      assert.deepStrictEqual([saved.entry.path, saved.elsewhere], [`${dir}/p (2).txt`, false]);
      assert.strictEqual(sb.control.readFile('personal', `${dir}/p.txt`)?.toString(), 'original');

      const { entry } = await personal.read(`${dir}/p.txt`);
      const replaced = await copies.replace(`${dir}/p.txt`, Buffer.from('replaced'), { expectedVersion: entry.version });
      assert.strictEqual(replaced.path, `${dir}/p.txt`);
      assert.notStrictEqual(replaced.id, entry.id);
      assert.strictEqual(sb.control.readFile('personal', `${dir}/p.txt`)?.toString(), 'replaced');
      assert.ok(sb.control.isInTrash('personal', `${dir}/p.txt`));
    });

    it('replace of a file that changed meanwhile: ConflictError and nothing uploaded', async () => {
      const dir = folderWith('personal', { 'c.txt': 'v1' });
      const { entry } = await personal.read(`${dir}/c.txt`);
      sb.control.writeFile('personal', `${dir}/c.txt`, 'changed by a colleague!');
      await assert.rejects(caps.personal.copies!.replace(`${dir}/c.txt`, Buffer.from('mine'), { expectedVersion: entry.version }), ConflictError);
      assert.deepStrictEqual(await names('personal', dir), ['c.txt']);
      assert.strictEqual(sb.control.readFile('personal', `${dir}/c.txt`)?.toString(), 'changed by a colleague!');
    });

    it('saveAsNew next to an item whose folder the service does not tell goes to the root and says elsewhere', async () => {
      const dir = folderWith('personal', { 'lost.txt': 'original' });
      const t = sb.control.tokenOf('personal', `${dir}/lost.txt`)!;
      // 100 newer files push it off the first page of "recent"; it is not starred and not in the app folder.
      const newer = folderWith('personal', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}.txt`, 'n'])));
      try {
        const freshFs = new KdocsRemoteFs(client, personalSpace(client));
        const fresh = kdocsCapabilities(new KdocsOperations(client, { personal: freshFs, appspace: app }), 'personal');
        const saved = await fresh.copies!.saveAsNew(tokenPath(t, 'lost.txt'), Buffer.from('in my documents'));
        assert.deepStrictEqual([saved.entry.path, saved.elsewhere], ['lost.txt', true]);
        assert.strictEqual(sb.control.readFile('personal', 'lost.txt')?.toString(), 'in my documents');
        assert.strictEqual(sb.control.readFile('personal', `${dir}/lost.txt`)?.toString(), 'original');
      } finally {
        await client.personalTrash(sb.control.tokenOf('personal', newer)!);
      }
    });
  });

  // ------------------------------------------------------------------ batches

  describe('batch', () => {
    for (const space of ['personal', 'appspace'] as const) {
      it(`${space}: copy and move many with per-item results; a file the task fails is reported with its reason`, async () => {
        const dir = folderWith(space, { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
        await fsOf(space).mkdir(`${dir}/to`);
        const sources = ['a.txt', 'b.txt', 'c.txt'].map((f) => `${dir}/${f}`);
        sb.control.failTaskItem(space, sources[1], 'file is being edited by 同事');
        const copied = await caps[space].batch!.copy(sources, `${dir}/to`);
        assert.deepStrictEqual(copied.succeeded, [sources[0], sources[2]]);
        assert.deepStrictEqual(copied.failed.map((f) => f.id), [sources[1]]);
        assert.match(String(copied.failed[0].error), /being edited by 同事/);
        assert.deepStrictEqual(await names(space, `${dir}/to`), ['a.txt', 'c.txt']);

        const moved = await caps[space].batch!.move([sources[1], `${dir}/missing.txt`], `${dir}/to`);
        assert.deepStrictEqual(moved.succeeded, [sources[1]]);
        assert.deepStrictEqual(moved.failed.map((f) => [f.id, (f.error as NotFoundError).kind]), [[`${dir}/missing.txt`, 'NotFound']]);
        assert.deepStrictEqual(await names(space, `${dir}/to`), ['a.txt', 'b.txt', 'c.txt']);
      });

      it(`${space}: delete many to the bin or for good, per item`, async () => {
        const dir = folderWith(space, { 'x.txt': 'x', 'y.txt': 'y', 'z.txt': 'z' });
        const trashed = await caps[space].batch!.delete([`${dir}/x.txt`, `${dir}/nope.txt`], { permanent: false });
        assert.deepStrictEqual(trashed.succeeded, [`${dir}/x.txt`]);
        assert.deepStrictEqual(trashed.failed.map((f) => f.id), [`${dir}/nope.txt`]);
        assert.ok(sb.control.isInTrash(space, `${dir}/x.txt`));
        const gone = await caps[space].batch!.delete([`${dir}/y.txt`, `${dir}/z.txt`], { permanent: true });
        assert.deepStrictEqual(gone, { succeeded: [`${dir}/y.txt`, `${dir}/z.txt`], failed: [] });
        assert.ok(!sb.control.isInTrash(space, `${dir}/y.txt`) && !sb.control.exists(space, `${dir}/y.txt`));
        assert.deepStrictEqual(await names(space, dir), []);
      });
    }
  });
});
