import { multipartBoundary, parseMultipart } from '../common/form';
import { imageSize, mimeTypeOf } from './attachments';
import { cellJson, cellString, cellValue, fieldByKey, fieldJson, resolveRef } from './cells';
import { verr } from './errors';
import { evaluate, fieldRefs, FormulaError, parseFormula, toText, truthy, type Ast, type FValue } from './formula';
import type { Datasheet, Field, Rec, User, View } from './model';
import { list, scalar, sortList, type Pair } from './query';
import type { FieldSpec, Store } from './store';

/**
 * The 13 endpoints of the Vika fusion API v1 (all under /fusion/v1), as endpoints.tsv lists them:
 *
 *   GET    /datasheets/{dst}/records                      records: page, view, sort, filter, fields, cellFormat
 *   POST   /datasheets/{dst}/records                      create ≤10 records            -> 201 {records}
 *   PATCH  /datasheets/{dst}/records                      update ≤10 records            -> 200 {records}
 *   DELETE /datasheets/{dst}/records?recordIds[]=…        delete ≤10 records            -> 200 data: true
 *   GET    /datasheets/{dst}/fields[?viewId=]             -> {fields}
 *   POST   /spaces/{spc}/datasheets/{dst}/fields          create a field                -> 201 {id, name}
 *   DELETE /spaces/{spc}/datasheets/{dst}/fields/{fld}    delete a field                -> 200 data: {}
 *   GET    /datasheets/{dst}/views                        -> {views: [{id, name, type}]}
 *   POST   /spaces/{spc}/datasheets                       create a datasheet            -> 201 {id, createdAt, fields}
 *   POST   /datasheets/{dst}/attachments                  multipart, one part `file`    -> 201 {token, name, size, …, url}
 *   GET    /spaces                                        -> {spaces: [{id, name, isAdmin}]}
 *   GET    /spaces/{spc}/nodes                            root of the space's working directory -> {nodes}
 *   GET    /spaces/{spc}/nodes/{node}                     a node; a folder with `children` (one level)
 *
 * Choices where the reference is silent (each also commented where it is made):
 * - `fieldKey` (name|id, default name) applies to response keys, `fields`, `sort` and write-body keys; filterByFormula
 *   refs are looked up by name, then by id. A write's body `fieldKey` wins over the query's (the SDK sends both).
 * - Page answers echo the requested `pageSize`; a page past the end answers `records: []` with the total.
 * - `recordIds` on GET: the records in the order given, unknown ids left out, no paging (up to 1000 ids) and no
 *   view filter, sort or filterByFormula (as the JS SDK documents it); `total` = `pageSize` = records found.
 * - `viewId`: the view's filter and order, its hidden fields left out (also of `fields`, silently); an explicit `sort`
 *   replaces the view's. An unknown viewId is a 400.
 * - Sorting: empty cells first in ascending order; numbers numerically, texts by `localeCompare` (zh), ties keep the
 *   view order.
 * - DELETE takes `recordIds` from the query only; an unknown id is a 400 and nothing is deleted.
 * - Write bodies are parsed as JSON whatever the Content-Type says.
 */

export interface Reply { status: number; json: unknown }

export interface ApiRequest {
  params: Record<string, string>;
  pairs: Pair[];
  body: Buffer;
  contentType: string | undefined;
  user: User;
  /** Record count of a write, for the request log. */
  noteRecords(n: number): void;
}

type Handler = (s: Store, r: ApiRequest) => Reply;

export interface Route {
  method: string;
  pattern: string[];
  handler: Handler;
  /** Rate-limit scope: 'datasheet' (dst param), 'space' (spc param) or 'user'. */
  scope: 'datasheet' | 'space' | 'user';
}

export function ok(data: unknown, status = 200): Reply {
  return { status, json: { success: true, code: 200, message: 'SUCCESS', data } };
}

