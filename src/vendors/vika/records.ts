/**
 * Vika datasheets as a RecordsCapability: fields mapped onto core cell kinds, values between Vika's JSON cells and
 * core CellValues, writes with `fieldKey=id` (field names may change or hold any character; ids do not).
 *
 * Where the reference is silent, what is accepted from the server (tolerant) and what is sent:
 * - URL cells: a string, or `{text, title}` (newer servers) -> the text; a string is sent.
 * - Member cells: `[{id, name, type, avatar}]` or ids -> references; `[{id}]` is sent.
 * - CreatedBy / LastModifiedBy: `{uuid|id, name}` or an array of them -> read-only references.
 * - MagicLink cells: record ids, or `[{recordId, title}]` -> references; ids are sent.
 * - Attachment cells: `[{token, name, …}]`; `[{token, name}]` is sent (the token of an upload or of a kept file).
 * - DateTime: a timestamp (ms) or an ISO string -> ms; ms are sent.
 * - Checkbox: `true`, absent or `false`; `true`/`false` are sent.
 */
import { NotFoundError } from '../../core/errors';
import type { CallOptions, ProgressFn } from '../../core/model';
import type { CellKind, CellRef, CellValue, RecordValues, RecordsCapability, TableDocuments, TableField, TableInfo, TableRecord } from '../../core/records';
import type { VikaClient } from './client';
import { VIKA_COMPUTED_TYPES, VIKA_FIELD_TYPES, VIKA_MAX_PAGE_SIZE, VIKA_MAX_WRITE, type VikaField, type VikaRecord } from './wire';

/** A Vika table: a datasheet, or one of its views. */
export interface VikaTable extends TableInfo {
  spaceId: string;
}

/** Where the store's paths lead (implemented by VikaRemoteFs). */
export interface VikaTableResolver {
  table(path: string, o?: CallOptions): Promise<VikaTable>;
  views(path: string, o?: CallOptions): Promise<Array<{ name: string; path: string; type?: string }>>;
  createTable(folder: string, name: string, o?: CallOptions): Promise<string>;
}

const KIND: Record<string, CellKind> = {
  SingleText: 'text', Text: 'text', URL: 'text', Email: 'text', Phone: 'text',
  Number: 'number', Currency: 'number', Percent: 'number', Rating: 'number', AutoNumber: 'number',
  Checkbox: 'checkbox',
  SingleSelect: 'select', MultiSelect: 'multiselect',
  DateTime: 'datetime', CreatedTime: 'datetime', LastModifiedTime: 'datetime',
  MagicLink: 'links',
  Member: 'members', CreatedBy: 'members', LastModifiedBy: 'members',
  Attachment: 'attachments',
};

export function toTableField(f: VikaField): TableField {
  const p = (f.property ?? {}) as { options?: Array<{ id?: string; name?: string }>; max?: number };
  const kind = KIND[f.type] ?? 'other';
  const field: TableField = {
    id: f.id,
    name: f.name,
    type: f.type,
    kind,
    readOnly: VIKA_COMPUTED_TYPES.has(f.type) || f.editable === false || !(f.type in KIND),
    primary: f.isPrimary,
  };
  if ((kind === 'select' || kind === 'multiselect') && Array.isArray(p.options)) field.options = p.options.map((o) => String(o.name));
  if (f.type === 'Member' && Array.isArray(p.options)) field.members = p.options.map((o) => ({ id: String(o.id), name: o.name }));
  if (f.type === 'Rating') field.max = typeof p.max === 'number' ? p.max : 5;
  return field;
}

function refs(v: unknown, idKeys: readonly string[], nameKeys: readonly string[]): CellRef[] {
  const list = Array.isArray(v) ? v : v === null || v === undefined ? [] : [v];
  return list.map((x): CellRef => {
    if (typeof x !== 'object' || x === null) return { id: String(x) };
    const o = x as Record<string, unknown>;
    const id = idKeys.map((k) => o[k]).find((s) => typeof s === 'string' && s) as string | undefined;
    const name = nameKeys.map((k) => o[k]).find((s) => typeof s === 'string') as string | undefined;
    return { id: id ?? name ?? '', name };
  });
}

