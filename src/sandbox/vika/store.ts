import * as crypto from 'node:crypto';
import { cellJson, coerceCell, defaultCell, fieldByKey, formulaOf } from './cells';
import { verr } from './errors';
import { IdGenerator } from './ids';
import {
  FIELD_TYPES, READ_ONLY_TYPES,
  type AttachmentBlob, type Datasheet, type Field, type FieldType, type Member, type NodeEntry, type NodeType, type Rec,
  type SelectOption, type Space, type User, type View, type ViewType, type World,
} from './model';

/**
 * In-memory state of the Vika sandbox: spaces, their node trees (folders, datasheets, forms, dashboards), datasheets
 * with fields, views and records, uploaded attachments, members and users. Everything the API and the control object
 * change goes through here, with the limits of the reference: 200 fields and 50 000 rows per datasheet, names of at
 * most 100 characters, descriptions of at most 500, 1 GB of attachments per space.
 */

export const MAX_FIELDS = 200;
export const MAX_ROWS = 50_000;
export const MAX_NAME = 100;
export const MAX_DESCRIPTION = 500;
export const SPACE_CAPACITY = 1024 * 1024 * 1024;
export const ROLLUP_FUNCTIONS = ['VALUES', 'AVERAGE', 'COUNT', 'COUNTA', 'COUNTALL', 'SUM', 'MIN', 'MAX', 'AND', 'OR', 'XOR', 'CONCATENATE', 'ARRAYJOIN', 'ARRAYUNIQUE', 'ARRAYCOMPACT'];

/** Option colours (name and value as the reference's example shows them; the palette itself is the sandbox's). */
export const COLORS: ReadonlyArray<{ name: string; value: string }> = [
  { name: 'indigo_4', value: '#5586FF' }, { name: 'blue_4', value: '#55CDFF' }, { name: 'teal_4', value: '#55E0B5' },
  { name: 'green_4', value: '#7BD859' }, { name: 'yellow_4', value: '#FFD34C' }, { name: 'orange_4', value: '#FFA345' },
  { name: 'red_4', value: '#FF708B' }, { name: 'pink_4', value: '#FF7DC7' }, { name: 'purple_4', value: '#B068FF' },
  { name: 'deepPurple_4', value: '#7B67EE' },
];

/** A field as a create request (or the control object) describes it. */
export interface FieldSpec { name: unknown; type: unknown; property?: unknown; desc?: unknown }

export type Position = 'first' | 'last' | { after: string };

export class Store implements World {
  readonly ids = new IdGenerator();
  readonly spaces = new Map<string, Space>();
  readonly nodes = new Map<string, NodeEntry>();
  readonly sheets = new Map<string, Datasheet>();
  readonly attachments = new Map<string, AttachmentBlob>();
  readonly members = new Map<string, Member>();
  readonly users = new Map<string, User>();
  /** The token's user (API writes). */
  readonly apiUser: User;
  /** Another member (control writes). */
  readonly otherUser: User;
  private lastTick = 0;

  /** `host`: the sandbox's base URL (attachment and avatar URLs point at it). */
  constructor(readonly host: string) {
    this.apiUser = this.addUser('沙箱用户 Sandbox User');
    this.otherUser = this.addUser('同事 Colleague');
  }

  /** Milliseconds, strictly increasing across writes (two writes in one ms still order). */
  tick(): number {
    this.lastTick = Math.max(Date.now(), this.lastTick + 1);
    return this.lastTick;
  }

  // --- World ---
  datasheet(id: string): Datasheet | undefined {
    const ds = this.sheets.get(id);
    ds?.generate?.();
    return ds;
  }
  member(id: string): Member | undefined {
    return this.members.get(id);
  }
  user(uuid: string): User | undefined {
    return this.users.get(uuid);
  }
  attachmentMeta(token: string): AttachmentBlob | undefined {
    return this.attachments.get(token);
  }

  avatar(n: number): string {
    return `${this.host}/public/avatar/${n % 8}.png`;
  }

