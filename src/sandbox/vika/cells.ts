import { verr } from './errors';
import { evaluate, fieldRefs, inferValueType, parseFormula, toText, truthy, type FValue, type ValueType } from './formula';
import { READ_ONLY_TYPES, type Datasheet, type Field, type Rec, type StoredAttachment, type World } from './model';

/**
 * Cell values of the Vika sandbox: what a write may send per field type (coerceCell), and the three ways a cell is
 * read — the json form (cellFormat=json, the default), the string form (cellFormat=string) and the formula form.
 *
 * Writes (the reference shows names as keys, ISO strings for a DateTime, `null` to clear; the rest is the sandbox's
 * choice, strict so that client bugs surface):
 *   SingleText, Text, URL, Email, Phone   a string ("" clears; URL/Email/Phone are not checked further)
 *   Number, Currency, Percent             a finite number (not a numeric string)
 *   Rating                                an integer 1..property.max
 *   Checkbox                              a boolean (false clears: an unchecked cell is empty)
 *   SingleSelect                          the name of an existing option (unknown names are refused, not added)
 *   MultiSelect                           an array of existing option names ([] clears)
 *   DateTime                              ms since the epoch, or an ISO 8601 string (`2019-10-30T00:00:00.000Z`)
 *   Member                                an array of unit ids or `{id}` objects of space members; one unless isMulti
 *   MagicLink                             an array of record ids of the foreign datasheet; one if limitSingleRecord;
 *                                         the brother field of the linked records follows (and their updatedAt)
 *   Attachment                            an array of objects with the `token` of an upload into this space (or of an
 *                                         attachment already stored); `name` may rename it, other keys are ignored
 *   Formula, AutoNumber, CreatedTime, LastModifiedTime, CreatedBy, LastModifiedBy, MagicLookUp: read-only (400)
 *
 * Json form (what records answer with; empty cells are left out of `fields`, as the reference's "返回全部不为空的字段"
 * says): text types string; Number/Currency/Percent/Rating/AutoNumber number; Checkbox `true` (an unchecked box is an
 * empty cell, so it is absent — the reference does not say, this is the sandbox's choice); SingleSelect the option
 * name; MultiSelect names; DateTime/CreatedTime/LastModifiedTime ms; Member `[{id, name, type, avatar}]`;
 * CreatedBy/LastModifiedBy `{uuid, name, avatar}`; MagicLink record ids; Attachment `[{token, name, size, mimeType,
 * url, width?, height?}]` (url served by the sandbox, no auth); Formula per valueType (false included); MagicLookUp
 * per rollupFunction (VALUES: the target cells' json values, flattened).
 *
 * String form (cellFormat=string; the reference only says "values as the view shows them"; choices): numbers with
 * the field's precision, thousands commas (commaStyle; always for Currency) and unit (Number symbol after, Currency
 * symbol before unless symbolAlign Right); Percent `85%`; Rating the number; Checkbox the field's icon (default ✅);
 * dates with the field's dayjs-style format in China time (UTC+8, the vendor's); selects, members and multi-valued
 * cells joined with ", "; MagicLink the linked records' primary texts; Attachment `name (url)`; Formula booleans
 * `true`/`false`.
 */

export const TEXT_TYPES: ReadonlySet<string> = new Set(['SingleText', 'Text', 'URL', 'Email', 'Phone']);
const NUMBER_TYPES: ReadonlySet<string> = new Set(['Number', 'Currency', 'Percent']);
const MAX_DEPTH = 6;

/** The field a client means by `key` (a name, or an id with fieldKey=id). */
export function fieldByKey(ds: Datasheet, key: string, fieldKey: 'name' | 'id'): Field | undefined {
  return ds.fields.find((f) => (fieldKey === 'id' ? f.id === key : f.name === key));
}

/** A formula field reference: a name, else an id. */
export function resolveRef(ds: Datasheet, ref: string): Field | undefined {
  return ds.fields.find((f) => f.name === ref) ?? ds.fields.find((f) => f.id === ref);
}

export function primaryField(ds: Datasheet): Field {
  return ds.fields[0];
}

// ---------------------------------------------------------------------------------------------------------- writes

const typeErr = (label: string, expected: string) => verr.param(`字段 ${label} 的值类型错误, 应为 ${expected} (wrong value type for field ${label}: expected ${expected})`);