export const ROUTES: Route[] = [
  { method: 'GET', pattern: ['datasheets', ':dst', 'records'], handler: getRecords, scope: 'datasheet' },
  { method: 'POST', pattern: ['datasheets', ':dst', 'records'], handler: createRecords, scope: 'datasheet' },
  { method: 'PATCH', pattern: ['datasheets', ':dst', 'records'], handler: updateRecords, scope: 'datasheet' },
  { method: 'DELETE', pattern: ['datasheets', ':dst', 'records'], handler: deleteRecords, scope: 'datasheet' },
  { method: 'GET', pattern: ['datasheets', ':dst', 'fields'], handler: getFields, scope: 'datasheet' },
  { method: 'POST', pattern: ['spaces', ':spc', 'datasheets', ':dst', 'fields'], handler: createField, scope: 'datasheet' },
  { method: 'DELETE', pattern: ['spaces', ':spc', 'datasheets', ':dst', 'fields', ':fld'], handler: deleteField, scope: 'datasheet' },
  { method: 'GET', pattern: ['datasheets', ':dst', 'views'], handler: getViews, scope: 'datasheet' },
  { method: 'POST', pattern: ['spaces', ':spc', 'datasheets'], handler: createDatasheet, scope: 'space' },
  { method: 'POST', pattern: ['datasheets', ':dst', 'attachments'], handler: uploadAttachment, scope: 'datasheet' },
  { method: 'GET', pattern: ['spaces'], handler: getSpaces, scope: 'user' },
  { method: 'GET', pattern: ['spaces', ':spc', 'nodes'], handler: getNodes, scope: 'space' },
  { method: 'GET', pattern: ['spaces', ':spc', 'nodes', ':node'], handler: getNode, scope: 'space' },
];

/** The route for `segs` (path below /fusion/v1, decoded), 'method' when only the method is wrong, else undefined. */
export function matchRoute(method: string, segs: string[]): { route: Route; params: Record<string, string> } | 'method' | undefined {
  let pathMatched = false;
  for (const route of ROUTES) {
    if (route.pattern.length !== segs.length) continue;
    const params: Record<string, string> = {};
    if (!route.pattern.every((p, i) => (p.startsWith(':') ? ((params[p.slice(1)] = segs[i]), segs[i] !== '') : p === segs[i]))) continue;
    pathMatched = true;
    if (route.method === method) return { route, params };
  }
  return pathMatched ? 'method' : undefined;
}

// ---------------------------------------------------------------------------------------------------- parameters

function fieldKeyOf(v: unknown): 'name' | 'id' {
  if (v === undefined || v === null || v === '') return 'name';
  if (v === 'name' || v === 'id') return v;
  throw verr.param(`fieldKey 只能是 name 或 id (fieldKey must be name or id): ${String(v)}`);
}

function intParam(pairs: Pair[], name: string, min: number, max: number, range: string): number | undefined {
  const raw = scalar(pairs, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\s*\d+\s*$/.test(raw)) throw verr.param(`${name} 必须是 ${range} 的整数 (${name} must be an integer ${range}): ${raw.slice(0, 40)}`);
  const n = Number(raw);
  if (n < min || n > max) throw verr.param(`${name} 的取值范围为 ${range} (${name} must be ${range}): ${raw.trim()}`);
  return n;
}

function viewOf(ds: Datasheet, viewId: string | undefined): View | undefined {
  if (viewId === undefined || viewId === '') return undefined;
  const v = ds.views.find((x) => x.id === viewId);
  if (!v) throw verr.param(`视图不存在 (unknown viewId): ${viewId}`);
  return v;
}

/** Fields in the view's column order without its hidden ones (all fields in datasheet order without a view). */
export function visibleFields(ds: Datasheet, view: View | undefined): Field[] {
  if (!view) return ds.fields;
  const order = view.columns ?? [];
  const listed = order.map((id) => ds.fields.find((f) => f.id === id)).filter((f): f is Field => f !== undefined);
  const rest = ds.fields.filter((f) => !order.includes(f.id));
  // The primary field stays first and is never hidden, as in the vendor's views.
  const all = [ds.fields[0], ...[...listed, ...rest].filter((f) => f !== ds.fields[0])];
  return all.filter((f) => f === ds.fields[0] || !view.hidden.includes(f.id));
}