  addUser(name: string): User {
    const u: User = { uuid: this.ids.hex(32), name, avatar: this.avatar(this.users.size) };
    this.users.set(u.uuid, u);
    return u;
  }

  addMember(name: string, type: 'Member' | 'Team' = 'Member'): Member {
    const m: Member = { id: this.ids.digits(19), name, type, avatar: this.avatar(this.members.size + 2) };
    this.members.set(m.id, m);
    return m;
  }

  // ------------------------------------------------------------------------------------------------ spaces, nodes

  addSpace(name: string, isAdmin = true): Space {
    const s: Space = { id: this.ids.id('spc'), name, isAdmin, root: [], usedBytes: 0 };
    this.spaces.set(s.id, s);
    return s;
  }

  requireSpace(spaceId: string): Space {
    const s = this.spaces.get(spaceId);
    if (!s) throw verr.param(`空间站不存在 (unknown space): ${spaceId}`);
    return s;
  }

  /** Adds a node under `parentId` (a folder of the same space) or the root, at `pos`. */
  addNode(spaceId: string, o: { name: string; type: NodeType; icon?: string; isFav?: boolean; id?: string }, parentId?: string, pos: Position = 'last'): NodeEntry {
    const space = this.requireSpace(spaceId);
    const prefix = o.type === 'Folder' ? 'fod' : o.type === 'Datasheet' ? 'dst' : o.type === 'Form' ? 'fom' : 'dsb';
    const n: NodeEntry = { id: o.id ?? this.ids.id(prefix), name: o.name, type: o.type, isFav: o.isFav ?? false, spaceId };
    if (o.icon) n.icon = o.icon;
    if (o.type === 'Folder') n.children = [];
    const list = this.childList(space, parentId);
    if (parentId) n.parentId = parentId;
    if (pos === 'first') list.unshift(n.id);
    else if (pos === 'last') list.push(n.id);
    else list.splice(list.indexOf(pos.after) + 1, 0, n.id);
    this.nodes.set(n.id, n);
    return n;
  }

  private childList(space: Space, parentId: string | undefined): string[] {
    if (!parentId) return space.root;
    const folder = this.nodes.get(parentId);
    if (!folder || folder.type !== 'Folder' || folder.spaceId !== space.id) throw verr.param(`文件夹不存在 (unknown folder): ${parentId}`);
    return folder.children!;
  }

  children(spaceId: string, parentId?: string): NodeEntry[] {
    return this.childList(this.requireSpace(spaceId), parentId).map((id) => this.nodes.get(id)!);
  }

  nodeJson(n: NodeEntry, withChildren: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = { id: n.id, name: n.name, type: n.type };
    if (n.icon) out.icon = n.icon;
    out.isFolder = n.type === 'Folder';
    out.isFav = n.isFav;
    if (withChildren && n.type === 'Folder') out.children = n.children!.map((id) => this.nodeJson(this.nodes.get(id)!, false));
    return out;
  }

  // --------------------------------------------------------------------------------------------------- datasheets

