// Requests per action, for every vendor, through the calls VS Code itself makes: opening a document (its `stat`, then
// `readFile`), saving an edit (its pre-save `stat`, `writeFile`, and the `stat` after it), listing a folder in the
// Explorer (`readDirectory`) and again without a refresh, and new folder / rename / delete through
// vscode.workspace.fs (each with the stats VS Code adds around it). A request to these clouds costs 50-200 ms, so the
// count is the latency a user feels; counts are deterministic, so they are asserted exactly. Where an API cannot meet
// a budget, the test says the vendor's floor and why.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { KdocsSandboxControl, ShimoSandbox, VikaSandbox } from '../../src/sandbox/types';
import type { DocWorkspacesApi } from '../../src/vscode/api';
import { revertAllAndClose, setup, uriOf } from './support';
import { kdSetup, kdUri } from './kdocs-support';

interface Log { requestCount: number; requestsSince(mark: number): ReadonlyArray<{ method: string; path: string; status: number }> }

let api: DocWorkspacesApi;

/** Runs `fn` and returns the requests it made to the sandbox behind `log` ("METHOD path status"). */
async function counted(log: Log, fn: () => Thenable<unknown>): Promise<string[]> {
  const mark = log.requestCount;
  await fn();
  return log.requestsSince(mark).map((r) => `${r.method} ${r.path} ${r.status}`);
}

/** Budgets missed in the current test: all of a vendor's actions run, then the test lists every one missed. */
let missed: string[] = [];

/** Checks the number of requests of one action, recording the requests when it differs. */
/** Ends a test: every budget missed, with the requests made. */
function noneMissed(): void {
  if (missed.length) console.log(`BUDGET ${missed.join("\n  ")}`);
  assert.deepStrictEqual(missed, [], `over budget:\n  ${missed.join('\n  ')}`);
}

function budget(requests: string[], n: number, what: string): void {
  if (requests.length !== n) missed.push(`${what}: ${n} request(s) expected, made ${requests.length}:\n    ${requests.join('\n    ')}`);
}

/** Opens `uri` as VS Code does for a user (stat, then readFile) and returns the document. */
const open = (uri: vscode.Uri) => vscode.workspace.openTextDocument(uri);

/** Appends `s` to the end of an open document (a user's edit) and saves it as Ctrl+S does. */
async function editAndSave(doc: vscode.TextDocument, edit: (doc: vscode.TextDocument) => vscode.WorkspaceEdit): Promise<void> {
  assert.ok(await vscode.workspace.applyEdit(edit(doc)));
  assert.ok(await doc.save(), 'saved');
}

const appendLine = (s: string) => (doc: vscode.TextDocument) => {
  const e = new vscode.WorkspaceEdit();
  e.insert(doc.uri, new vscode.Position(doc.lineCount, 0), s);
  return e;
};

const child = (folder: vscode.Uri, name: string) => vscode.Uri.joinPath(folder, name);

/**
 * The file-store budgets (Gokuai, Kingsoft Docs app space): a folder of `n` files made first, then each action
 * counted. `expect` gives the budget of each action (the floor where the API cannot do better).
 */
