import * as assert from 'assert';
import { ConflictError, DocError, ServerError } from '../../src/core/errors';
import type { CellValue, RecordValues, RecordsCapability, TableField, TableInfo, TableRecord } from '../../src/core/records';
import { formatList, parseCell, parseCsv, parseJson, parseList, recordIdAt, renderCell, toCsv } from '../../src/core/tablecodec';
import { planChanges, type TableBase } from '../../src/core/tablediff';
import { TableFiles } from '../../src/core/tablefiles';

const F = (id: string, name: string, kind: TableField['kind'], more: Partial<TableField> = {}): TableField => ({ id, name, type: kind, kind, readOnly: false, ...more });

const FIELDS: TableField[] = [
  F('f1', '标题', 'text', { primary: true }),
  F('f2', 'Count', 'number'),
  F('f3', 'Done', 'checkbox'),
  F('f4', 'Status', 'select', { options: ['进行中', '完成'] }),
  F('f5', 'Tags', 'multiselect', { options: ['a', 'b, c', 'd'] }),
  F('f6', 'Due', 'datetime'),
  F('f7', 'Auto', 'number', { readOnly: true, type: 'AutoNumber' }),
];

describe('tables as documents: cell text forms', () => {
  it('lists: items with commas or quotes are JSON strings, and read back as themselves', () => {
    const items = ['plain', 'b, c', 'say "hi"', ' padded '];
    const text = formatList(items);
    assert.strictEqual(text, 'plain, "b, c", "say \\"hi\\"", " padded "');
    assert.deepStrictEqual(parseList(text), items);
    assert.deepStrictEqual(parseList('["x","y, z"]'), ['x', 'y, z']);
    assert.throws(() => parseList('"open'), /closing quote/);
  });

  it('numbers, checkboxes, dates and options read in any reasonable spelling, render one way', () => {
    assert.strictEqual(renderCell(FIELDS[1], parseCell(FIELDS[1], ' 1.50 ')), '1.5');
    assert.throws(() => parseCell(FIELDS[1], '1,5'), /"1,5" is not a number/);
    assert.strictEqual(parseCell(FIELDS[2], 'YES'), true);
    assert.strictEqual(parseCell(FIELDS[2], ''), false);
    assert.strictEqual(renderCell(FIELDS[2], false), '');
    assert.throws(() => parseCell(FIELDS[2], 'maybe'), /not true or false/);
    assert.strictEqual(parseCell(FIELDS[5], '2024-05-01'), Date.UTC(2024, 4, 1));
    assert.strictEqual(renderCell(FIELDS[5], Date.UTC(2024, 4, 1, 8, 30)), '2024-05-01T08:30:00.000Z');
    assert.throws(() => parseCell(FIELDS[5], 'next tuesday'), /not a date/);
    assert.throws(() => parseCell(FIELDS[3], '未开始'), /"未开始" is not one of its options \("进行中", "完成"\)/);
    assert.deepStrictEqual(parseCell(FIELDS[4], '"b, c", d'), ['b, c', 'd']);
  });

  it('members resolve by name or "name <id>"; attachments are named by the record\'s own files', () => {
    const member = F('m', 'Owner', 'members', { members: [{ id: 'u1', name: 'Coco' }, { id: 'u2', name: '小明' }] });
    assert.deepStrictEqual(parseCell(member, 'Coco, 小明 <u2>'), [{ id: 'u1', name: 'Coco' }, { id: 'u2', name: '小明' }]);
    assert.throws(() => parseCell(member, 'Nobody'), /no member called "Nobody"/);
    const files = F('a', 'Files', 'attachments');
    const current = [{ id: 'tok1', name: 'a b.png' }];
    assert.strictEqual(renderCell(files, current), 'a b.png <tok1>');
    assert.deepStrictEqual(parseCell(files, 'a b.png', current), [{ id: 'tok1', name: 'a b.png' }]);
    assert.throws(() => parseCell(files, 'other.png', current), /Upload Attachment/);
  });

  it('CSV and JSON documents keep commas, quotes, line breaks and emoji in cells', () => {
    const rows = [{ id: 'rec1', cells: ['a, "b"\nc 🚀', '2', 'true', '完成', 'a', '', '1'] }];
    const csv = toCsv(FIELDS, rows);
    const back = parseCsv(csv);
    assert.deepStrictEqual(back.header, ['_recordId', ...FIELDS.map((f) => f.name)]);
    assert.deepStrictEqual(back.rows, [['rec1', ...rows[0].cells]]);
    const json = parseJson(JSON.stringify([{ _recordId: 'rec1', 标题: 'x', Count: 2, Done: true, Tags: ['a', 'b, c'] }]), FIELDS);
    assert.deepStrictEqual(json.rows[0].slice(0, 6), ['rec1', 'x', '2', 'true', '\u0000missing', 'a, "b, c"']);
  });

  it('finds the record of the row under the cursor, multi-line cells included', () => {
    const csv = toCsv(FIELDS.slice(0, 1), [{ id: 'rec1', cells: ['one\ntwo'] }, { id: 'rec2', cells: ['three'] }, { id: '', cells: ['new'] }]);
    assert.strictEqual(recordIdAt('csv', csv, 0), undefined);
    assert.strictEqual(recordIdAt('csv', csv, 1), 'rec1');
    assert.strictEqual(recordIdAt('csv', csv, 2), 'rec1');
    assert.strictEqual(recordIdAt('csv', csv, 3), 'rec2');
    assert.strictEqual(recordIdAt('csv', csv, 4), undefined);
  });
});

