/**
 * The kdocs vendor-level composites (operations.ts) and token paths (tokenpath.ts, KdocsRemoteFs) against the real
 * kdocs sandbox over HTTP (127.0.0.1, port 0).
 */
import * as assert from 'assert';
import nodeFetch from 'node-fetch';
import {
  AlreadyExistsError, CancelledError, ForbiddenError, InvalidInputError, NotFoundError, RateLimitedError, ServerError,
} from '../../src/core/errors';
import { startKdocsSandbox, type KdocsSandbox } from '../../src/sandbox';
import type { KdocsClient } from '../../src/vendors/kdocs/client';
import { KD_BLANK_TYPES, KdocsOperations, type KdSpaceName } from '../../src/vendors/kdocs/operations';
import { FolderUnknownError, KdocsRemoteFs, personalSpace } from '../../src/vendors/kdocs/remotefs';
import { tokenPath } from '../../src/vendors/kdocs/tokenpath';
import { memoryLogger } from '../unit/support';
import { signedInStores } from './kdocs-support';

const SHARED_BY_OTHER = '部门通讯录.txt';
const WEEKLY = '工作周报.docx';
const REPORT = '报告/季度报告 Q1.md';

describe('Kingsoft Docs operations against the sandbox', function () {
  this.timeout(30_000);
  let sb: KdocsSandbox;
  let client: KdocsClient;
  let ops: KdocsOperations;
  let personal: KdocsRemoteFs;
  let app: KdocsRemoteFs;
  const logger = memoryLogger();

  before(async () => {
    sb = await startKdocsSandbox();
    ({ client, personal, app, ops } = await signedInStores(sb, logger));
  });
  after(() => sb.close());
  afterEach(() => {
    sb.control.resetMisbehaviour();
    sb.control.resetQuotas();
    sb.control.setTaskSteps(3);
  });

  let n = 0;
  /** A fresh folder path with the given files (name -> content) in `space`. */
  function folderWith(space: KdSpaceName, files: Record<string, string>): string {
    const dir = `ops ${++n} ${Date.now()}`;
    for (const [name, content] of Object.entries(files)) sb.control.writeFile(space, `${dir}/${name}`, content);
    return dir;
  }
  const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
  const names = async (fs: KdocsRemoteFs, dir: string) => (await fs.listAll(dir)).map((e) => e.name).sort();

  // ------------------------------------------------------------------ token paths

  describe('token paths and path-less sections', () => {
    it('recent items get token paths that read, stat and resolve like plain paths (a file shared by someone else too)', async () => {
      const recent = await ops.section('recent', undefined, { pageSize: 500 });
      const shared = recent.items.find((e) => e.name === SHARED_BY_OTHER)!;
      assert.ok(shared, 'the shared file is in recent');
      assert.strictEqual(shared.path, tokenPath(shared.id, SHARED_BY_OTHER));
      assert.match(shared.path, /^~token\/[^/]+\/部门通讯录\.txt$/);
      assert.match(text((await personal.read(shared.path)).data), /张三/);
      assert.strictEqual((await personal.stat(shared.path)).id, shared.id);
      assert.strictEqual(await personal.tokenOf(shared.path), shared.id);
      // the same item always gets the same path (stable URIs)
      const again = (await ops.section('recent', undefined, { pageSize: 500 })).items.find((e) => e.id === shared.id)!;
      assert.strictEqual(again.path, shared.path);
    });

    it('placeholders ~token and ~token/<t> stat as read-only folders; ~token/<t> lists the item itself', async () => {
      const t = sb.control.tokenOf('personal', WEEKLY)!;
      for (const p of ['~token', `~token/${t}`]) {
        const e = await personal.stat(p);
        assert.deepStrictEqual([e.type, e.readonly, e.id], ['folder', true, ''], p);
      }
      assert.deepStrictEqual((await personal.listAll(`~token/${t}`)).map((e) => e.path), [tokenPath(t, WEEKLY)]);
      assert.deepStrictEqual(await personal.listAll('~token'), []);
      await assert.rejects(personal.write(`~token/${t}/new.txt`, Buffer.from('x'), { create: true, overwrite: false }), InvalidInputError);
      await assert.rejects(personal.tokenOf(''), InvalidInputError);
    });

    it('the name is part of a token path: renamed elsewhere -> NotFound under the old name, found under the new', async () => {
      const dir = folderWith('appspace', { 'before.txt': 'b' });
      const t = sb.control.tokenOf('appspace', `${dir}/before.txt`)!;
      assert.strictEqual(text((await app.read(tokenPath(t, 'before.txt'))).data), 'b');
      await client.appRename(t, { name: 'after.txt' });
      await assert.rejects(app.stat(tokenPath(t, 'before.txt')), NotFoundError);
      assert.strictEqual((await app.stat(tokenPath(t, 'after.txt'))).name, 'after.txt');
    });

    it('app-space files at token paths save in place with conflict detection', async () => {
      const dir = folderWith('appspace', { 'doc.txt': 'one' });
      const p = tokenPath(sb.control.tokenOf('appspace', `${dir}/doc.txt`)!, 'doc.txt');
      const { entry } = await app.read(p);
      const saved = await app.write(p, Buffer.from('two'), { create: false, overwrite: true, expectedVersion: entry.version });
      assert.strictEqual(saved.path, p);
      assert.strictEqual(sb.control.readFile('appspace', `${dir}/doc.txt`)?.toString(), 'two');
      sb.control.writeFile('appspace', `${dir}/doc.txt`, 'theirs');
      await assert.rejects(app.write(p, Buffer.from('mine'), { create: false, overwrite: true, expectedVersion: saved.version }), /changed on the server/);
    });

    it('folders of the app-folder section expand below their token path; new files can be created there', async () => {
      const folder = (await ops.section('appFolder')).items.find((e) => e.name === '数据')!;
      assert.strictEqual(folder.type, 'folder');
      const kids = await personal.listAll(folder.path);
      const csv = kids.find((e) => e.name === '销售 2024.csv')!;
      assert.strictEqual(csv.path, `${folder.path}/销售 2024.csv`);
      assert.match(text((await personal.read(csv.path)).data), /2024-01/);
      await personal.write(`${folder.path}/新建.txt`, Buffer.from('new'), { create: true, overwrite: false });
      assert.strictEqual(sb.control.readFile('personal', `${sb.appFolderPath}/数据/新建.txt`)?.toString(), 'new');
      const copy = await personal.saveAsNew(csv.path, Buffer.from('edited'));
      assert.strictEqual(copy.path, `${folder.path}/销售 2024 (1).csv`);
    });

    it('saveAsNew and replace next to a personal file at a token path put the new file in its real folder', async () => {
      const dir = folderWith('personal', { 'p.txt': 'original' });
      const listed = (await client.personalListFiles({ parent_id: sb.control.tokenOf('personal', dir) })).items[0];
      const p = personal.entryOf(listed).path;
      const copy = await personal.saveAsNew(p, Buffer.from('as new'));
      assert.strictEqual(copy.path, tokenPath(copy.id, 'p (1).txt'));
      assert.strictEqual(sb.control.readFile('personal', `${dir}/p (1).txt`)?.toString(), 'as new');
      const replaced = await personal.replace(p, Buffer.from('replaced'));
      assert.strictEqual(replaced.path, tokenPath(replaced.id, 'p.txt'));
      assert.notStrictEqual(replaced.id, listed.token);
      assert.strictEqual(sb.control.readFile('personal', `${dir}/p.txt`)?.toString(), 'replaced');
      assert.ok(sb.control.isInTrash('personal', `${dir}/p.txt`));
      await assert.rejects(personal.stat(p), NotFoundError, 'the old token path names the trashed original');
    });

    it('after a restart (a fresh RemoteFs that saw no listing), saveAsNew next to a token path finds the folder', async () => {
      const dir = folderWith('personal', { 'r.txt': 'original' });
      const t = sb.control.tokenOf('personal', `${dir}/r.txt`)!;
      const fresh = new KdocsRemoteFs(client, personalSpace(client));
      const copy = await fresh.saveAsNew(tokenPath(t, 'r.txt'), Buffer.from('after restart'));
      assert.strictEqual(copy.path, tokenPath(copy.id, 'r (1).txt'));
      assert.strictEqual(sb.control.readFile('personal', `${dir}/r (1).txt`)?.toString(), 'after restart');
    });

    it('when no listing tells the folder of a token path: FolderUnknownError and nothing saved; `folder` saves elsewhere', async () => {
      const dir = folderWith('personal', { 'lost.txt': 'original' });
      const t = sb.control.tokenOf('personal', `${dir}/lost.txt`)!;
      // 100 newer files push it off the first page of "recent"; it is not starred and not in the app folder.
      const newer = folderWith('personal', Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}.txt`, 'n'])));
      try {
        const fresh = new KdocsRemoteFs(client, personalSpace(client));
        const p = tokenPath(t, 'lost.txt');
        await assert.rejects(fresh.saveAsNew(p, Buffer.from('x')), FolderUnknownError);
        await assert.rejects(fresh.replace(p, Buffer.from('x')), (e: unknown) => e instanceof FolderUnknownError && e.kind === 'Unsupported');
        assert.deepStrictEqual(await names(personal, dir), ['lost.txt']);
        assert.ok(!sb.control.exists('personal', 'lost.txt'));
        const saved = await fresh.saveAsNew(p, Buffer.from('in my documents'), { folder: '' });
        assert.strictEqual(saved.path, 'lost.txt', 'the plain name when it is free there');
        assert.strictEqual(sb.control.readFile('personal', 'lost.txt')?.toString(), 'in my documents');
        const again = await fresh.saveAsNew(p, Buffer.from('again'), { folder: '' });
        assert.strictEqual(again.path, 'lost (1).txt');
        assert.strictEqual(sb.control.readFile('personal', `${dir}/lost.txt`)?.toString(), 'original');
      } finally {
        await client.personalTrash(sb.control.tokenOf('personal', newer)!);
      }
    });

    it('starred and search by name and content give readable entries; paging goes on with the cursor', async () => {
      assert.ok((await ops.section('starred')).items.some((e) => e.name === WEEKLY && e.readonly));
      const byName = await ops.search('笔记', 'name');
      assert.ok(byName.items.some((e) => e.name === '笔记 notes.md'));
      const byContent = await ops.search('personal documents', 'content');
      const hit = byContent.items.find((e) => e.name === '笔记 notes.md')!;
      assert.match(text((await personal.read(hit.path)).data), /personal documents/);
      const first = await ops.section('recent', undefined, { pageSize: 2 });
      assert.strictEqual(first.items.length, 2);
      const second = await ops.section('recent', first.next, { pageSize: 2 });
      assert.notStrictEqual(second.items[0].id, first.items[0].id);
      await assert.rejects(ops.search('  ', 'name'), InvalidInputError);
    });

    it('an access token that expires between pages is refreshed silently', async () => {
      const first = await ops.section('recent', undefined, { pageSize: 3 });
      sb.control.expireAccessTokens();
      const second = await ops.section('recent', first.next, { pageSize: 3 });
      assert.strictEqual(second.items.length, 3);
    });
  });

  // ------------------------------------------------------------------ batches

  describe('batch copy / move / delete', () => {
    it('copies many app-space files with progress in files, from the task percentage', async () => {
      const dir = folderWith('appspace', { 'a.txt': 'a', 'b.txt': 'b', 'c.txt': 'c' });
      await app.mkdir(`${dir}/dest`);
      sb.control.setTaskSteps(4);
      const seen: Array<[number, number]> = [];
      const r = await ops.copyMany('appspace', [`${dir}/a.txt`, `${dir}/b.txt`, `${dir}/c.txt`], `${dir}/dest`, { onProgress: (d, t) => seen.push([d, t]) });
      assert.deepStrictEqual(r, { succeeded: [`${dir}/a.txt`, `${dir}/b.txt`, `${dir}/c.txt`], failed: [] });
      assert.deepStrictEqual(await names(app, `${dir}/dest`), ['a.txt', 'b.txt', 'c.txt']);
      assert.ok(seen.every(([, t]) => t === 3));
      assert.deepStrictEqual(seen[seen.length - 1], [3, 3]);
      assert.ok(seen.some(([d]) => d > 0 && d < 3), `intermediate progress: ${JSON.stringify(seen)}`);
      assert.ok(seen.every(([d], i) => i === 0 || d >= seen[i - 1][0]), 'progress never goes back');
    });

    it('a copy task that fails for one file: the others are copied exactly once, the failure is reported for that file', async () => {
      const dir = folderWith('appspace', { 'one.txt': '1', 'two.txt': '2' });
      await app.mkdir(`${dir}/box`);
      const sources = [`${dir}/one.txt`, `${dir}/box`, `${dir}/two.txt`]; // box into itself fails mid-task
      const r = await ops.copyMany('appspace', sources, `${dir}/box`);
      assert.deepStrictEqual(r.succeeded, [`${dir}/one.txt`, `${dir}/two.txt`]);
      assert.strictEqual(r.failed.length, 1);
      assert.strictEqual(r.failed[0].path, `${dir}/box`);
      assert.ok(r.failed[0].error instanceof InvalidInputError, String(r.failed[0].error));
      assert.deepStrictEqual(await names(app, `${dir}/box`), ['one.txt', 'two.txt'], 'no duplicate copies');
    });

    it('a move task that fails for one file (personal): the others are moved, paths are fresh afterwards', async () => {
      const dir = folderWith('personal', { 'a.txt': 'a', 'b.txt': 'b', 'sub/keep.txt': 'k' });
      const moves = [`${dir}/a.txt`, `${dir}/sub`, `${dir}/b.txt`, `${dir}/missing.txt`];
      await personal.stat(`${dir}/a.txt`); // cached before the move
      const r = await ops.moveMany('personal', moves, `${dir}/sub`);
      assert.deepStrictEqual(r.succeeded, [`${dir}/a.txt`, `${dir}/b.txt`]);
      assert.deepStrictEqual(r.failed.map((f) => [f.path, f.error.kind]), [[`${dir}/missing.txt`, 'NotFound'], [`${dir}/sub`, 'InvalidInput']]);
      assert.deepStrictEqual(await names(personal, `${dir}/sub`), ['a.txt', 'b.txt', 'keep.txt']);
      await assert.rejects(personal.stat(`${dir}/a.txt`), NotFoundError);
      assert.strictEqual(text((await personal.read(`${dir}/sub/a.txt`)).data), 'a');
    });

    it('personal delete: a file shared by someone else fails alone (no share right), the rest go to the recycle bin', async () => {
      const dir = folderWith('personal', { 'x.txt': 'x', 'y.txt': 'y' });
      const shared = (await ops.section('recent', undefined, { pageSize: 500 })).items.find((e) => e.name === SHARED_BY_OTHER)!;
      const r = await ops.deleteMany('personal', [`${dir}/x.txt`, shared.path, `${dir}/y.txt`]);
      assert.deepStrictEqual(r.succeeded, [`${dir}/x.txt`, `${dir}/y.txt`]);
      assert.strictEqual(r.failed[0].path, shared.path);
      assert.ok(r.failed[0].error instanceof ForbiddenError, String(r.failed[0].error));
      assert.ok(sb.control.isInTrash('personal', `${dir}/x.txt`) && sb.control.isInTrash('personal', `${dir}/y.txt`));
      assert.strictEqual((await personal.stat(shared.path)).id, shared.id, 'the shared file is untouched');
    });

    it('permanent deletes: personal (task, then destroyed in the recycle bin) and app space (one by one)', async () => {
      const p = folderWith('personal', { 'gone.txt': 'g', 'gone2.txt': 'g' });
      const tokens = [sb.control.tokenOf('personal', `${p}/gone.txt`)!, sb.control.tokenOf('personal', `${p}/gone2.txt`)!];
      const r = await ops.deleteMany('personal', [`${p}/gone.txt`, `${p}/gone2.txt`], { permanent: true });
      assert.strictEqual(r.succeeded.length, 2);
      const bin = await ops.recycleBin('personal', undefined, { pageSize: 500 });
      assert.ok(!bin.items.some((f) => tokens.includes(f.token)));
      assert.deepStrictEqual(await names(personal, p), []);

      const a = folderWith('appspace', { 'one.md': '1', 'two.md': '2', 'three.md': '3' });
      const seen: number[] = [];
      const trashed = await ops.deleteMany('appspace', [`${a}/one.md`, `${a}/two.md`], { onProgress: (d) => seen.push(d) });
      assert.strictEqual(trashed.succeeded.length, 2);
      assert.deepStrictEqual(seen, [1, 2]);
      assert.ok(sb.control.isInTrash('appspace', `${a}/one.md`));
      await ops.deleteMany('appspace', [`${a}/three.md`], { permanent: true });
      assert.ok(!sb.control.exists('appspace', `${a}/three.md`) && !sb.control.isInTrash('appspace', `${a}/three.md`));
    });

    const partialCases: Array<{ op: 'copy' | 'move' | 'delete'; space: KdSpaceName }> = [
      { op: 'copy', space: 'appspace' }, { op: 'copy', space: 'personal' },
      { op: 'move', space: 'appspace' }, { op: 'move', space: 'personal' },
      { op: 'delete', space: 'personal' }, // app-space deletes go one by one, without a task
    ];
    for (const { op, space } of partialCases) {
      it(`${space} ${op} task that fails for one file (control.failTaskItem): 2 succeed, 1 fails with the reported problem, no retry`, async () => {
        const dir = folderWith(space, { 'p1.txt': '1', 'p2.txt': '2', 'p3.txt': '3' });
        const fs = space === 'personal' ? personal : app;
        await fs.mkdir(`${dir}/dest`);
        const sources = ['p1.txt', 'p2.txt', 'p3.txt'].map((f) => `${dir}/${f}`);
        sb.control.failTaskItem(space, `${dir}/p2.txt`, 'file is being edited by 同事');
        const mark = sb.control.requestCount;
        const r = op === 'copy' ? await ops.copyMany(space, sources, `${dir}/dest`)
          : op === 'move' ? await ops.moveMany(space, sources, `${dir}/dest`) : await ops.deleteMany(space, sources);

        assert.deepStrictEqual(r.succeeded, [sources[0], sources[2]]);
        assert.strictEqual(r.failed.length, 1);
        assert.strictEqual(r.failed[0].path, sources[1]);
        const err = r.failed[0].error;
        assert.ok(err instanceof ServerError, String(err));
        assert.ok(err.message.includes('file is being edited by 同事') && err.message.includes(sources[1]), err.message);
        const starts = sb.control.requestsSince(mark).filter((q) => q.method === 'POST' && q.path.includes('/tasks/files/'));
        assert.strictEqual(starts.length, 1, 'one task, the reported failure is not retried');

        const inDest = op === 'delete' ? [] : ['p1.txt', 'p3.txt'];
        assert.deepStrictEqual(await names(fs, `${dir}/dest`), inDest);
        const left = op === 'copy' ? ['dest', 'p1.txt', 'p2.txt', 'p3.txt'] : ['dest', 'p2.txt'];
        assert.deepStrictEqual(await names(fs, dir), left, 'the failed file is untouched');
        if (op === 'delete') assert.ok(sb.control.isInTrash(space, sources[0]) && sb.control.isInTrash(space, sources[2]));
      });
    }

    // The platform documents no per-file result: a task that only says "failed" must be sorted out file by file.
    for (const { op, space } of partialCases) {
      it(`${space} ${op} task that fails for one file and reports no per-file results: the done files are found, only the other is retried`, async () => {
        const dir = folderWith(space, { 'q1.txt': '1', 'q2.txt': '2', 'q3.txt': '3' });
        const fs = space === 'personal' ? personal : app;
        await fs.mkdir(`${dir}/dest`);
        const sources = ['q1.txt', 'q2.txt', 'q3.txt'].map((f) => `${dir}/${f}`);
        sb.control.omitTaskFileResults();
        sb.control.failTaskItem(space, `${dir}/q2.txt`, 'file is being edited by 同事'); // once: its retry succeeds
        const mark = sb.control.requestCount;
        const r = op === 'copy' ? await ops.copyMany(space, sources, `${dir}/dest`)
          : op === 'move' ? await ops.moveMany(space, sources, `${dir}/dest`) : await ops.deleteMany(space, sources);

        assert.deepStrictEqual(r, { succeeded: sources, failed: [] });
        const starts = sb.control.requestsSince(mark).filter((q) => q.method === 'POST' && q.path.includes('/tasks/files/'));
        assert.strictEqual(starts.length, 2, 'the batch, then q2 alone: q1 and q3 were recognised as done');
        assert.deepStrictEqual(await names(fs, `${dir}/dest`), op === 'delete' ? [] : ['q1.txt', 'q2.txt', 'q3.txt'], 'each exactly once');
        assert.deepStrictEqual(await names(fs, dir), op === 'copy' ? ['dest', 'q1.txt', 'q2.txt', 'q3.txt'] : ['dest']);
        if (op === 'delete') assert.ok(sources.every((p) => sb.control.isInTrash(space, p)));
      });
    }

    it('a copy task without per-file results: a file that fails again alone is reported failed, the others copied once', async () => {
      const dir = folderWith('appspace', { 'one.txt': '1', 'two.txt': '2' });
      await app.mkdir(`${dir}/box`);
      sb.control.omitTaskFileResults();
      const sources = [`${dir}/one.txt`, `${dir}/box`, `${dir}/two.txt`]; // box into itself fails every time
      const mark = sb.control.requestCount;
      const r = await ops.copyMany('appspace', sources, `${dir}/box`);
      assert.deepStrictEqual(r.succeeded, [`${dir}/one.txt`, `${dir}/two.txt`]);
      assert.deepStrictEqual(r.failed.map((f) => [f.path, f.error.kind]), [[`${dir}/box`, 'InvalidInput']]);
      assert.match(r.failed[0].error.message, /itself/);
      const starts = sb.control.requestsSince(mark).filter((q) => q.method === 'POST' && q.path.includes('/tasks/files/'));
      assert.strictEqual(starts.length, 2, 'the batch, then box alone');
      assert.deepStrictEqual(await names(app, `${dir}/box`), ['one.txt', 'two.txt'], 'no duplicate copies');
    });

    it('batch-level errors are thrown, not reported per file: cancel, daily quota used up', async () => {
      const dir = folderWith('appspace', { 'c1.txt': '1', 'c2.txt': '2' });
      await app.mkdir(`${dir}/to`);
      const ac = new AbortController();
      sb.control.setTaskSteps(5);
      await assert.rejects(ops.moveMany('appspace', [`${dir}/c1.txt`, `${dir}/c2.txt`], `${dir}/to`, {
        signal: ac.signal, onProgress: (d, t) => { if (d < t) ac.abort(); },
      }), CancelledError);
      sb.control.setQuota('POST /api/v1/openapi/appspace/tasks/files/move', 0);
      await assert.rejects(ops.moveMany('appspace', [`${dir}/c1.txt`], `${dir}/to`), RateLimitedError);
    });

    it('an access token that expires while a personal task is polled is refreshed and the batch completes', async () => {
      const dir = folderWith('personal', { 'r1.txt': '1', 'r2.txt': '2' });
      await personal.mkdir(`${dir}/dst`);
      let expired = false;
      const r = await ops.copyMany('personal', [`${dir}/r1.txt`, `${dir}/r2.txt`], `${dir}/dst`, {
        onProgress: () => { if (!expired) { expired = true; sb.control.expireAccessTokens(); } },
      });
      assert.strictEqual(r.succeeded.length, 2);
      assert.deepStrictEqual(await names(personal, `${dir}/dst`), ['r1.txt', 'r2.txt']);
    });
  });

  // ------------------------------------------------------------------ creating

  describe('blank documents and imports', () => {
    for (const space of ['personal', 'appspace'] as const) {
      it(`creates a blank document of every type in ${space}, with an edit URL that opens`, async () => {
        const fs = ops.fsOf(space);
        const dir = folderWith(space, { 'keep.txt': 'k' });
        for (const ext of KD_BLANK_TYPES) {
          const { entry, editUrl } = await ops.createBlank(space, `${dir}/新文档${ext}`);
          assert.strictEqual(entry.path, `${dir}/新文档${ext}`);
          assert.strictEqual(entry.kind, ['.otl', '.ksheet', '.dbt'].includes(ext) ? 'online-doc' : undefined, ext);
          if (ext === '.docx') assert.strictEqual((await nodeFetch(editUrl!)).status, 200);
        }
        assert.strictEqual((await fs.listAll(dir)).length, KD_BLANK_TYPES.length + 1);
        await assert.rejects(ops.createBlank(space, `${dir}/新文档.docx`), AlreadyExistsError);
        await assert.rejects(ops.createBlank(space, `${dir}/notes.txt`), InvalidInputError);
      });
    }

    it('when the edit URL cannot be had, the created document is still returned, with the reason instead of the URL', async () => {
      const dir = folderWith('personal', { 'keep.txt': 'k' });
      sb.control.failNext(10, { status: 500, pathIncludes: '/url/with_edit_token' });
      const r = await ops.createBlank('personal', `${dir}/无链接.docx`);
      assert.strictEqual(r.entry.path, `${dir}/无链接.docx`);
      assert.strictEqual(r.editUrl, undefined);
      assert.ok(r.editUrlError instanceof ServerError, String(r.editUrlError));
      assert.ok(sb.control.exists('personal', `${dir}/无链接.docx`));
    });

    it('app space: imports from a URL through the async task with progress; personal: from a cloud URL', async () => {
      const src = sb.control.tokenOf('appspace', 'README.txt')!;
      const url = (await client.appDownloadUrl(src)).url;
      const dir = folderWith('appspace', {});
      await app.mkdir(dir);
      const seen: number[] = [];
      const e = await ops.importFromUrl('appspace', dir, url, '导入.txt', { onProgress: (d) => seen.push(d) });
      assert.strictEqual(e.path, `${dir}/导入.txt`);
      assert.deepStrictEqual(sb.control.readFile('appspace', `${dir}/导入.txt`), sb.control.readFile('appspace', 'README.txt'));
      assert.deepStrictEqual(seen, [33, 66, 100]);
      const pdir = folderWith('personal', { 'k.txt': 'k' });
      const p = await ops.importFromUrl('personal', pdir, url, 'cloud.txt');
      assert.strictEqual(text((await personal.read(p.path)).data), sb.control.readFile('appspace', 'README.txt')!.toString());
    });

    it('an import from an unreachable URL fails without the URL in the message', async () => {
      const secret = 'sig-' + Date.now();
      const err = await ops.importFromUrl('appspace', '', `${sb.host}/dl/nope?s=${secret}`, 'x.txt').then(() => undefined, (x: unknown) => x);
      assert.ok(err instanceof Error);
      assert.ok(!err.message.includes(secret));
      assert.ok(!logger.lines.join('\n').includes(secret));
    });
  });

  // ------------------------------------------------------------------ sharing, edit tokens

  describe('sharing and edit tokens (personal)', () => {
    it('share: create, change, collaborators, link with edit token, cancel, share again', async () => {
      const dir = folderWith('personal', { 'shared.docx': 's' });
      const p = `${dir}/shared.docx`;
      assert.strictEqual(await ops.getShare(p), undefined);
      const created = await ops.share(p, { permission: 'write', comment: true, period: 7 });
      assert.deepStrictEqual([created.permission, created.extPermList], ['write', ['comment']]);
      assert.ok(created.expireTime! > Date.now() / 1000 + 6 * 86400);
      const changed = await ops.share(p, { permission: 'read', period: 0 });
      assert.deepStrictEqual([changed.sid, changed.permission, changed.expireTime, changed.extPermList], [created.sid, 'read', 0, []]);
      assert.deepStrictEqual((await ops.addCollaborators(p, ['u-a', 'u-b'], 'read')).members, [
        { userId: 'u-a', permission: 'read' }, { userId: 'u-b', permission: 'read' },
      ]);
      assert.deepStrictEqual((await ops.updateCollaborator(p, 'u-b', 'write')).members?.find((m) => m.userId === 'u-b'), { userId: 'u-b', permission: 'write' });
      await ops.removeCollaborator(p, 'u-a');
      assert.deepStrictEqual((await ops.getShare(p))?.members?.map((m) => m.userId), ['u-b']);
      assert.match(await ops.linkWithEditToken(p), /\/l\/[^?]+\?edit_token=/);
      await ops.cancelShare(p);
      assert.strictEqual(await ops.getShare(p), undefined);
      assert.strictEqual((await ops.share(p, { permission: 'read' })).sid, created.sid, 'share again re-opens the link');
      assert.ok(await ops.getShare(p));
    });

    it('edit tokens: an edit URL with a created token opens; after revoking it the token is refused', async () => {
      const et = await ops.createEditToken();
      const url = await ops.editUrl('personal', WEEKLY, { editToken: et.token });
      assert.ok(url.includes(encodeURIComponent(et.token)));
      assert.strictEqual((await nodeFetch(url)).status, 200);
      await ops.revokeEditToken(et.token);
      await assert.rejects(ops.editUrl('personal', WEEKLY, { editToken: et.token }), NotFoundError);
      assert.match(await ops.editUrl('appspace', 'README.txt'), /edit_token=/);
    });
  });

  // ------------------------------------------------------------------ versions, recycle bins, usage

  describe('versions, recycle bins, usage', () => {
    it('app-space versions: paged list, bytes of an old version, revert to it', async () => {
      const first = await ops.versions(REPORT, undefined, { pageSize: 2 });
      assert.deepStrictEqual(first.items.map((v) => v.version), [3, 2]);
      const rest = await ops.versions(REPORT, first.next, { pageSize: 2 });
      assert.deepStrictEqual(rest.items.map((v) => v.version), [1]);
      assert.strictEqual(rest.next, undefined);
      assert.match(text(await ops.readVersion(REPORT, 1)), /草稿/);
      const e = await ops.revertVersion(REPORT, 1);
      assert.deepStrictEqual([e.path, e.version], [REPORT, '4']);
      assert.match(sb.control.readFile('appspace', REPORT)!.toString(), /草稿/);
      await assert.rejects(ops.readVersion(REPORT, 99), NotFoundError);
    });

    for (const space of ['personal', 'appspace'] as const) {
      it(`${space} recycle bin: list with deletion time, restore and destroy with per-item results`, async () => {
        const dir = folderWith(space, { 'r1.txt': '1', 'r2.txt': '2', 'r3.txt': '3' });
        const tokens = ['r1.txt', 'r2.txt', 'r3.txt'].map((f) => sb.control.tokenOf(space, `${dir}/${f}`)!);
        await ops.deleteMany(space, ['r1.txt', 'r2.txt', 'r3.txt'].map((f) => `${dir}/${f}`));
        const bin = await ops.recycleBin(space, undefined, { pageSize: 500 });
        const mine = bin.items.filter((f) => tokens.includes(f.token));
        assert.strictEqual(mine.length, 3);
        assert.ok(mine.every((f) => f.deletedTime! > 0 && f.name.startsWith('r')));
        const restored = await ops.restoreFromBin(space, [tokens[0], 'no-such-token']);
        assert.deepStrictEqual(restored.succeeded, [tokens[0]]);
        assert.deepStrictEqual(restored.failed.map((f) => [f.token, f.error.kind]), [['no-such-token', 'NotFound']]);
        assert.strictEqual(sb.control.readFile(space, `${dir}/r1.txt`)?.toString(), '1');
        const destroyed = await ops.destroyFromBin(space, [tokens[1], tokens[2]]);
        assert.deepStrictEqual(destroyed, { succeeded: [tokens[1], tokens[2]], failed: [] });
        const after = await ops.recycleBin(space, undefined, { pageSize: 500 });
        assert.ok(!after.items.some((f) => tokens.includes(f.token)));
      });
    }

    it('recycle-bin paging goes on with the cursor', async () => {
      const dir = folderWith('appspace', { 'p1.txt': '1', 'p2.txt': '2', 'p3.txt': '3' });
      await ops.deleteMany('appspace', ['p1.txt', 'p2.txt', 'p3.txt'].map((f) => `${dir}/${f}`));
      const first = await ops.recycleBin('appspace', undefined, { pageSize: 2 });
      assert.strictEqual(first.items.length, 2);
      const second = await ops.recycleBin('appspace', first.next, { pageSize: 2 });
      assert.ok(second.items.length >= 1);
      assert.ok(!second.items.some((f) => first.items.some((g) => g.token === f.token)));
    });

    it('usage of the app space', async () => {
      const u = await ops.usage();
      assert.ok(u.used > 0 && u.total! > u.used);
    });
  });
});