async function fileStoreBudgets(log: Log, folder: vscode.Uri, n: number, put: (name: string, data: string) => void, expect: { list: number; open: number; save: number; mkdir: number; rename: number; del: number }): Promise<void> {
  // A colleague's folder of n files: nothing of it is known here yet but its parent (the user expanded it to get here).
  for (let i = 0; i < n; i++) put(`文件 ${i} #%.txt`, `line ${i}\n`);
  await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(folder, '..'));

  budget(await counted(log, () => vscode.workspace.fs.readDirectory(folder)), expect.list, `listing ${n} entries`);
  budget(await counted(log, () => vscode.workspace.fs.readDirectory(folder)), 0, 'listing again without a refresh');

  const file = child(folder, '文件 1 #%.txt');
  let doc!: vscode.TextDocument;
  budget(await counted(log, async () => { doc = await open(file); }), expect.open, 'opening a document');
  assert.strictEqual(doc.getText(), 'line 1\n');
  // The first upload of a session also asks for the upload key (Gokuai's upload_servers); it is reused afterwards.
  const first = await counted(log, () => editAndSave(doc, appendLine('more 😀\n')));
  budget(first.filter((r) => !r.includes('/upload_servers ')), expect.save, 'saving a small edit');
  budget(await counted(log, () => editAndSave(doc, appendLine('again\n'))), expect.save, 'saving the next edit');

  // New folder and rename: the floor is 2. VS Code first asks whether the new name is free, and only the server can
  // say so (a listing may be older than a colleague's new file); then the one request that does it.
  budget(await counted(log, () => vscode.workspace.fs.createDirectory(child(folder, '新 文件夹'))), expect.mkdir, 'a new folder');
  budget(await counted(log, () => vscode.workspace.fs.rename(child(folder, '文件 2 #%.txt'), child(folder, '改名 2.txt'))), expect.rename, 'a rename');
  budget(await counted(log, () => vscode.workspace.fs.delete(child(folder, '文件 0 #%.txt'))), expect.del, 'a delete');
  // What the listing shows afterwards is what the server has (the cache followed our own changes).
  const names = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).sort();
  assert.deepStrictEqual(names, [...Array.from({ length: n }, (_, i) => `文件 ${i} #%.txt`).filter((x) => !/^文件 [02] /.test(x)), '改名 2.txt', '新 文件夹'].sort());
}