/** A base of n records: 标题 = "row i", Count = i, Auto = i. */
function base(n: number): TableBase {
  const rows = new Map();
  for (let i = 1; i <= n; i++) rows.set(`rec${i}`, { id: `rec${i}`, updatedAt: 1, cells: [`row ${i}`, String(i), '', '', '', '', String(i)], values: {} });
  return { fields: FIELDS, rows, created: [] };
}

function doc(b: TableBase, edit: (rows: string[][]) => void): string {
  const rows = [...b.rows.values()].map((r) => [r.id, ...r.cells]);
  edit(rows);
  return toCsv(FIELDS, rows.map((r) => ({ id: r[0], cells: r.slice(1) })));
}

describe('tables as documents: the plan of a save', () => {
  it('a document without the _recordId column is refused (it would delete and recreate every record)', () => {
    const b = base(2);
    const doc = parseCsv(toCsv(FIELDS, [...b.rows.values()].map((r) => ({ id: r.id, cells: r.cells }))));
    doc.header.shift();
    doc.rows.forEach((r) => r.shift());
    assert.throws(() => planChanges(b, doc, 'T'), /the _recordId column is missing/);
  });

  it('a JSON record without a _recordId key is a new row', () => {
    const b = base(1);
    const doc = parseJson(JSON.stringify([{ _recordId: 'rec1', 标题: 'row 1', Count: 1, Auto: 1 }, { 标题: 'added', Count: 5 }]), FIELDS);
    const plan = planChanges(b, doc, 'T');
    assert.deepStrictEqual(plan.creates.map((c) => c.values), [{ f1: 'added', f2: 5 }]);
    assert.deepStrictEqual(plan.deletes, []);
  });

  it('line ends inside a text cell: \\r\\n from the server and \\n from the editor are the same text', () => {
    const b = base(1);
    b.rows.get('rec1')!.cells[0] = renderCell(FIELDS[0], 'a\r\nb');
    const plan = planChanges(b, parseCsv(doc(b, (rows) => { rows[0][1] = 'a\nb'; })), 'T');
    assert.deepStrictEqual(plan.updates, []);
  });

  it('three edited cells, a row added and a row deleted: exactly those changes, only the changed fields', () => {
    const b = base(5);
    const text = doc(b, (rows) => {
      rows[0][2] = '10';
      rows[1][4] = '完成';
      rows[1][1] = 'renamed 2';
      rows.splice(3, 1);
      rows.push(['', 'new row', '7', 'yes', '', '', '', '']);
    });
    const plan = planChanges(b, parseCsv(text), 'T');
    assert.deepStrictEqual(plan.updates.map((u) => [u.id, u.values]), [['rec1', { f2: 10 }], ['rec2', { f1: 'renamed 2', f4: '完成' }]]);
    assert.deepStrictEqual(plan.creates.map((c) => c.values), [{ f1: 'new row', f2: 7, f3: true }]);
    assert.deepStrictEqual(plan.deletes, ['rec4']);
  });

  it('the same number spelled differently is no change', () => {
    const b = base(2);
    const plan = planChanges(b, parseCsv(doc(b, (rows) => { rows[0][2] = '1.0'; })), 'T');
    assert.deepStrictEqual(plan, { creates: [], updates: [], deletes: [], alreadyCreated: [] });
  });

  it('refuses, naming row and field: a read-only field edited, a bad value, an unknown column, a duplicate id', () => {
    const b = base(3);
    assert.throws(() => planChanges(b, parseCsv(doc(b, (rows) => { rows[1][7] = '99'; })), '项目'),
      (e: DocError) => e.kind === 'InvalidInput' && /Nothing was saved to "项目": row 2 \(rec2\), field "Auto" is read-only/.test(e.message));
    assert.throws(() => planChanges(b, parseCsv(doc(b, (rows) => { rows[2][2] = 'many'; })), 'T'), /row 3 \(rec3\), field "Count": "many" is not a number/);
    assert.throws(() => planChanges(b, parseCsv(doc(b, (rows) => { rows[0][1] = 'x'; rows.push([...rows[0]]); })), 'T'), /row 4: the record rec1 appears twice/);
    const extra = parseCsv(doc(b, () => undefined));
    extra.header.push('Nope');
    assert.throws(() => planChanges(b, extra, 'T'), /the column "Nope" is not a field/);
  });
});