/** A Vika cell as a core value. */
export function fromWire(field: TableField, v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  switch (field.kind) {
    case 'text':
      if (typeof v === 'object' && !Array.isArray(v)) {
        const o = v as { text?: unknown; title?: unknown };
        return String(o.text ?? o.title ?? '');
      }
      return Array.isArray(v) ? v.map(String).join('') : String(v);
    case 'number':
      return typeof v === 'number' ? v : Number.isFinite(Number(v)) ? Number(v) : String(v);
    case 'checkbox':
      return v === true || v === 'true';
    case 'select':
      return typeof v === 'object' ? String((v as { name?: unknown }).name ?? '') : String(v);
    case 'multiselect':
      return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' && x ? String((x as { name?: unknown }).name) : String(x)));
    case 'datetime':
      return typeof v === 'number' ? v : Number.isFinite(Date.parse(String(v))) ? Date.parse(String(v)) : String(v);
    case 'links':
      return refs(v, ['recordId', 'id'], ['title', 'name']);
    case 'members':
      return refs(v, ['id', 'uuid', 'unitId'], ['name']);
    case 'attachments':
      return refs(v, ['token', 'id'], ['name']);
    default:
      return v;
  }
}

/** A core value as the Vika cell to send. */
export function toWire(field: TableField, v: CellValue): unknown {
  if (v === null || v === undefined) return null;
  switch (field.kind) {
    case 'links':
      return (v as CellRef[]).map((r) => r.id);
    case 'members':
      return (v as CellRef[]).map((r) => ({ id: r.id }));
    case 'attachments':
      return (v as CellRef[]).map((r) => (r.name ? { token: r.id, name: r.name } : { token: r.id }));
    default:
      return v;
  }
}

function toRecord(fields: readonly TableField[], r: VikaRecord): TableRecord {
  const values: Record<string, CellValue> = {};
  const cells = r.fields ?? {};
  for (const f of fields) if (cells[f.id] !== undefined) values[f.id] = fromWire(f, cells[f.id]);
  return { id: r.recordId, updatedAt: r.updatedAt, values };
}

function wireValues(fields: readonly TableField[], values: RecordValues): Record<string, unknown> {
  const byId = new Map(fields.map((f) => [f.id, f]));
  const out: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(values)) {
    const f = byId.get(id);
    if (f) out[id] = toWire(f, v);
  }
  return out;
}

export class VikaRecords implements RecordsCapability {
  readonly maxBatch = VIKA_MAX_WRITE;
  readonly pageSize = VIKA_MAX_PAGE_SIZE;
  /** recordIds per GET: 100 keep the URL near 3 KB (servers and proxies refuse long ones). */
  readonly idsPerGet = 100;
  /** Set by the store that shows these tables as documents. */
  documents?: TableDocuments;
  readonly fieldTypes = VIKA_FIELD_TYPES.filter((t) => !['MagicLink', 'MagicLookUp', 'Formula'].includes(t));

  constructor(private readonly client: VikaClient, private readonly paths: VikaTableResolver, private readonly webHost?: string) {}

  async table(path: string, o?: CallOptions): Promise<VikaTable> {
    const t = await this.paths.table(path, o);
    const web = this.webHost;
    return web ? { ...t, recordUrl: (rec) => `${web}/workbench/${t.id}${t.viewId ? `/${t.viewId}` : ''}/${rec}` } : t;
  }