const ISO = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * The stored form of `value` for field `f` (undefined = clear the cell), or a 400 naming the field by `label` (the key
 * the client used). Read-only fields are refused by the caller.
 */
export function coerceCell(w: World, ds: Datasheet, f: Field, value: unknown, label: string): unknown {
  if (READ_ONLY_TYPES.has(f.type)) throw verr.param(`字段 ${label} 是只读字段 (${f.type}), 不能写入 (field ${label} is read-only)`);
  if (value === null || value === undefined) return undefined;
  const p = f.property;
  switch (f.type) {
    case 'SingleText': case 'Text': case 'URL': case 'Email': case 'Phone':
      if (typeof value !== 'string') throw typeErr(label, 'string');
      return value === '' ? undefined : value;
    case 'Number': case 'Currency': case 'Percent':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw typeErr(label, 'number');
      return value;
    case 'Rating': {
      const max = typeof p.max === 'number' ? p.max : 5;
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeErr(label, `integer 1..${max}`);
      if (value < 1 || value > max) throw verr.param(`字段 ${label} 的评分超出范围 1~${max} (rating out of range): ${value}`);
      return value;
    }
    case 'Checkbox':
      if (typeof value !== 'boolean') throw typeErr(label, 'boolean');
      return value ? true : undefined;
    case 'SingleSelect': {
      if (typeof value !== 'string') throw typeErr(label, 'string (option name)');
      if (value === '') return undefined;
      return optionId(f, value, label);
    }
    case 'MultiSelect': {
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) throw typeErr(label, 'string[] (option names)');
      const ids = [...new Set(value.map((n) => optionId(f, n, label)))];
      return ids.length ? ids : undefined;
    }
    case 'DateTime': {
      if (typeof value === 'number' && Number.isFinite(value)) return Math.round(value);
      if (typeof value === 'string') {
        const t = ISO.test(value.trim()) ? Date.parse(value.trim()) : NaN;
        if (!Number.isFinite(t)) throw verr.param(`字段 ${label} 的日期格式无效, 应为时间戳或 ISO 8601 (invalid date for field ${label}): ${value.slice(0, 60)}`);
        return t;
      }
      throw typeErr(label, 'timestamp (ms) or ISO 8601 string');
    }
    case 'Member': {
      if (!Array.isArray(value)) throw typeErr(label, 'array of member ids or {id}');
      const ids = value.map((m) => {
        const id = typeof m === 'string' ? m : m && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string' ? (m as { id: string }).id : undefined;
        if (id === undefined) throw typeErr(label, 'array of member ids or {id}');
        if (!w.member(id)) throw verr.param(`字段 ${label} 中的成员不存在 (unknown member): ${id}`);
        return id;
      });
      const unique = [...new Set(ids)];
      if (unique.length > 1 && p.isMulti === false) throw verr.param(`字段 ${label} 只能选择一个成员 (field ${label} takes one member)`);
      return unique.length ? unique : undefined;
    }
    case 'MagicLink': {
      if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) throw typeErr(label, 'string[] (record ids)');
      const foreign = w.datasheet(String(p.foreignDatasheetId));
      if (!foreign) throw verr.param(`字段 ${label} 关联的维格表不存在 (linked datasheet is gone)`);
      for (const id of value) if (!foreign.byId.has(id)) throw verr.param(`字段 ${label} 中的记录在关联表中不存在 (record not in the linked datasheet): ${id}`);
      const unique = [...new Set(value as string[])];
      if (unique.length > 1 && p.limitSingleRecord === true) throw verr.param(`字段 ${label} 只能关联一条记录 (field ${label} links one record)`);
      return unique.length ? unique : undefined;
    }
    case 'Attachment': {
      if (!Array.isArray(value)) throw typeErr(label, 'array of attachment objects with token');
      const out: StoredAttachment[] = value.map((a) => {
        const token = a && typeof a === 'object' ? (a as { token?: unknown }).token : undefined;
        if (typeof token !== 'string') throw typeErr(label, 'array of attachment objects with token');
        const blob = w.attachmentMeta(token);
        if (!blob || blob.spaceId !== ds.spaceId) throw verr.param(`字段 ${label} 中的附件不存在, 请先上传 (unknown attachment token): ${token}`);
        const name = (a as { name?: unknown }).name;
        const stored: StoredAttachment = { token, name: typeof name === 'string' && name !== '' ? name : blob.name, size: blob.size, mimeType: blob.mimeType };
        if (blob.width !== undefined) stored.width = blob.width;
        if (blob.height !== undefined) stored.height = blob.height;
        return stored;
      });
      return out.length ? out : undefined;
    }
    default:
      throw verr.param(`字段 ${label} 不能写入 (field ${label} cannot be written)`);
  }
}