/** A records capability in memory, counting requests and failing on demand. */
class MemoryRecords implements RecordsCapability {
  readonly maxBatch = 10;
  pageSize?: number;
  idsPerGet?: number;
  readonly data = new Map<string, TableRecord>();
  readonly calls: Array<{ op: string; n: number }> = [];
  failAfter = Infinity;
  private next = 1000;
  private clock = 10;

  constructor(n: number) {
    for (let i = 1; i <= n; i++) this.data.set(`rec${i}`, { id: `rec${i}`, updatedAt: 1, values: { f1: `row ${i}`, f2: i, f7: i } });
  }
  private count(op: string, n: number) {
    if (this.failAfter-- <= 0) throw new ServerError('HTTP 500 from the fake');
    this.calls.push({ op, n });
  }
  async table(): Promise<TableInfo> { return { id: 'dst1', name: 'T' }; }
  async fields(): Promise<TableField[]> { return FIELDS; }
  async *records(): AsyncIterable<TableRecord[]> {
    this.calls.push({ op: 'read', n: this.data.size });
    yield [...this.data.values()];
  }
  async get(_t: TableInfo, _f: readonly TableField[], ids: readonly string[]): Promise<TableRecord[]> {
    this.count('get', ids.length);
    return ids.map((id) => this.data.get(id)).filter((r): r is TableRecord => !!r);
  }
  async create(_t: TableInfo, _f: readonly TableField[], rows: readonly RecordValues[]): Promise<TableRecord[]> {
    this.count('create', rows.length);
    return rows.map((values) => {
      const r = { id: `rec${this.next++}`, updatedAt: ++this.clock, values: values as Record<string, CellValue> };
      this.data.set(r.id, r);
      return r;
    });
  }
  async update(_t: TableInfo, _f: readonly TableField[], rows: ReadonlyArray<{ id: string; values: RecordValues }>): Promise<TableRecord[]> {
    this.count('update', rows.length);
    return rows.map((u) => {
      const r = this.data.get(u.id)!;
      const next = { ...r, updatedAt: ++this.clock, values: { ...r.values, ...u.values } };
      this.data.set(u.id, next);
      return next;
    });
  }
  async delete(_t: TableInfo, ids: readonly string[]): Promise<void> {
    this.count('delete', ids.length);
    for (const id of ids) this.data.delete(id);
  }
}

const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
const bytes = (s: string) => new TextEncoder().encode(s);
function edit(csv: string, fn: (rows: string[][]) => void): Uint8Array {
  const d = parseCsv(csv);
  fn(d.rows);
  return bytes(toCsv(FIELDS, d.rows.map((r) => ({ id: r[0], cells: r.slice(1) }))));
}