function compileFormula(s: Store, ds: Datasheet, src: string, what: string): (rec: Rec) => boolean {
  let ast: Ast;
  try {
    ast = parseFormula(src);
  } catch (e) {
    if (e instanceof FormulaError) throw verr.param(`${what} 无法解析 (cannot parse ${what}) at ${e.pos}: ${e.message}`);
    throw e;
  }
  const refs = new Map<string, Field>();
  for (const ref of fieldRefs(ast)) {
    const f = resolveRef(ds, ref);
    if (!f) throw verr.param(`${what} 中的字段不存在 (unknown field in ${what}): {${ref}}`);
    refs.set(ref, f);
  }
  return (rec) => truthy(evaluate(ast, (ref) => cellValue(s, ds, refs.get(ref)!, rec)));
}

function compareValues(a: FValue, b: FValue): number {
  const ae = a === null || a === '' || (Array.isArray(a) && a.length === 0);
  const be = b === null || b === '' || (Array.isArray(b) && b.length === 0);
  if (ae || be) return ae === be ? 0 : ae ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return toText(a).localeCompare(toText(b), 'zh-Hans-CN', { numeric: true });
}

function sortRecords(s: Store, ds: Datasheet, recs: Rec[], keys: Array<{ field: Field; desc: boolean }>): Rec[] {
  if (!keys.length) return recs;
  const rows = recs.map((rec, i) => ({ rec, i, v: keys.map((k) => cellValue(s, ds, k.field, rec)) }));
  rows.sort((x, y) => {
    for (let k = 0; k < keys.length; k++) {
      const c = compareValues(x.v[k], y.v[k]);
      if (c !== 0) return keys[k].desc ? -c : c;
    }
    return x.i - y.i;
  });
  return rows.map((r) => r.rec);
}

/** The records of a view: its filter, then its sort (records without a view: all, in creation order). */
export function viewRecords(s: Store, ds: Datasheet, view: View | undefined): Rec[] {
  let recs = ds.records.slice();
  if (!view) return recs;
  if (view.filter) {
    const keep = compileFormula(s, ds, view.filter, 'view filter');
    recs = recs.filter(keep);
  }
  const keys = (view.sort ?? []).map((k) => ({ field: ds.fields.find((f) => f.id === k.fieldId), desc: k.desc })).filter((k): k is { field: Field; desc: boolean } => k.field !== undefined);
  return sortRecords(s, ds, recs, keys);
}

function renderRecord(s: Store, ds: Datasheet, rec: Rec, fields: Field[], fieldKey: 'name' | 'id', cellFormat: 'json' | 'string'): unknown {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = cellFormat === 'string' ? cellString(s, ds, f, rec) : cellJson(s, ds, f, rec);
    if (v !== undefined) out[fieldKey === 'id' ? f.id : f.name] = v;
  }
  return { recordId: rec.id, fields: out, createdAt: rec.createdAt, updatedAt: rec.updatedAt };
}

function resolveFields(ds: Datasheet, keys: string[], fieldKey: 'name' | 'id', what: string): Field[] {
  return keys.map((k) => {
    const f = fieldByKey(ds, k, fieldKey);
    if (!f) throw verr.param(`${what} 中的字段不存在 (unknown field in ${what}): ${k}${fieldKey === 'name' && ds.fields.some((x) => x.id === k) ? ' (这是字段 ID, 请使用 fieldKey=id)' : ''}`);
    return f;
  });
}

// ------------------------------------------------------------------------------------------------------- records