function optionId(f: Field, name: string, label: string): string {
  const o = options(f).find((x) => x.name === name);
  if (!o) throw verr.param(`字段 ${label} 没有选项 (no such option) "${name}"`);
  return o.id;
}

function options(f: Field): Array<{ id: string; name: string }> {
  return Array.isArray(f.property.options) ? (f.property.options as Array<{ id: string; name: string }>) : [];
}

// ------------------------------------------------------------------------------------------------------ formulas

/** The parsed expression of a Formula field, or why it is not usable (parse error, missing or circular refs). */
export function formulaOf(ds: Datasheet, f: Field): { ast?: ReturnType<typeof parseFormula>; error?: string } {
  if (!f.formula) {
    try {
      f.formula = { ast: parseFormula(String(f.property.expression ?? '')) };
    } catch (e) {
      f.formula = { error: (e as Error).message };
    }
  }
  if (f.formula.error || !f.formula.ast) return f.formula;
  for (const ref of fieldRefs(f.formula.ast)) {
    const target = resolveRef(ds, ref);
    if (!target) return { error: `missing field ${ref}` };
    if (target.id === f.id) return { error: 'circular reference' };
  }
  return f.formula;
}

export function valueTypeOfField(w: World, ds: Datasheet, f: Field, depth = 0): ValueType {
  switch (f.type) {
    case 'Number': case 'Currency': case 'Percent': case 'Rating': case 'AutoNumber': return 'Number';
    case 'DateTime': case 'CreatedTime': case 'LastModifiedTime': return 'DateTime';
    case 'Checkbox': return 'Boolean';
    case 'MultiSelect': case 'Member': case 'MagicLink': case 'Attachment': return 'Array';
    case 'MagicLookUp': return lookupValueType(w, ds, f, depth);
    case 'Formula': {
      const fm = formulaOf(ds, f);
      if (!fm.ast || depth > MAX_DEPTH) return 'String';
      return inferValueType(fm.ast, (ref) => {
        const t = resolveRef(ds, ref);
        return t ? valueTypeOfField(w, ds, t, depth + 1) : 'String';
      });
    }
    default: return 'String';
  }
}

const NUMERIC_ROLLUPS = new Set(['AVERAGE', 'COUNT', 'COUNTA', 'COUNTALL', 'SUM']);

function lookupValueType(w: World, ds: Datasheet, f: Field, depth: number): ValueType {
  const fn = String(f.property.rollupFunction ?? 'VALUES');
  if (NUMERIC_ROLLUPS.has(fn)) return 'Number';
  if (fn === 'AND' || fn === 'OR' || fn === 'XOR') return 'Boolean';
  if (fn === 'CONCATENATE' || fn === 'ARRAYJOIN') return 'String';
  if (fn === 'MIN' || fn === 'MAX') {
    const t = lookupTarget(w, ds, f);
    return t && valueTypeOfField(w, t.foreign, t.target, depth + 1) === 'DateTime' ? 'DateTime' : 'Number';
  }
  return 'Array';
}

/** The link field, foreign datasheet and target field of a MagicLookUp; undefined when broken (hasError). */
export function lookupTarget(w: World, ds: Datasheet, f: Field): { link: Field; foreign: Datasheet; target: Field } | undefined {
  const link = ds.fields.find((x) => x.id === f.property.relatedLinkFieldId);
  if (!link || link.type !== 'MagicLink') return undefined;
  const foreign = w.datasheet(String(link.property.foreignDatasheetId));
  const target = foreign?.fields.find((x) => x.id === f.property.targetFieldId);
  return foreign && target ? { link, foreign, target } : undefined;
}

function linked(w: World, ds: Datasheet, link: Field, rec: Rec): { foreign: Datasheet; recs: Rec[] } | undefined {
  const foreign = w.datasheet(String(link.property.foreignDatasheetId));
  if (!foreign) return undefined;
  const ids = (rec.cells[link.id] as string[] | undefined) ?? [];
  foreign.generate?.();
  return { foreign, recs: ids.map((id) => foreign.byId.get(id)).filter((r): r is Rec => r !== undefined) };
}