  /**
   * Creates a datasheet node with `fieldSpecs` (none: the three default fields 标题 / 选项 / 附件 — the reference only
   * says "3列默认字段"; names and types are the sandbox's choice) and one Grid view 维格视图. Validates everything
   * before changing anything.
   */
  createDatasheet(
    spaceId: string,
    name: unknown,
    fieldSpecs: FieldSpec[] | undefined,
    o: { folderId?: string; preNodeId?: string; description?: unknown; icon?: string; isFav?: boolean; position?: Position; views?: Array<{ name: string; type?: ViewType }> } = {},
  ): Datasheet {
    const space = this.requireSpace(spaceId);
    if (typeof name !== 'string' || name.trim() === '') throw verr.param('name 不能为空 (name is required)');
    if ([...name].length > MAX_NAME) throw verr.param(`name 不能多于 ${MAX_NAME} 个字符 (name longer than ${MAX_NAME} characters)`);
    if (o.description !== undefined && o.description !== null && typeof o.description !== 'string') throw verr.param('description 必须是字符串 (description must be a string)');
    if (typeof o.description === 'string' && [...o.description].length > MAX_DESCRIPTION) throw verr.param(`description 不能多于 ${MAX_DESCRIPTION} 个字符 (description longer than ${MAX_DESCRIPTION} characters)`);
    const siblings = this.childList(space, o.folderId);
    let pos: Position = o.position ?? 'first';
    if (o.preNodeId) {
      if (!siblings.includes(o.preNodeId)) throw verr.param(`preNodeId 不在目标文件夹中 (preNodeId is not in the target folder): ${o.preNodeId}`);
      pos = { after: o.preNodeId };
    }
    const specs: FieldSpec[] = fieldSpecs && fieldSpecs.length
      ? fieldSpecs
      : [{ name: '标题', type: 'SingleText' }, { name: '选项', type: 'MultiSelect', property: { options: [] } }, { name: '附件', type: 'Attachment' }];
    if (specs.length > MAX_FIELDS) throw verr.param(`字段数量不能超过 ${MAX_FIELDS} (at most ${MAX_FIELDS} fields)`);
    const ds: Datasheet = {
      id: this.ids.id('dst'), name, spaceId, fields: [], views: [], records: [], byId: new Map(), nextAutoNumber: 1,
    };
    if (typeof o.description === 'string' && o.description !== '') ds.description = o.description;
    const after: Array<() => void> = [];
    specs.forEach((spec, i) => {
      if (!spec || typeof spec !== 'object') throw verr.param(`fields[${i}] 必须是对象 (fields[${i}] must be an object)`);
      const built = this.buildField(ds, spec, `fields[${i}]`);
      ds.fields.push(built.field);
      after.push(built.apply);
    });
    for (const v of o.views ?? [{ name: '维格视图', type: 'Grid' as ViewType }]) ds.views.push({ id: this.ids.id('viw'), name: v.name, type: v.type ?? 'Grid', hidden: [] });
    this.sheets.set(ds.id, ds);
    this.addNode(spaceId, { id: ds.id, name, type: 'Datasheet', icon: o.icon, isFav: o.isFav }, o.folderId, pos);
    for (const a of after) a();
    return ds;
  }

  /** The datasheet or the vendor's 301. */
  requireDatasheet(id: string): Datasheet {
    const ds = this.datasheet(id);
    if (!ds) throw verr.datasheet();
    return ds;
  }

  addView(ds: Datasheet, v: Omit<View, 'id'>): View {
    const view: View = { id: this.ids.id('viw'), ...v };
    ds.views.push(view);
    return view;
  }

  // ------------------------------------------------------------------------------------------------------- fields

  createField(ds: Datasheet, spec: FieldSpec): Field {
    if (ds.fields.length >= MAX_FIELDS) throw verr.param(`一张维格表最多 ${MAX_FIELDS} 个字段 (at most ${MAX_FIELDS} fields per datasheet)`);
    const built = this.buildField(ds, spec, 'field');
    ds.fields.push(built.field);
    built.apply();
    return built.field;
  }

