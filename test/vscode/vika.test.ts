// Vika datasheets in the real VS Code against the embedded Vika sandbox: the tree, a datasheet opened as CSV, edited
// and saved as exactly the record changes it holds (batches of at most 10, paced, no 429), conflicts, refusals that
// send nothing, a save that fails part way and a second save that finishes it, and the table commands, every one
// through the prompt seam as a user runs it.
import * as assert from 'assert';
import { promises as fsp } from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { VikaSandbox } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import type { TreeNode } from '../../src/vscode/types';
import { children, entryOf, resolvedItem, revertAllAndClose, setup, tooltipText } from './support';
import { asUser, CANCEL, run, runExpectingError } from './user';

const ACC = 'sandbox-vika';
let api: DocWorkspacesApi;
let sb: VikaSandbox;
let space: { id: string; name: string };

const vikaUri = (p: string) => vscode.Uri.from({ scheme: 'vika', authority: ACC, path: `/${p}` });
let n = 0;

/** A fresh datasheet of `rows` records: Name (primary), Count, Done, No (auto number, read-only), Files. */
function sheet(rows: number): { id: string; name: string; uri: vscode.Uri } {
  const name = `表 ${Date.now().toString(36)}-${++n} #%`;
  const id = sb.control.createDatasheet(space.id, name, [
    { name: 'Name', type: 'SingleText' }, { name: 'Count', type: 'Number' }, { name: 'Done', type: 'Checkbox' },
    { name: 'No', type: 'AutoNumber' }, { name: 'Files', type: 'Attachment' },
  ], Array.from({ length: rows }, (_, i) => ({ Name: `row ${i + 1}`, Count: i + 1 })));
  return { id, name, uri: vikaUri(`${space.name}/${name}.csv`) };
}

/** Writes records of a CSV document: rows as arrays (the id first). */
const csvRows = (doc: vscode.TextDocument) => doc.getText().trimEnd().split('\n').slice(1).map((l) => l.split(','));

/** Replaces the whole text of an open document (a user's edit), leaving it dirty. */
async function replaceText(doc: vscode.TextDocument, next: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), next);
  assert.ok(await vscode.workspace.applyEdit(edit));
  assert.ok(doc.isDirty);
}

/** The document after `fn` changed its rows (cells split on commas: the fixtures hold none). */
async function editRows(doc: vscode.TextDocument, fn: (rows: string[][]) => void): Promise<void> {
  const [header] = doc.getText().split('\n');
  const rows = csvRows(doc);
  fn(rows);
  await replaceText(doc, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n');
}

const writes = (mark: number) => sb.control.requestsSince(mark).filter((r) => r.method !== 'GET').map((r) => (r.status >= 400 ? `${r.method} failed` : `${r.method} ${r.records}`));

/** Waits (without timers) until `ok()` holds: VS Code handles a change event on its own schedule. */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setImmediate(r));
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok(), what);
}