// ---------------------------------------------------------------------------------------------------------- reads

/** The formula form of a cell (formula.ts "Values"). */
export function cellValue(w: World, ds: Datasheet, f: Field, rec: Rec, depth = 0): FValue {
  if (depth > MAX_DEPTH) return null;
  const v = rec.cells[f.id];
  switch (f.type) {
    case 'SingleText': case 'Text': case 'URL': case 'Email': case 'Phone':
      return typeof v === 'string' ? v : null;
    case 'Number': case 'Currency': case 'Percent': case 'Rating':
      return typeof v === 'number' ? v : null;
    case 'Checkbox': return v === true;
    case 'SingleSelect': return options(f).find((o) => o.id === v)?.name ?? null;
    case 'MultiSelect': return Array.isArray(v) ? v.map((id) => options(f).find((o) => o.id === id)?.name ?? '').filter((s) => s) : null;
    case 'DateTime': return typeof v === 'number' ? v : null;
    case 'Member': return Array.isArray(v) ? v.map((id) => w.member(id)?.name ?? '') : null;
    case 'Attachment': return Array.isArray(v) ? (v as StoredAttachment[]).map((a) => a.name) : null;
    case 'MagicLink': {
      const l = linked(w, ds, f, rec);
      if (!l || !l.recs.length) return null;
      const primary = primaryField(l.foreign);
      return l.recs.map((r) => toText(cellValue(w, l.foreign, primary, r, depth + 1)));
    }
    case 'AutoNumber': return rec.autoNumber;
    case 'CreatedTime': return rec.createdAt;
    case 'LastModifiedTime': return rec.updatedAt;
    case 'CreatedBy': return w.user(rec.createdBy)?.name ?? null;
    case 'LastModifiedBy': return w.user(rec.updatedBy)?.name ?? null;
    case 'Formula': {
      const fm = formulaOf(ds, f);
      if (!fm.ast) return null;
      return evaluate(fm.ast, (ref) => {
        const t = resolveRef(ds, ref);
        return t ? cellValue(w, ds, t, rec, depth + 1) : null;
      });
    }
    case 'MagicLookUp': {
      const r = rollup(w, ds, f, rec, depth, (foreign, target, fr) => cellValue(w, foreign, target, fr, depth + 1));
      return r === undefined ? null : (r as FValue);
    }
  }
}

/** The json form of a cell; undefined = empty (left out of `fields`). */
export function cellJson(w: World, ds: Datasheet, f: Field, rec: Rec, depth = 0): unknown {
  if (depth > MAX_DEPTH) return undefined;
  const v = rec.cells[f.id];
  switch (f.type) {
    case 'SingleText': case 'Text': case 'URL': case 'Email': case 'Phone':
    case 'Number': case 'Currency': case 'Percent': case 'Rating': case 'DateTime':
      return v;
    case 'Checkbox': return v === true ? true : undefined;
    case 'SingleSelect': return options(f).find((o) => o.id === v)?.name;
    case 'MultiSelect': return Array.isArray(v) ? v.map((id) => options(f).find((o) => o.id === id)?.name).filter((n) => n !== undefined) : undefined;
    case 'Member':
      return Array.isArray(v) ? v.map((id) => w.member(id)).filter((m) => m !== undefined).map((m) => ({ id: m.id, name: m.name, type: m.type, avatar: m.avatar })) : undefined;
    case 'MagicLink': return Array.isArray(v) ? [...v] : undefined;
    case 'Attachment': return Array.isArray(v) ? (v as StoredAttachment[]).map((a) => attachmentJson(w, a)) : undefined;
    case 'AutoNumber': return rec.autoNumber;
    case 'CreatedTime': return rec.createdAt;
    case 'LastModifiedTime': return rec.updatedAt;
    case 'CreatedBy': return userJson(w, rec.createdBy);
    case 'LastModifiedBy': return userJson(w, rec.updatedBy);
    case 'Formula': {
      const raw = cellValue(w, ds, f, rec, depth);
      return formulaOut(raw, valueTypeOfField(w, ds, f));
    }
    case 'MagicLookUp': {
      const fn = String(f.property.rollupFunction ?? 'VALUES');
      if (fn === 'VALUES' || fn === 'ARRAYUNIQUE' || fn === 'ARRAYCOMPACT') {
        return rollup(w, ds, f, rec, depth, (foreign, target, fr) => cellJson(w, foreign, target, fr, depth + 1));
      }
      return formulaOut(cellValue(w, ds, f, rec, depth), lookupValueType(w, ds, f, depth));
    }
  }
}