  /** Validates a field spec against `ds` and builds the field; `apply` makes the side effects (a MagicLink's brother). */
  private buildField(ds: Datasheet, spec: FieldSpec, where: string): { field: Field; apply: () => void } {
    const { name, type } = spec;
    if (typeof name !== 'string' || name.trim() === '') throw verr.param(`${where}.name 不能为空 (field name is required)`);
    if ([...name].length > MAX_NAME) throw verr.param(`字段名称不能多于 ${MAX_NAME} 个字符 (field name longer than ${MAX_NAME} characters): ${name.slice(0, 20)}…`);
    if (ds.fields.some((f) => f.name === name)) throw verr.param(`字段名称重复 (duplicate field name): ${name}`);
    if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) throw verr.param(`${where}.type 不是有效的字段类型 (invalid field type): ${String(type)}`);
    const raw = spec.property;
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw verr.param(`字段 ${name} 的 property 必须是对象 (property must be an object)`);
    const p = (raw ?? {}) as Record<string, unknown>;
    const field: Field = { id: this.ids.id('fld'), name, type: type as FieldType, property: {} };
    if (typeof spec.desc === 'string' && spec.desc) field.desc = spec.desc;
    let apply = () => {};
    const bad = (what: string) => verr.param(`字段 ${name} 的属性无效 (invalid property of field ${name}): ${what}`);
    const precision = (dflt: number) => {
      const v = p.precision ?? dflt;
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 4) throw bad('precision 取值为 0~4');
      return v;
    };
    const defaultValue = () => {
      if (p.defaultValue === undefined || p.defaultValue === null) return {};
      if (typeof p.defaultValue !== 'string') throw bad('defaultValue 必须是字符串');
      return { defaultValue: p.defaultValue };
    };
    const dateProps = (autoFill: boolean) => {
      const format = typeof p.format === 'string' && p.format ? p.format
        : `${typeof p.dateFormat === 'string' && p.dateFormat ? p.dateFormat : 'YYYY/MM/DD'}${p.includeTime ? ` ${typeof p.timeFormat === 'string' && p.timeFormat ? p.timeFormat : 'HH:mm'}` : ''}`;
      const out: Record<string, unknown> = { format, includeTime: p.includeTime === true };
      if (autoFill) out.autoFill = p.autoFill === true;
      return out;
    };
    switch (field.type) {
      case 'SingleText':
        field.property = { defaultValue: typeof p.defaultValue === 'string' ? p.defaultValue : '' };
        break;
      case 'SingleSelect': case 'MultiSelect': {
        const opts = p.options ?? [];
        if (!Array.isArray(opts)) throw bad('options 必须是数组');
        const seen = new Set<string>();
        const options: SelectOption[] = opts.map((o: unknown, i) => {
          const on = o && typeof o === 'object' ? (o as { name?: unknown }).name : undefined;
          if (typeof on !== 'string' || on === '') throw bad(`options[${i}].name 不能为空`);
          if (seen.has(on)) throw bad(`选项重复 (duplicate option) ${on}`);
          seen.add(on);
          return { id: this.ids.id('opt'), name: on, color: colorOf((o as { color?: unknown }).color, i) };
        });
        field.property = { options, ...defaultValue() };
        break;
      }
      case 'Number':
        field.property = { ...defaultValue(), precision: precision(0) };
        if (typeof p.commaStyle === 'string' && p.commaStyle) field.property.commaStyle = p.commaStyle;
        if (typeof p.symbol === 'string' && p.symbol) field.property.symbol = p.symbol;
        break;
      case 'Currency':
        field.property = {
          ...defaultValue(), precision: precision(2), symbol: typeof p.symbol === 'string' && p.symbol ? p.symbol : '¥',
          symbolAlign: p.symbolAlign === 'Left' || p.symbolAlign === 'Right' ? p.symbolAlign : 'Default',
        };
        break;
      case 'Percent':
        field.property = { ...defaultValue(), precision: precision(0) };
        break;
      case 'DateTime':
        field.property = dateProps(true);
        break;
      case 'CreatedTime': case 'LastModifiedTime':
        field.property = dateProps(false);
        break;
      case 'Member':
        field.property = { isMulti: p.isMulti !== false, shouldSendMsg: p.shouldSendMsg === true };
        break;
      case 'Checkbox':
        field.property = { icon: typeof p.icon === 'string' && p.icon ? p.icon : '✅' };
        break;
      case 'Rating': {
        const max = p.max ?? 5;
        if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10) throw bad('max 取值为 1~10');
        field.property = { icon: typeof p.icon === 'string' && p.icon ? p.icon : '⭐', max };
        break;
      }
      case 'MagicLink': {
        const foreignId = p.foreignDatasheetId;
        if (typeof foreignId !== 'string') throw bad('缺少 foreignDatasheetId');
        const foreign = foreignId === ds.id ? ds : this.sheets.get(foreignId);
        if (!foreign || foreign.spaceId !== ds.spaceId) throw bad(`关联的维格表不存在 (unknown foreignDatasheetId) ${foreignId}`);
        field.property = { foreignDatasheetId: foreignId };
        if (p.limitToViewId !== undefined) {
          if (!foreign.views.some((v) => v.id === p.limitToViewId)) throw bad(`limitToViewId 不存在 ${String(p.limitToViewId)}`);
          field.property.limitToViewId = p.limitToViewId;
        }
        field.property.limitSingleRecord = p.limitSingleRecord === true;
        if (foreign !== ds) {
          apply = () => {
            let brotherName = ds.name.slice(0, MAX_NAME);
            for (let k = 2; foreign.fields.some((f) => f.name === brotherName); k++) brotherName = `${ds.name.slice(0, MAX_NAME - 4)} ${k}`;
            const brother: Field = { id: this.ids.id('fld'), name: brotherName, type: 'MagicLink', property: { foreignDatasheetId: ds.id, brotherFieldId: field.id, limitSingleRecord: false } };
            foreign.fields.push(brother);
            field.property = { foreignDatasheetId: foreignId, brotherFieldId: brother.id, ...field.property };
          };
        }
        break;
      }
      case 'MagicLookUp': {
        const link = ds.fields.find((f) => f.id === p.relatedLinkFieldId);
        if (!link || link.type !== 'MagicLink') throw bad(`relatedLinkFieldId 不是本表的神奇关联字段 ${String(p.relatedLinkFieldId)}`);
        const foreign = this.sheets.get(String(link.property.foreignDatasheetId));
        if (!foreign?.fields.some((f) => f.id === p.targetFieldId)) throw bad(`targetFieldId 不在关联表中 ${String(p.targetFieldId)}`);
        const fn = p.rollupFunction ?? 'VALUES';
        if (typeof fn !== 'string' || !ROLLUP_FUNCTIONS.includes(fn)) throw bad(`rollupFunction 无效 ${String(fn)}`);
        field.property = { relatedLinkFieldId: link.id, targetFieldId: p.targetFieldId, rollupFunction: fn };
        if (p.format) field.property.format = p.format;
        break;
      }
      case 'Formula':
        if (p.expression !== undefined && typeof p.expression !== 'string') throw bad('expression 必须是字符串');
        field.property = { expression: p.expression ?? '' };
        if (p.format) field.property.format = p.format;
        // An expression outside the sandbox's subset is kept: the field reports hasError and has no values.
        formulaOf(ds, field);
        break;
      case 'LastModifiedBy':
        field.property = {};
        break;
      default:
        field.property = {};
    }
    return { field, apply };
  }

  /**
   * Deletes a field and its cells; a MagicLink takes its brother field in the other datasheet with it (the
   * reference is silent; the vendor's UI asks, the sandbox deletes). The primary field cannot be deleted.
   */
  deleteField(ds: Datasheet, fieldId: string): void {
    const i = ds.fields.findIndex((f) => f.id === fieldId);
    if (i < 0) throw verr.param(`字段不存在 (unknown field): ${fieldId}`);
    if (i === 0) throw verr.param(`不能删除主字段 (the primary field cannot be deleted): ${ds.fields[0].name}`);
    const [field] = ds.fields.splice(i, 1);
    this.dropFieldData(ds, field.id);
    if (field.type === 'MagicLink' && typeof field.property.brotherFieldId === 'string') {
      const foreign = this.sheets.get(String(field.property.foreignDatasheetId));
      const j = foreign ? foreign.fields.findIndex((f) => f.id === field.property.brotherFieldId) : -1;
      if (foreign && j > 0) {
        foreign.fields.splice(j, 1);
        this.dropFieldData(foreign, String(field.property.brotherFieldId));
      }
    }
  }

  private dropFieldData(ds: Datasheet, fieldId: string): void {
    for (const r of ds.records) delete r.cells[fieldId];
    for (const v of ds.views) {
      v.hidden = v.hidden.filter((id) => id !== fieldId);
      v.sort = v.sort?.filter((s) => s.fieldId !== fieldId);
      v.columns = v.columns?.filter((id) => id !== fieldId);
    }
  }

  // ------------------------------------------------------------------------------------------------------ records

  /** Field values of a write, validated: field id -> stored form (undefined = clear). */
  private coerceAll(ds: Datasheet, fields: unknown, fieldKey: 'name' | 'id', where: string): Map<string, unknown> {
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw verr.param(`${where}.fields 必须是对象 (fields must be an object)`);
    const out = new Map<string, unknown>();
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      const f = fieldByKey(ds, key, fieldKey);
      if (!f) throw verr.param(`字段不存在 (unknown field): ${key}${fieldKey === 'name' && ds.fields.some((x) => x.id === key) ? ' (这是字段 ID, 请使用 fieldKey=id)' : ''}`);
      out.set(f.id, coerceCell(this, ds, f, value, key));
    }
    return out;
  }

  createRecords(ds: Datasheet, inputs: Array<{ fields?: unknown }>, fieldKey: 'name' | 'id', user: User): Rec[] {
    const all = inputs.map((r, i) => this.coerceAll(ds, r?.fields, fieldKey, `records[${i}]`));
    if (ds.records.length + all.length > MAX_ROWS) throw verr.rowLimit();
    const now = this.tick();
    return all.map((values) => {
      const rec: Rec = { id: this.newRecordId(ds), cells: {}, createdAt: now, updatedAt: now, createdBy: user.uuid, updatedBy: user.uuid, autoNumber: ds.nextAutoNumber++ };
      for (const f of ds.fields) {
        if (values.has(f.id) || READ_ONLY_TYPES.has(f.type)) continue;
        const d = defaultCell(f, now);
        if (d !== undefined) rec.cells[f.id] = d;
      }
      ds.records.push(rec);
      ds.byId.set(rec.id, rec);
      for (const [fieldId, v] of values) this.setCell(ds, rec, fieldId, v, now, user);
      return rec;
    });
  }

  updateRecords(ds: Datasheet, inputs: Array<{ recordId?: unknown; fields?: unknown }>, fieldKey: 'name' | 'id', user: User): Rec[] {
    const all = inputs.map((r, i) => {
      const id = r?.recordId;
      if (typeof id !== 'string') throw verr.param(`records[${i}].recordId 不能为空 (recordId is required)`);
      const rec = ds.byId.get(id);
      if (!rec) throw verr.param(`记录不存在 (unknown record): ${id}`);
      return { rec, values: this.coerceAll(ds, r.fields, fieldKey, `records[${i}]`) };
    });
    const now = this.tick();
    for (const { rec, values } of all) {
      for (const [fieldId, v] of values) this.setCell(ds, rec, fieldId, v, now, user);
      rec.updatedAt = now;
      rec.updatedBy = user.uuid;
    }
    return all.map((x) => x.rec);
  }

  deleteRecords(ds: Datasheet, ids: string[], user: User): void {
    for (const id of ids) if (!ds.byId.has(id)) throw verr.param(`记录不存在 (unknown record): ${id}`);
    const gone = new Set(ids);
    const now = this.tick();
    ds.records = ds.records.filter((r) => !gone.has(r.id));
    for (const id of gone) ds.byId.delete(id);
    // Links to the deleted records disappear from every MagicLink cell pointing at this datasheet.
    for (const other of this.sheets.values()) {
      const links = other.fields.filter((f) => f.type === 'MagicLink' && f.property.foreignDatasheetId === ds.id);
      if (!links.length) continue;
      for (const r of other.records) {
        for (const f of links) {
          const cur = r.cells[f.id] as string[] | undefined;
          if (!cur?.some((x) => gone.has(x))) continue;
          const next = cur.filter((x) => !gone.has(x));
          if (next.length) r.cells[f.id] = next;
          else delete r.cells[f.id];
          r.updatedAt = now;
          r.updatedBy = user.uuid;
        }
      }
    }
  }

  /**
   * Sets one stored cell; a MagicLink also updates the brother field of the records it gains or loses, and those
   * records' updatedAt (their cell changed too; the reference is silent, the sandbox counts it as an edit).
   */
  private setCell(ds: Datasheet, rec: Rec, fieldId: string, value: unknown, now: number, user: User): void {
    const f = ds.fields.find((x) => x.id === fieldId)!;
    const old = (rec.cells[fieldId] as string[] | undefined) ?? [];
    if (value === undefined) delete rec.cells[fieldId];
    else rec.cells[fieldId] = value;
    if (f.type !== 'MagicLink' || typeof f.property.brotherFieldId !== 'string') return;
    const foreign = this.datasheet(String(f.property.foreignDatasheetId));
    const brotherId = f.property.brotherFieldId;
    if (!foreign) return;
    const next = (value as string[] | undefined) ?? [];
    const touch = (r: Rec) => {
      r.updatedAt = now;
      r.updatedBy = user.uuid;
    };
    for (const id of next.filter((x) => !old.includes(x))) {
      const fr = foreign.byId.get(id);
      if (!fr) continue;
      const cur = (fr.cells[brotherId] as string[] | undefined) ?? [];
      if (!cur.includes(rec.id)) fr.cells[brotherId] = [...cur, rec.id];
      touch(fr);
    }
    for (const id of old.filter((x) => !next.includes(x))) {
      const fr = foreign.byId.get(id);
      if (!fr) continue;
      const cur = ((fr.cells[brotherId] as string[] | undefined) ?? []).filter((x) => x !== rec.id);
      if (cur.length) fr.cells[brotherId] = cur;
      else delete fr.cells[brotherId];
      touch(fr);
    }
  }

  newRecordId(ds: Datasheet): string {
    for (;;) {
      const id = this.ids.id('rec');
      if (!ds.byId.has(id)) return id;
    }
  }

  /** A record keyed by field name in the json form (control.records / record). */
  recordByName(ds: Datasheet, rec: Rec): { recordId: string; fields: Record<string, unknown>; createdAt: number; updatedAt: number } {
    const fields: Record<string, unknown> = {};
    for (const f of ds.fields) {
      const v = cellJson(this, ds, f, rec);
      if (v !== undefined) fields[f.name] = v;
    }
    return { recordId: rec.id, fields, createdAt: rec.createdAt, updatedAt: rec.updatedAt };
  }

  // -------------------------------------------------------------------------------------------------- attachments

  /** Stores an uploaded file; 426 when the space's 1 GB would be exceeded. */
  addAttachment(spaceId: string, name: string, data: Buffer, mimeType: string, size?: { width: number; height: number }): AttachmentBlob {
    const space = this.requireSpace(spaceId);
    if (space.usedBytes + data.length > SPACE_CAPACITY) throw verr.uploadFailed();
    const d = new Date();
    const ymd = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
    // Like the reference's `space/2020/07/28/6fdc6522...`: a public, unguessable path (not a canary secret: records
    // carry it and clients may log record contents).
    const token = `space/${ymd}/${crypto.randomBytes(16).toString('hex')}`;
    const blob: AttachmentBlob = { token, name, size: data.length, mimeType, data, spaceId };
    if (size) {
      blob.width = size.width;
      blob.height = size.height;
    }
    this.attachments.set(token, blob);
    space.usedBytes += data.length;
    return blob;
  }
}

function colorOf(c: unknown, i: number): { name: string; value: string } {
  if (typeof c === 'string') return COLORS.find((x) => x.name === c) ?? { name: c, value: COLORS[i % COLORS.length].value };
  if (c && typeof c === 'object' && typeof (c as { name?: unknown }).name === 'string') {
    const v = (c as { value?: unknown }).value;
    return { name: (c as { name: string }).name, value: typeof v === 'string' ? v : COLORS[i % COLORS.length].value };
  }
  return COLORS[i % COLORS.length];
}