function getRecords(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const fieldKey = fieldKeyOf(scalar(r.pairs, 'fieldKey'));
  const cellFormat = scalar(r.pairs, 'cellFormat') || 'json';
  if (cellFormat !== 'json' && cellFormat !== 'string') throw verr.param(`cellFormat 只能是 json 或 string (cellFormat must be json or string): ${cellFormat}`);
  const pageSize = intParam(r.pairs, 'pageSize', 1, 1000, '1~1000') ?? 100;
  const pageNum = intParam(r.pairs, 'pageNum', 1, Number.MAX_SAFE_INTEGER, '≥1') ?? 1;
  const maxRecords = intParam(r.pairs, 'maxRecords', 1, Number.MAX_SAFE_INTEGER, '≥1');
  const view = viewOf(ds, scalar(r.pairs, 'viewId'));
  const visible = visibleFields(ds, view);
  const requested = list(r.pairs, 'fields');
  const fields = requested ? resolveFields(ds, requested, fieldKey, 'fields').filter((f) => visible.includes(f)) : visible;
  const render = (rec: Rec) => renderRecord(s, ds, rec, fields, fieldKey, cellFormat);

  const recordIds = list(r.pairs, 'recordIds');
  if (recordIds) {
    if (recordIds.length > 1000) throw verr.param('recordIds 一次最多 1000 个 (at most 1000 recordIds)');
    const recs = recordIds.map((id) => ds.byId.get(id)).filter((x): x is Rec => x !== undefined);
    return ok({ total: recs.length, pageSize: recs.length, pageNum: 1, records: recs.map(render) });
  }
  const sort = sortList(r.pairs);
  const sortKeys = sort?.map((k) => ({ field: resolveFields(ds, [k.field], fieldKey, 'sort')[0], desc: k.order === 'desc' }));
  const formula = scalar(r.pairs, 'filterByFormula');
  const keep = formula && formula.trim() !== '' ? compileFormula(s, ds, formula, 'filterByFormula') : undefined;

  // The view's filter, then its order unless `sort` replaces it; filterByFormula keeps that order; then `sort`.
  let recs = view ? viewRecords(s, ds, sortKeys ? { ...view, sort: [] } : view) : ds.records;
  if (keep) recs = recs.filter(keep);
  if (sortKeys) recs = sortRecords(s, ds, recs, sortKeys);
  if (maxRecords !== undefined) recs = recs.slice(0, maxRecords);
  const start = (pageNum - 1) * pageSize;
  const page = start < recs.length ? recs.slice(start, start + pageSize) : [];
  return ok({ total: recs.length, pageSize, pageNum, records: page.map(render) });
}