describe('Vika datasheets', function () {
  this.timeout(180_000);

  before(async () => {
    ({ api } = await setup());
    sb = api.vendorSandbox('vika') as VikaSandbox;
    assert.ok(sb?.control, 'the embedded Vika sandbox runs');
    space = sb.control.spaces()[0];
  });
  afterEach(async () => {
    sb.control.resetMisbehaviour();
    await revertAllAndClose();
  });

  it('shows the account, its spaces, folders and datasheets; a datasheet has its views and counts in its tooltip', async () => {
    const accounts = await children(api);
    const account = accounts.find((a) => a.accountId === ACC) as TreeNode;
    assert.ok(account, 'the Vika sandbox account is in the tree');
    const spaces = await children(api, account);
    assert.deepStrictEqual(spaces.map((s) => entryOf(s)?.name), sb.control.spaces().map((s) => s.name));
    const items = await children(api, spaces[0]);
    const folder = items.find((i) => entryOf(i)?.name === '项目资料 📁') as TreeNode;
    assert.ok(folder, items.map((i) => entryOf(i)?.name).join(' | '));
    const inside = await children(api, folder);
    const ds = inside.find((i) => entryOf(i)?.name === '项目任务 🚀.csv') as TreeNode;
    assert.ok(ds, inside.map((i) => entryOf(i)?.name).join(' | '));
    const item = await resolvedItem(api, ds);
    const id = sb.control.datasheetId('项目任务 🚀') as string;
    assert.match(tooltipText(item), new RegExp(`Fields: ${sb.control.fields(id).length}`));
    assert.match(tooltipText(item), new RegExp(`Records: ${sb.control.records(id).length}`));
    const views = await children(api, ds);
    assert.ok(views.length >= 2 && views.every((v) => /项目任务 🚀 · .*\.csv$/.test(entryOf(v)?.path ?? '')), views.map((v) => entryOf(v)?.path).join(' | '));
    assert.ok(views.some((v) => entryOf(v)?.name === '全部'), 'views show by their own names');
    const doc = await vscode.workspace.openTextDocument(vikaUri(entryOf(views[1])!.path));
    assert.match(doc.getText().split('\n')[0], /^_recordId,/);
  });

  it('saves three edited cells, an added row and a deleted row as exactly those changes; the new row gets its id', async () => {
    const t = sheet(12);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    await vscode.window.showTextDocument(doc);
    const before = sb.control.records(t.id);
    await editRows(doc, (rows) => {
      rows[0][2] = '100';
      rows[1][1] = '改名 😀';
      rows[2][3] = 'true';
      rows.splice(5, 1);
      rows.push(['', 'added', '7', '', '', '']);
    });
    const mark = sb.control.requestCount;
    const limited = sb.control.rateLimited;
    assert.ok(await doc.save(), 'saved');
    assert.deepStrictEqual(writes(mark), ['PATCH 3', 'POST 1', 'DELETE 1']);
    assert.strictEqual(sb.control.requestsSince(mark).filter((r) => r.method === 'GET' && r.datasheetId === t.id && r.path.endsWith('/records')).length, 1, 'one read of the touched records');
    assert.strictEqual(sb.control.rateLimited, limited, 'no 429');
    const after = sb.control.records(t.id);
    assert.strictEqual(after.find((r) => r.recordId === before[0].recordId)?.fields.Count, 100);
    assert.strictEqual(after.find((r) => r.recordId === before[1].recordId)?.fields.Name, '改名 😀');
    assert.strictEqual(after.find((r) => r.recordId === before[2].recordId)?.fields.Done, true);
    assert.ok(!after.some((r) => r.recordId === before[5].recordId));
    const added = after.find((r) => r.fields.Name === 'added');
    assert.ok(added);
    await until(() => doc.getText().includes(`${added.recordId},added,7`), `the editor shows the new id: ${doc.getText().slice(-80)}`);
    assert.ok(!doc.isDirty);
    // and writing the same text again changes nothing
    const again = sb.control.requestCount;
    await vscode.workspace.fs.writeFile(t.uri, new TextEncoder().encode(doc.getText()));
    assert.deepStrictEqual(writes(again), []);
  });

  it('a record changed on the server between open and save: Cancel keeps the editor dirty and the server value; Overwrite sends it', async () => {
    const t = sheet(3);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    await vscode.window.showTextDocument(doc);
    const rec = sb.control.records(t.id)[1];
    await editRows(doc, (rows) => { rows[1][2] = '5'; });
    sb.control.updateRecord(t.id, rec.recordId, { Count: 41 });
    const mark = sb.control.requestCount;
    const { result: saved, user } = await asUser(api, [CANCEL], () => doc.save(), { allowErrors: true });
    assert.strictEqual(saved, false);
    assert.match(user.prompts[0].message ?? user.prompts[0].title ?? '', new RegExp(t.name.replace(/[#%]/g, '.')));
    assert.ok(doc.isDirty);
    assert.deepStrictEqual(writes(mark), []);
    assert.strictEqual(sb.control.record(t.id, rec.recordId)?.fields.Count, 41);
    const { result: overwritten } = await asUser(api, ['Overwrite'], () => doc.save(), { allowErrors: true });
    assert.strictEqual(overwritten, true);
    assert.strictEqual(sb.control.record(t.id, rec.recordId)?.fields.Count, 5);
  });

  it('a read-only field edited: the save fails naming the row and field, nothing is sent, the editor stays dirty', async () => {
    const t = sheet(3);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    await vscode.window.showTextDocument(doc);
    await editRows(doc, (rows) => { rows[0][2] = '9'; rows[1][4] = '77'; });
    const mark = sb.control.requestCount;
    const saved = await doc.save();
    assert.strictEqual(saved, false);
    assert.ok(doc.isDirty);
    assert.deepStrictEqual(sb.control.requestsSince(mark).filter((r) => r.method !== 'GET'), []);
    assert.strictEqual(sb.control.records(t.id)[0].fields.Count, 1, 'not even the valid edit was sent');
  });

  it('50 changed records and a failure in the middle: the user is told what was applied; saving again finishes without duplicates', async () => {
    const t = sheet(30);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    await vscode.window.showTextDocument(doc);
    await editRows(doc, (rows) => {
      for (let i = 0; i < 30; i++) rows[i][2] = String(1000 + i);
      for (let i = 0; i < 20; i++) rows.push(['', `new ${i}`, String(i), '', '', '']);
    });
    sb.control.failWritesAfter(3, 1, { status: 500 });
    const limited = sb.control.rateLimited;
    const mark = sb.control.requestCount;
    // What VS Code's "Failed to save" notification shows: the same write through the file system API
    const err = await vscode.workspace.fs.writeFile(t.uri, new TextEncoder().encode(doc.getText())).then(() => undefined, (e: unknown) => e as Error);
    assert.match(err?.message ?? '', /Part of ".*" was saved \(30 updated, 0 created, 0 deleted\); 2 of 5 requests were not sent\. Save again to send the rest/);
    assert.ok(doc.isDirty);
    assert.deepStrictEqual(writes(mark), ['PATCH 10', 'PATCH 10', 'PATCH 10', 'POST failed'], 'the first create failed');
    const second = sb.control.requestCount;
    assert.ok(await doc.save(), 'the second save goes through');
    assert.deepStrictEqual(writes(second), ['POST 10', 'POST 10']);
    const after = sb.control.records(t.id);
    assert.strictEqual(after.length, 50);
    assert.strictEqual(new Set(after.map((r) => r.fields.Name)).size, 50, 'no duplicates');
    assert.strictEqual(sb.control.rateLimited, limited, 'no request over the rate');
  });

  it('New Datasheet…, Add Field…, Delete Field… on a folder and a datasheet, each naming what it acts on', async () => {
    const folderName = (await vscode.workspace.fs.readDirectory(vikaUri(space.name))).find(([, type]) => type === vscode.FileType.Directory)?.[0];
    assert.ok(folderName, 'the seed has a folder in the first space');
    const name = `新表 ${++n}`;
    const { user } = await run(api, [name], 'docWorkspaces.newTable', vikaUri(`${space.name}/${folderName}`));
    assert.match(user.prompts[0].title ?? '', new RegExp(folderName.replace(/[.*+?^${}()|[\]\\#%]/g, '.')));
    const id = sb.control.datasheetId(name) as string;
    assert.ok(id, 'created on the server');
    const uri = vikaUri(`${space.name}/${folderName}/${name}.csv`);
    await run(api, ['备注 #1', 'SingleText'], 'docWorkspaces.addField', uri);
    assert.ok(sb.control.fields(id).some((f) => f.name === '备注 #1' && f.type === 'SingleText'));
    const { user: del } = await run(api, ['备注 #1', 'Delete Field'], 'docWorkspaces.deleteField', uri);
    assert.match(del.prompts[1].message ?? '', /Delete the field '备注 #1'/);
    assert.ok(!sb.control.fields(id).some((f) => f.name === '备注 #1'));
  });

  it('Upload Attachment… puts a local file into the attachment field of the record under the cursor; Copy Record Link copies its link', async () => {
    const t = sheet(3);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const rec = sb.control.records(t.id)[1];
    const local = path.join(await fsp.mkdtemp(path.join(os.tmpdir(), 'dw-vika-')), '报告 #1.txt');
    await fsp.writeFile(local, 'attachment bytes 😀');
    await run(api, [{ uris: [vscode.Uri.file(local)] }], 'docWorkspaces.uploadAttachment');
    const files = sb.control.record(t.id, rec.recordId)?.fields.Files as Array<{ token: string; name: string }>;
    assert.strictEqual(files?.[0]?.name, '报告 #1.txt');
    assert.strictEqual(sb.control.attachment(files[0].token)?.toString(), 'attachment bytes 😀');
    await until(() => doc.getText().includes('报告 #1.txt'), 'the editor shows the attachment');
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    await run(api, [], 'docWorkspaces.copyRecordLink');
    assert.match(await vscode.env.clipboard.readText(), new RegExp(`${t.id}/${rec.recordId}$`));
  });
  it('opens a datasheet as JSON too: numbers and checkboxes native, a changed value saved as one update', async () => {
    const t = sheet(2);
    const uri = t.uri.with({ path: t.uri.path.replace(/\.csv$/, '.json') });
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const items = JSON.parse(doc.getText()) as Array<Record<string, unknown>>;
    assert.deepStrictEqual(Object.keys(items[0]), ['_recordId', 'Name', 'Count', 'Done', 'No', 'Files']);
    assert.strictEqual(items[1].Count, 2);
    assert.strictEqual(items[1].Done, false);
    items[1].Count = 20;
    items[1].Done = true;
    await replaceText(doc, JSON.stringify(items, null, 2));
    const mark = sb.control.requestCount;
    assert.ok(await doc.save());
    assert.deepStrictEqual(writes(mark), ['PATCH 1']);
    assert.deepStrictEqual([sb.control.records(t.id)[1].fields.Count, sb.control.records(t.id)[1].fields.Done], [20, true]);
  });

  it('Refresh Table shows what changed on the server in a clean editor; with unsaved edits it asks first, naming the table', async () => {
    const t = sheet(2);
    const doc = await vscode.workspace.openTextDocument(t.uri);
    await vscode.window.showTextDocument(doc);
    const rec = sb.control.records(t.id)[0];
    sb.control.updateRecord(t.id, rec.recordId, { Name: 'changed by a colleague' });
    await run(api, [], 'docWorkspaces.refreshTable');
    await until(() => doc.getText().includes('changed by a colleague'), 'the editor shows the server\'s text');
    sb.control.updateRecord(t.id, rec.recordId, { Name: 'changed again' });
    await editRows(doc, (rows) => { rows[1][2] = '99'; });
    const { user } = await run(api, ['Discard and Refresh'], 'docWorkspaces.refreshTable');
    assert.match(user.prompts[0].message ?? '', new RegExp(`Discard your unsaved changes to '${t.name.replace(/[#%]/g, '.')}'`));
    await until(() => doc.getText().includes('changed again') && !doc.isDirty, 'reverted to the server\'s text');
  });

  it('opens the 50,000-row datasheet: pages of 1000, every record a row, no request over the rate', async () => {
    const id = sb.control.datasheetId('大表 50k') as string;
    const mark = sb.control.requestCount;
    const limited = sb.control.rateLimited;
    const doc = await vscode.workspace.openTextDocument(vikaUri(`${space.name}/大表 50k.csv`));
    assert.strictEqual(doc.lineCount - 2, 50_000, 'a header, 50,000 rows and the last line end');
    const reads = sb.control.requestsSince(mark).filter((r) => r.datasheetId === id && /\/records$/.test(r.path));
    assert.strictEqual(reads.length, 50, 'exactly 50 pages of 1000 (no extra empty page)');
    assert.strictEqual(sb.control.rateLimited, limited);
  });

  it('Add Account… → Vika asks for the host and the token, checks them with one call, and refuses a wrong token', async () => {
    const { user } = await run(api, ['Vika', sb.host, sb.token], 'docWorkspaces.addAccount');
    assert.ok(user.prompts[2].password, 'the token is typed like a password');
    const added = api.accounts.list().find((a) => a.vendor === 'vika' && !a.sandbox);
    assert.ok(added, 'the account is stored');
    try {
      const spaces = await vscode.workspace.fs.readDirectory(vscode.Uri.from({ scheme: 'vika', authority: added.id, path: '/' }));
      assert.deepStrictEqual(spaces.map(([name]) => name), sb.control.spaces().map((x) => x.name));
      const before = api.accounts.list().length;
      const { error } = await runExpectingError(api, ['Vika', sb.host, 'wrong-token'], 'docWorkspaces.addAccount');
      assert.match(error, /refused|credentials|token/i);
      assert.strictEqual(api.accounts.list().length, before, 'nothing stored');
    } finally {
      await api.accounts.remove(added.id);
    }
  });
});