describe('Requests per action', function () {
  this.timeout(120_000);

  before(async () => {
    ({ api } = await setup());
  });
  beforeEach(() => { missed = []; });
  afterEach(() => revertAllAndClose());

  it('Gokuai: open 2, save 2, list ⌈N/page⌉ then 0, new folder / rename 2 (floor), delete 1', async () => {
    const { control } = await setup();
    const mark = control.requestCount;
    const dir = `budgets-${Date.now().toString(36)}`;
    await fileStoreBudgets(control, uriOf(dir), 5, (name, data) => control.writeFile(`${dir}/${name}`, data), { list: 1, open: 2, save: 2, mkdir: 2, rename: 2, del: 1 });
    // Two saves with one upload-server key at most: it is reused until it expires.
    assert.ok(control.requestsSince(mark).filter((r) => r.path.endsWith('/upload_servers')).length <= 1);
    assert.strictEqual(control.requestsSince(mark).filter((r) => r.path.endsWith('/upload_part')).length, 0, 'small files go in one request');
    noneMissed();
  });

  it('a listing answers for 30 s without asking; Refresh asks again and shows a colleague\'s new file; a file an editor has open is always asked about', async () => {
    const { control } = await setup();
    const dir = `refresh-${Date.now().toString(36)}`;
    control.writeFile(`${dir}/a.txt`, 'a\n');
    const folder = uriOf(dir);
    const names = async () => (await vscode.workspace.fs.readDirectory(folder)).map(([n]) => n).sort();
    assert.deepStrictEqual(await names(), ['a.txt']);
    control.writeFile(`${dir}/b 新.txt`, 'b\n', 'Colleague');
    let listed: string[] = [];
    budget(await counted(control, async () => { listed = await names(); }), 0, 'listing again within 30 s');
    assert.deepStrictEqual(listed, ['a.txt'], 'the listing of moments ago');
    await vscode.commands.executeCommand('docWorkspaces.refresh');
    // The tree re-lists what it shows in the background after a Refresh: only "this listing asked" is asserted here.
    const relisted = await counted(control, async () => { listed = await names(); });
    assert.ok(relisted.some((r) => r.includes('/file/ls ')), `listed again after Refresh: ${relisted.join(', ')}`);
    assert.deepStrictEqual(listed, ['a.txt', 'b 新.txt']);
    // The colleague's file was never listed as absent: it opens even where a listing did not show it.
    const doc = await open(child(folder, 'b 新.txt'));
    assert.strictEqual(doc.getText(), 'b\n');
    // With the editor open, a stat asks the server (VS Code compares it with what the editor loaded).
    const asked = await counted(control, () => vscode.workspace.fs.stat(child(folder, 'b 新.txt')));
    assert.ok(asked.some((r) => r.includes('/file/info ')), `asked the server: ${asked.join(', ')}`);
    noneMissed();
  });

  it('Kingsoft Docs app space: open 2, save 2, list ⌈N/page⌉ then 0, new folder 2, rename 3, delete 2 (floors)', async () => {
    const { control } = await kdSetup();
    // Open: the floor is 3. The download answer is a bare link, without the file's version, so the file's info is
    // asked first (data and version must agree: the version is what the next save is checked against).
    const dir = `budgets-${Date.now().toString(36)}`;
    await fileStoreBudgets(control as KdocsSandboxControl, kdUri('appspace', dir), 5, (name, data) => control.writeFile('appspace', `${dir}/${name}`, data), { list: 1, open: 2, save: 2, mkdir: 2, rename: 3, del: 2 });
    noneMissed();
  });

  it('Vika: open a datasheet 2, save one changed cell 2, list 1 then 0', async () => {
    const sb = api.vendorSandbox('vika') as VikaSandbox;
    const space = sb.control.spaces()[0];
    const name = `budget ${Date.now().toString(36)}`;
    sb.control.createDatasheet(space.id, name, [{ name: 'Name', type: 'SingleText' }, { name: 'Count', type: 'Number' }], [{ Name: 'a', Count: 1 }, { Name: 'b', Count: 2 }]);
    const root = vscode.Uri.from({ scheme: 'vika', authority: 'sandbox-vika', path: `/${space.name}` });
    const log = sb.control as unknown as Log;
    // The account's spaces first (the user expands the account to get to a space; known already when listed before).
    await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, '..'));
    budget(await counted(log, () => vscode.workspace.fs.readDirectory(root)), 1, 'listing a space');
    budget(await counted(log, () => vscode.workspace.fs.readDirectory(root)), 0, 'listing again without a refresh');
    let doc!: vscode.TextDocument;
    budget(await counted(log, async () => { doc = await open(child(root, `${name}.csv`)); }), 2, 'opening a datasheet');
    const edit = (d: vscode.TextDocument) => {
      const e = new vscode.WorkspaceEdit();
      const line = d.lineAt(2).text;
      e.replace(d.uri, d.lineAt(2).range, line.replace(/,2$/, ',3'));
      return e;
    };
    budget(await counted(log, () => editAndSave(doc, edit)), 2, 'saving one changed cell');
    noneMissed();
  });

  it('Shimo: open a sheet 1, save one changed cell 2, list 0 (the file list is the extension\'s)', async () => {
    const sb = api.vendorSandbox('shimo') as ShimoSandbox;
    const log = sb.control as unknown as Log;
    const root = vscode.Uri.from({ scheme: 'shimo', authority: 'sandbox-shimo', path: '/spreadsheets' });
    let names: Array<[string, vscode.FileType]> = [];
    budget(await counted(log, async () => { names = await vscode.workspace.fs.readDirectory(root); }), 0, 'listing (Shimo has no list API)');
    const sales = names.find(([n]) => n.startsWith('销售数据'))![0];
    const sheets = await vscode.workspace.fs.readDirectory(child(root, sales));
    let doc!: vscode.TextDocument;
    // One request: the sheet's values (what the list knows is the stat).
    budget(await counted(log, async () => { doc = await open(child(child(root, sales), sheets[0][0])); }), 1, 'opening a sheet');
    const edit = (d: vscode.TextDocument) => {
      const e = new vscode.WorkspaceEdit();
      e.insert(d.uri, new vscode.Position(1, 0), 'x');
      return e;
    };
    budget(await counted(log, () => editAndSave(doc, edit)), 2, 'saving one changed cell');
    noneMissed();
  });
});