function jsonBody(r: ApiRequest): Record<string, unknown> {
  if (r.body.length === 0) throw verr.param('请求体不能为空 (empty request body)');
  let body: unknown;
  try {
    body = JSON.parse(r.body.toString('utf8'));
  } catch {
    throw verr.param('请求体不是合法的 JSON (request body is not valid JSON)');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw verr.param('请求体必须是 JSON 对象 (request body must be a JSON object)');
  return body as Record<string, unknown>;
}

function writeRecords(r: ApiRequest): { body: Record<string, unknown>; records: unknown[]; fieldKey: 'name' | 'id' } {
  const body = jsonBody(r);
  const records = body.records;
  if (!Array.isArray(records)) throw verr.param('records 必须是数组 (records must be an array)');
  r.noteRecords(records.length);
  if (records.length === 0) throw verr.param('records 不能为空 (records is empty)');
  if (records.length > 10) throw verr.param(`records 一次最多 10 条 (at most 10 records per request): ${records.length}`);
  // The JS SDK sends fieldKey in the query and in the body; the body's wins when both come.
  const fieldKey = fieldKeyOf(body.fieldKey ?? scalar(r.pairs, 'fieldKey'));
  return { body, records, fieldKey };
}

function answerRecords(s: Store, r: ApiRequest, ds: Datasheet, recs: Rec[], fieldKey: 'name' | 'id', status: number): Reply {
  const view = viewOf(ds, scalar(r.pairs, 'viewId'));
  const fields = visibleFields(ds, view);
  return ok({ records: recs.map((rec) => renderRecord(s, ds, rec, fields, fieldKey, 'json')) }, status);
}

function createRecords(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const { records, fieldKey } = writeRecords(r);
  viewOf(ds, scalar(r.pairs, 'viewId'));
  const recs = s.createRecords(ds, records as Array<{ fields?: unknown }>, fieldKey, r.user);
  return answerRecords(s, r, ds, recs, fieldKey, 201);
}

function updateRecords(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const { records, fieldKey } = writeRecords(r);
  viewOf(ds, scalar(r.pairs, 'viewId'));
  const recs = s.updateRecords(ds, records as Array<{ recordId?: unknown; fields?: unknown }>, fieldKey, r.user);
  return answerRecords(s, r, ds, recs, fieldKey, 200);
}

function deleteRecords(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const ids = list(r.pairs, 'recordIds');
  if (ids) r.noteRecords(ids.length);
  if (!ids || ids.length === 0) throw verr.param('recordIds 不能为空 (recordIds is required)');
  if (ids.length > 10) throw verr.param(`recordIds 一次最多 10 个 (at most 10 records per request): ${ids.length}`);
  s.deleteRecords(ds, ids, r.user);
  return ok(true);
}

// ------------------------------------------------------------------------------------------------- fields, views

function getFields(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const view = viewOf(ds, scalar(r.pairs, 'viewId'));
  return ok({ fields: visibleFields(ds, view).map((f) => fieldJson(s, ds, f)) });
}

function getViews(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  return ok({ views: ds.views.map((v) => ({ id: v.id, name: v.name, type: v.type })) });
}

/** A datasheet addressed under /spaces/{spc}/: the space must exist (400) and hold it (else 301). */
function spaceDatasheet(s: Store, r: ApiRequest): Datasheet {
  s.requireSpace(r.params.spc);
  const ds = s.requireDatasheet(r.params.dst);
  if (ds.spaceId !== r.params.spc) throw verr.datasheet();
  return ds;
}

function createField(s: Store, r: ApiRequest): Reply {
  const ds = spaceDatasheet(s, r);
  const body = jsonBody(r);
  const f = s.createField(ds, { name: body.name, type: body.type, property: body.property, desc: body.desc });
  return ok({ id: f.id, name: f.name }, 201);
}

function deleteField(s: Store, r: ApiRequest): Reply {
  const ds = spaceDatasheet(s, r);
  s.deleteField(ds, r.params.fld);
  return ok({});
}

function createDatasheet(s: Store, r: ApiRequest): Reply {
  s.requireSpace(r.params.spc);
  const body = jsonBody(r);
  const str = (k: string) => {
    const v = body[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw verr.param(`${k} 必须是字符串 (${k} must be a string)`);
    return v;
  };
  if (body.fields !== undefined && body.fields !== null && !Array.isArray(body.fields)) throw verr.param('fields 必须是数组 (fields must be an array)');
  const createdAt = s.tick();
  const ds = s.createDatasheet(r.params.spc, body.name, (body.fields as FieldSpec[] | null | undefined) ?? undefined, {
    folderId: str('folderId'), preNodeId: str('preNodeId'), description: body.description,
  });
  return ok({ id: ds.id, createdAt, fields: ds.fields.map((f) => ({ id: f.id, name: f.name })) }, 201);
}

// -------------------------------------------------------------------------------------------------- attachments

function uploadAttachment(s: Store, r: ApiRequest): Reply {
  const ds = s.requireDatasheet(r.params.dst);
  const boundary = multipartBoundary(r.contentType);
  if (!boundary) throw verr.param('Content-Type 必须是 multipart/form-data (upload must be multipart/form-data)');
  let form;
  try {
    form = parseMultipart(r.body, boundary);
  } catch (e) {
    throw verr.param(`multipart 请求体无效 (malformed multipart body): ${(e as Error).message}`);
  }
  if (form.files.length > 1) throw verr.tooManyFiles();
  const file = form.files[0];
  if (!file || file.field !== 'file') throw verr.param('缺少文件参数 file (a multipart part `file` with a filename is required)');
  const blob = s.addAttachment(ds.spaceId, file.filename || 'file', file.data, mimeTypeOf(file.filename, file.contentType), imageSize(file.data));
  const data: Record<string, unknown> = { token: blob.token, name: blob.name, size: blob.size };
  if (blob.width !== undefined) data.width = blob.width;
  if (blob.height !== undefined) data.height = blob.height;
  data.mimeType = blob.mimeType;
  // `preview` (the reference shows it for some files) is left out: the sandbox renders no previews.
  data.url = `${s.host}/${blob.token}`;
  return ok(data, 201);
}

// ------------------------------------------------------------------------------------------------- spaces, nodes

function getSpaces(s: Store): Reply {
  return ok({ spaces: [...s.spaces.values()].map((x) => ({ id: x.id, name: x.name, isAdmin: x.isAdmin })) });
}

function getNodes(s: Store, r: ApiRequest): Reply {
  return ok({ nodes: s.children(r.params.spc).map((n) => s.nodeJson(n, false)) });
}

function getNode(s: Store, r: ApiRequest): Reply {
  s.requireSpace(r.params.spc);
  const n = s.nodes.get(r.params.node);
  if (!n || n.spaceId !== r.params.spc) throw verr.param(`文件节点不存在 (unknown node): ${r.params.node}`);
  return ok(s.nodeJson(n, true));
}