function formulaOut(raw: FValue, type: ValueType): unknown {
  if (raw === null) return undefined;
  switch (type) {
    case 'Number': case 'DateTime': return typeof raw === 'number' && Number.isFinite(raw) ? raw : undefined;
    case 'Boolean': return truthy(raw);
    case 'Array': {
      const a = Array.isArray(raw) ? raw : [raw];
      return a.length ? a : undefined;
    }
    default: {
      const s = toText(raw);
      return s === '' ? undefined : s;
    }
  }
}

export function attachmentJson(w: World, a: StoredAttachment): Record<string, unknown> {
  const out: Record<string, unknown> = { token: a.token, name: a.name, size: a.size, mimeType: a.mimeType, url: attachmentUrl(w, a.token) };
  if (a.width !== undefined) out.width = a.width;
  if (a.height !== undefined) out.height = a.height;
  return out;
}

export function attachmentUrl(w: World, token: string): string {
  return `${w.host}/${token.split('/').map(encodeURIComponent).join('/')}`;
}

function userJson(w: World, uuid: string): unknown {
  const u = w.user(uuid);
  return u ? { uuid: u.uuid, name: u.name, avatar: u.avatar } : undefined;
}

/**
 * A MagicLookUp's value: `item` reads the target cell of each linked record; VALUES flattens, ARRAYUNIQUE dedupes,
 * ARRAYCOMPACT drops empties, the others aggregate (numbers from the formula form). Undefined when empty or broken.
 */