describe('tables as documents: saving (TableFiles)', () => {
  it('sends creates, updates and deletes in batches of at most 10, with one read of the touched records first', async () => {
    const mem = new MemoryRecords(30);
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    mem.calls.length = 0;
    const next = edit(text(data), (rows) => {
      for (let i = 0; i < 12; i++) rows[i][2] = String(100 + i);
      rows.splice(20, 3);
      for (let i = 0; i < 11; i++) rows.push(['', `new ${i}`, '', '', '', '', '', '']);
    });
    const { summary } = await files.write('t.csv', 'csv', next, { expectedVersion: stat.version });
    assert.deepStrictEqual(summary, { created: 11, updated: 12, deleted: 3, requests: 5 });
    assert.deepStrictEqual(mem.calls, [
      { op: 'get', n: 15 }, { op: 'update', n: 10 }, { op: 'update', n: 2 }, { op: 'create', n: 10 }, { op: 'create', n: 1 }, { op: 'delete', n: 3 },
    ]);
    assert.strictEqual(mem.data.get('rec3')!.values.f2, 102);
    assert.strictEqual(mem.data.size, 30 - 3 + 11);
  });

  it('reads the touched records of a mostly changed table in pages when that takes fewer requests than by id', async () => {
    const mem = new MemoryRecords(250);
    mem.pageSize = 1000;
    mem.idsPerGet = 100;
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    mem.calls.length = 0;
    await files.write('t.csv', 'csv', edit(text(data), (rows) => { for (const r of rows) r[2] = `${r[2]}0`; }), { expectedVersion: stat.version });
    assert.deepStrictEqual(mem.calls.filter((c) => c.op !== 'update'), [{ op: 'read', n: 250 }], 'one page, not 3 requests by id');
    assert.strictEqual(mem.calls.filter((c) => c.op === 'update').length, 25);
    mem.calls.length = 0;
    const again = await files.read('t.csv', 'csv');
    mem.calls.length = 0;
    await files.write('t.csv', 'csv', edit(text(again.data), (rows) => { rows[0][2] = '1'; }), { expectedVersion: again.stat.version });
    assert.deepStrictEqual(mem.calls, [{ op: 'get', n: 1 }, { op: 'update', n: 1 }], 'a small change asks by id');
  });

  it('a record changed on the server in a field the save changes is a conflict: nothing sent; Overwrite sends it', async () => {
    const mem = new MemoryRecords(3);
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    mem.data.set('rec2', { ...mem.data.get('rec2')!, updatedAt: 99, values: { ...mem.data.get('rec2')!.values, f2: 42 } });
    mem.calls.length = 0;
    const next = edit(text(data), (rows) => { rows[1][2] = '7'; });
    const err = await files.write('t.csv', 'csv', next, { expectedVersion: stat.version }).catch((e: unknown) => e);
    assert.ok(err instanceof ConflictError && /rec2 "Count" is now "42"/.test(err.message), String(err));
    assert.deepStrictEqual(mem.calls.map((c) => c.op), ['get'], 'only the check: nothing written');
    assert.strictEqual(mem.data.get('rec2')!.values.f2, 42);
    // the editor's "Overwrite": a save expecting the version the conflict handed out (what stat says now)
    const v = files.stat('t.csv')!.version;
    assert.notStrictEqual(v, stat.version);
    await files.write('t.csv', 'csv', next, { expectedVersion: v });
    assert.strictEqual(mem.data.get('rec2')!.values.f2, 7);
  });

  it('a change elsewhere in the same record is no conflict; a save against an unknown version is', async () => {
    const mem = new MemoryRecords(3);
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    mem.data.set('rec1', { ...mem.data.get('rec1')!, values: { ...mem.data.get('rec1')!.values, f1: 'someone else' } });
    await files.write('t.csv', 'csv', edit(text(data), (rows) => { rows[0][2] = '5'; }), { expectedVersion: stat.version });
    assert.deepStrictEqual(mem.data.get('rec1')!.values, { f1: 'someone else', f2: 5, f7: 1 });
    await assert.rejects(files.write('t.csv', 'csv', bytes(text(data)), { expectedVersion: 'gone' }), ConflictError);
  });

  it('after a window reload (a new TableFiles, the editor restored): saves when the table did not change, else a conflict', async () => {
    const mem = new MemoryRecords(3);
    const { data, stat } = await new TableFiles(mem).read('t.csv', 'csv');
    const restored = new TableFiles(mem);
    await restored.write('t.csv', 'csv', edit(text(data), (rows) => { rows[0][2] = '9'; }), { expectedVersion: stat.version });
    assert.strictEqual(mem.data.get('rec1')!.values.f2, 9);
    const again = new TableFiles(mem);
    await assert.rejects(again.write('t.csv', 'csv', edit(text(data), (rows) => { rows[1][2] = '8'; }), { expectedVersion: stat.version }), ConflictError);
    assert.strictEqual(mem.data.get('rec2')!.values.f2, 2);
  });

  it('a failure part way says what was applied; saving again sends only the rest, and creates nothing twice', async () => {
    const mem = new MemoryRecords(50);
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    const next = edit(text(data), (rows) => {
      for (let i = 0; i < 30; i++) rows[i][2] = String(500 + i);
      for (let i = 0; i < 20; i++) rows.push(['', `new ${i}`, String(i), '', '', '', '', '']);
    });
    mem.calls.length = 0;
    mem.failAfter = 4; // get, 3 updates, then the first create fails
    const err = await files.write('t.csv', 'csv', next, { expectedVersion: stat.version }).catch((e: unknown) => e) as DocError;
    assert.match(err.message, /Part of "T" was saved \(30 updated, 0 created, 0 deleted\); 2 of 5 requests were not sent/);
    mem.failAfter = Infinity;
    mem.calls.length = 0;
    // the editor is still dirty with the same text; the user saves again
    await files.write('t.csv', 'csv', next, { expectedVersion: stat.version });
    assert.deepStrictEqual(mem.calls, [{ op: 'create', n: 10 }, { op: 'create', n: 10 }]);
    assert.strictEqual(mem.data.size, 70);
    // and the records created get their ids on the reload; a third save sends nothing
    assert.strictEqual(files.takeReload('t.csv'), true);
    const shown = await files.read('t.csv', 'csv');
    assert.strictEqual((text(shown.data).match(/^rec10\d\d,new/gm) ?? []).length, 20);
    mem.calls.length = 0;
    await files.write('t.csv', 'csv', shown.data, { expectedVersion: shown.stat.version });
    assert.deepStrictEqual(mem.calls, []);
  });

  it('rows created before a failure are recognised though the server filled their computed cells', async () => {
    const mem = new MemoryRecords(1);
    const origCreate = mem.create.bind(mem);
    mem.create = async (t, f, rows) => (await origCreate(t, f, rows)).map((r) => ({ ...r, values: { ...r.values, f7: 99 } }));
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    const next = edit(text(data), (rows) => { for (let i = 0; i < 15; i++) rows.push(['', `n${i}`, '', '', '', '', '', '']); });
    mem.failAfter = 1;
    await assert.rejects(files.write('t.csv', 'csv', next, { expectedVersion: stat.version }));
    mem.failAfter = Infinity;
    mem.calls.length = 0;
    await files.write('t.csv', 'csv', next, { expectedVersion: stat.version });
    assert.deepStrictEqual(mem.calls, [{ op: 'create', n: 5 }]);
  });

  it('a failure after some creates: saving the same text again does not create those rows again', async () => {
    const mem = new MemoryRecords(1);
    const files = new TableFiles(mem);
    const { data, stat } = await files.read('t.csv', 'csv');
    const next = edit(text(data), (rows) => { for (let i = 0; i < 15; i++) rows.push(['', `n${i}`, '', '', '', '', '', '']); });
    mem.failAfter = 1; // the first create batch goes through, the second fails
    await assert.rejects(files.write('t.csv', 'csv', next, { expectedVersion: stat.version }), /0 updated, 10 created/);
    mem.failAfter = Infinity;
    mem.calls.length = 0;
    await files.write('t.csv', 'csv', next, { expectedVersion: stat.version });
    assert.deepStrictEqual(mem.calls, [{ op: 'create', n: 5 }]);
    assert.strictEqual(mem.data.size, 16);
  });
});