  async fields(table: TableInfo, o?: CallOptions): Promise<TableField[]> {
    const fields = (await this.client.listFields(table.id, table.viewId, o)).map(toTableField);
    // Column headers must be unique: a second field of the same name gets its id added.
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f.name)) f.name = `${f.name} (${f.id})`;
      seen.add(f.name);
    }
    return fields;
  }

  async *records(table: TableInfo, fields: readonly TableField[], o: CallOptions & { onProgress?: ProgressFn } = {}): AsyncIterable<TableRecord[]> {
    let done = 0;
    for await (const page of this.client.queryAll(table.id, { viewId: table.viewId, fieldKey: 'id', cellFormat: 'json' }, o)) {
      done += page.records.length;
      o.onProgress?.(done, page.total);
      yield page.records.map((r) => toRecord(fields, r));
    }
  }

  async get(table: TableInfo, fields: readonly TableField[], ids: readonly string[], o?: CallOptions): Promise<TableRecord[]> {
    const out: TableRecord[] = [];
    for (let i = 0; i < ids.length; i += this.idsPerGet) {
      // Without the view: a record the view filters out now is still there.
      const page = await this.client.listRecords(table.id, { recordIds: ids.slice(i, i + this.idsPerGet), fieldKey: 'id', pageSize: VIKA_MAX_PAGE_SIZE }, o);
      out.push(...page.records.map((r) => toRecord(fields, r)));
    }
    return out;
  }

  async create(table: TableInfo, fields: readonly TableField[], rows: readonly RecordValues[], o?: CallOptions): Promise<TableRecord[]> {
    const answer = await this.client.createRecords(table.id, rows.map((v) => ({ fields: wireValues(fields, v) })), 'id', o);
    return answer.map((r) => toRecord(fields, r));
  }

  async update(table: TableInfo, fields: readonly TableField[], rows: ReadonlyArray<{ id: string; values: RecordValues }>, o?: CallOptions): Promise<TableRecord[]> {
    const answer = await this.client.updateRecords(table.id, rows.map((r) => ({ recordId: r.id, fields: wireValues(fields, r.values) })), 'id', o);
    return answer.map((r) => toRecord(fields, r));
  }

  async delete(table: TableInfo, ids: readonly string[], o?: CallOptions): Promise<void> {
    await this.client.deleteRecords(table.id, ids, o);
  }

  createTable(folder: string, name: string, o?: CallOptions): Promise<string> {
    return this.paths.createTable(folder, name, o);
  }

  async addField(table: TableInfo, field: { name: string; type: string }, o?: CallOptions): Promise<TableField> {
    const t = table as VikaTable;
    const made = await this.client.createField(t.spaceId, t.id, field, o);
    const all = await this.client.listFields(t.id, undefined, o);
    const f = all.find((x) => x.id === made.id);
    return f ? toTableField(f) : { id: made.id, name: made.name, type: field.type, kind: KIND[field.type] ?? 'other', readOnly: VIKA_COMPUTED_TYPES.has(field.type) };
  }

  async deleteField(table: TableInfo, fieldId: string, o?: CallOptions): Promise<void> {
    const t = table as VikaTable;
    await this.client.deleteField(t.spaceId, t.id, fieldId, o);
  }

  /** Uploads the file, then adds it to the record's attachment field (what it held stays). */
  async attach(table: TableInfo, recordId: string, fieldId: string, file: { name: string; data: Uint8Array }, o?: CallOptions): Promise<void> {
    const page = await this.client.listRecords(table.id, { recordIds: [recordId], fieldKey: 'id' }, o);
    const rec = page.records[0];
    if (!rec) throw new NotFoundError(`the record ${recordId} is not in ${table.name} any more`);
    const up = await this.client.uploadAttachment(table.id, file, o);
    const kept = Array.isArray(rec.fields[fieldId]) ? (rec.fields[fieldId] as Array<Record<string, unknown>>) : [];
    await this.client.updateRecords(table.id, [{ recordId, fields: { [fieldId]: [...kept, up] } }], 'id', o);
  }

  views(path: string, o?: CallOptions): Promise<Array<{ name: string; path: string; type?: string }>> {
    return this.paths.views(path, o);
  }
}