function rollup(w: World, ds: Datasheet, f: Field, rec: Rec, depth: number, item: (foreign: Datasheet, target: Field, r: Rec) => unknown): unknown {
  const t = lookupTarget(w, ds, f);
  if (!t) return undefined;
  const l = linked(w, ds, t.link, rec);
  if (!l || !l.recs.length) return undefined;
  const fn = String(f.property.rollupFunction ?? 'VALUES');
  const flat = (xs: unknown[]) => xs.flatMap((x) => (Array.isArray(x) ? x : [x])).filter((x) => x !== undefined && x !== null);
  if (fn === 'VALUES' || fn === 'ARRAYUNIQUE' || fn === 'ARRAYCOMPACT') {
    let values = flat(l.recs.map((r) => item(l.foreign, t.target, r)));
    if (fn === 'ARRAYCOMPACT') values = values.filter((x) => x !== '');
    if (fn === 'ARRAYUNIQUE') {
      const seen = new Set<string>();
      values = values.filter((x) => {
        const k = JSON.stringify(x);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    }
    return values.length ? values : undefined;
  }
  const raw = l.recs.map((r) => cellValue(w, l.foreign, t.target, r, depth + 1));
  const nonEmpty = raw.filter((x) => x !== null && x !== '' && !(Array.isArray(x) && x.length === 0));
  const nums = raw.flatMap((x) => (Array.isArray(x) ? x : [x])).filter((x): x is number => typeof x === 'number');
  switch (fn) {
    case 'COUNTALL': return l.recs.length;
    case 'COUNTA': return nonEmpty.length;
    case 'COUNT': return nums.length;
    case 'SUM': return nums.reduce((a, b) => a + b, 0);
    case 'AVERAGE': return nums.length ? nums.reduce((a, b) => a + b, 0) / nums.length : undefined;
    case 'MIN': return nums.length ? Math.min(...nums) : undefined;
    case 'MAX': return nums.length ? Math.max(...nums) : undefined;
    case 'AND': return raw.every(truthy);
    case 'OR': return raw.some(truthy);
    case 'XOR': return raw.filter(truthy).length % 2 === 1;
    case 'CONCATENATE': return raw.map(toText).join('');
    case 'ARRAYJOIN': return raw.map(toText).filter((s) => s !== '').join(', ');
    default: return undefined;
  }
}

/** The string form of a cell (cellFormat=string); undefined = empty. */
export function cellString(w: World, ds: Datasheet, f: Field, rec: Rec, depth = 0): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const p = f.property;
  const v = rec.cells[f.id];
  switch (f.type) {
    case 'SingleText': case 'Text': case 'URL': case 'Email': case 'Phone':
      return typeof v === 'string' ? v : undefined;
    case 'Number':
      return typeof v === 'number' ? formatNumber(v, num(p.precision, 0), p.commaStyle === ',') + (typeof p.symbol === 'string' ? p.symbol : '') : undefined;
    case 'Currency': {
      if (typeof v !== 'number') return undefined;
      const n = formatNumber(v, num(p.precision, 2), true);
      const sym = typeof p.symbol === 'string' ? p.symbol : '¥';
      return p.symbolAlign === 'Right' ? `${n}${sym}` : `${sym}${n}`;
    }
    case 'Percent': return typeof v === 'number' ? `${formatNumber(v * 100, num(p.precision, 0), false)}%` : undefined;
    case 'Rating': return typeof v === 'number' ? String(v) : undefined;
    case 'Checkbox': return v === true ? (typeof p.icon === 'string' ? p.icon : '✅') : undefined;
    case 'DateTime': return typeof v === 'number' ? formatDate(v, dateFormatOf(p)) : undefined;
    case 'CreatedTime': return formatDate(rec.createdAt, dateFormatOf(p));
    case 'LastModifiedTime': return formatDate(rec.updatedAt, dateFormatOf(p));
    case 'AutoNumber': return String(rec.autoNumber);
    case 'SingleSelect': case 'MultiSelect': case 'Member': case 'CreatedBy': case 'LastModifiedBy': {
      const t = toText(cellValue(w, ds, f, rec, depth));
      return t === '' ? undefined : t;
    }
    case 'MagicLink': {
      const l = linked(w, ds, f, rec);
      if (!l || !l.recs.length) return undefined;
      const primary = primaryField(l.foreign);
      return l.recs.map((r) => cellString(w, l.foreign, primary, r, depth + 1) ?? '').join(', ');
    }
    case 'Attachment':
      return Array.isArray(v) && v.length ? (v as StoredAttachment[]).map((a) => `${a.name} (${attachmentUrl(w, a.token)})`).join(', ') : undefined;
    case 'Formula': {
      const raw = cellValue(w, ds, f, rec, depth);
      const type = valueTypeOfField(w, ds, f);
      if (raw === null) return undefined;
      if (type === 'DateTime' && typeof raw === 'number') return formatDate(raw, 'YYYY/MM/DD HH:mm');
      if (type === 'Boolean') return truthy(raw) ? 'true' : 'false';
      const s = toText(raw);
      return s === '' ? undefined : s;
    }
    case 'MagicLookUp': {
      const fn = String(p.rollupFunction ?? 'VALUES');
      if (fn === 'VALUES' || fn === 'ARRAYUNIQUE' || fn === 'ARRAYCOMPACT') {
        const items = rollup(w, ds, f, rec, depth, (foreign, target, fr) => cellString(w, foreign, target, fr, depth + 1));
        return Array.isArray(items) && items.length ? items.join(', ') : undefined;
      }
      const raw = cellValue(w, ds, f, rec, depth);
      if (raw === null) return undefined;
      if (typeof raw === 'boolean') return raw ? 'true' : 'false';
      return toText(raw) || undefined;
    }
  }
}

function num(v: unknown, dflt: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 10 ? v : dflt;
}

export function formatNumber(v: number, precision: number, commas: boolean): string {
  const scale = 10 ** precision;
  const s = (Math.round(v * scale) / scale).toFixed(precision);
  if (!commas) return s;
  const [int, frac] = s.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac !== undefined ? '.' + frac : '');
}

function dateFormatOf(p: Record<string, unknown>): string {
  if (typeof p.format === 'string' && p.format) return p.format;
  return p.includeTime ? 'YYYY/MM/DD HH:mm' : 'YYYY/MM/DD';
}

/** dayjs-style tokens (YYYY YY MM M DD D HH H hh h mm m ss s A a, [literal]) in China time (UTC+8, no DST). */
export function formatDate(ms: number, fmt: string): string {
  const d = new Date(ms + 8 * 3600_000);
  const Y = d.getUTCFullYear();
  const M = d.getUTCMonth() + 1;
  const D = d.getUTCDate();
  const H = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  const h = H % 12 === 0 ? 12 : H % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  return fmt.replace(/\[([^\]]*)\]|YYYY|YY|MM|M|DD|D|HH|H|hh|h|mm|m|ss|s|A|a/g, (t, lit: string | undefined) => {
    if (lit !== undefined) return lit;
    switch (t) {
      case 'YYYY': return String(Y);
      case 'YY': return two(Y % 100);
      case 'MM': return two(M);
      case 'M': return String(M);
      case 'DD': return two(D);
      case 'D': return String(D);
      case 'HH': return two(H);
      case 'H': return String(H);
      case 'hh': return two(h);
      case 'h': return String(h);
      case 'mm': return two(m);
      case 'm': return String(m);
      case 'ss': return two(s);
      case 's': return String(s);
      case 'A': return H < 12 ? 'AM' : 'PM';
      default: return H < 12 ? 'am' : 'pm';
    }
  });
}

// --------------------------------------------------------------------------------------------------------- fields

/** A field as GET fields answers it: id, name, type, property (with computed parts), editable, isPrimary, desc. */
export function fieldJson(w: World, ds: Datasheet, f: Field): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, name: f.name, type: f.type };
  const property = propertyJson(w, ds, f);
  if (property) out.property = property;
  // editable is the column permission; the token's user may edit every column, computed ones excepted (choice).
  out.editable = !READ_ONLY_TYPES.has(f.type);
  if (ds.fields[0] === f) out.isPrimary = true;
  if (f.desc) out.desc = f.desc;
  return out;
}

/** Types without properties (the reference: 暂无字段属性) answer no `property`. */
export function propertyJson(w: World, ds: Datasheet, f: Field): Record<string, unknown> | undefined {
  const p = { ...f.property };
  switch (f.type) {
    case 'Text': case 'URL': case 'Phone': case 'Email': case 'Attachment': case 'AutoNumber':
      return undefined;
    case 'Member': {
      const ids = new Set<string>();
      for (const r of ds.records) for (const id of (r.cells[f.id] as string[] | undefined) ?? []) ids.add(id);
      const options = [...ids].map((id) => w.member(id)).filter((m) => m !== undefined).map((m) => ({ id: m.id, name: m.name, type: m.type, avatar: m.avatar }));
      return { options, isMulti: p.isMulti !== false, shouldSendMsg: p.shouldSendMsg === true };
    }
    case 'CreatedBy': case 'LastModifiedBy': {
      const uuids = new Set(ds.records.map((r) => (f.type === 'CreatedBy' ? r.createdBy : r.updatedBy)));
      return { options: [...uuids].map((u) => w.user(u)).filter((u) => u !== undefined).map((u) => ({ id: u.uuid, name: u.name, avatar: u.avatar })) };
    }
    case 'Formula': {
      const fm = formulaOf(ds, f);
      return { expression: p.expression ?? '', valueType: valueTypeOfField(w, ds, f), hasError: fm.error !== undefined };
    }
    case 'MagicLookUp': {
      const t = lookupTarget(w, ds, f);
      const out: Record<string, unknown> = {
        relatedLinkFieldId: p.relatedLinkFieldId, targetFieldId: p.targetFieldId, rollupFunction: p.rollupFunction ?? 'VALUES',
        valueType: lookupValueType(w, ds, f, 0),
      };
      if (!t) {
        out.hasError = true;
        return out;
      }
      const entity = entityField(w, t.foreign, t.target, 0);
      if (entity) out.entityField = entity;
      else out.hasError = true;
      if (p.format) out.format = p.format;
      return out;
    }
    default:
      return Object.keys(p).length ? p : undefined;
  }
}

function entityField(w: World, ds: Datasheet, f: Field, depth: number): Record<string, unknown> | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (f.type === 'MagicLookUp') {
    const t = lookupTarget(w, ds, f);
    return t ? entityField(w, t.foreign, t.target, depth + 1) : undefined;
  }
  return { datasheetId: ds.id, field: fieldJson(w, ds, f) };
}

/** Numbers-as-strings defaults (the reference gives defaultValue as a string) to a stored value, when valid. */
export function defaultCell(f: Field, now: number): unknown {
  const dv = f.property.defaultValue;
  if (f.type === 'DateTime') return f.property.autoFill === true ? now : undefined;
  if (typeof dv !== 'string' || dv === '') return undefined;
  if (TEXT_TYPES.has(f.type)) return dv;
  if (NUMBER_TYPES.has(f.type)) return Number.isFinite(Number(dv)) ? Number(dv) : undefined;
  if (f.type === 'SingleSelect') return options(f).find((o) => o.name === dv || o.id === dv)?.id;
  return undefined;
}
