/**
 * Vika fusion API v1 client: one method per endpoint of endpoints.tsv (13), plus `queryAll` (pages of 1000). Plain
 * Node, no vscode.
 *
 * Pacing (vendor-facts.md): the server allows 5 requests per second per (token, datasheet) — per space for the space
 * routes — and answers 429 without Retry-After beyond. Every request is paced by a sliding window on its own key
 * (token fingerprint + datasheet or space), so a save never meets a 429; should one come anyway (another program with
 * the same token), the HTTP layer backs off and repeats it (a 429 was not processed, so a POST is safe to repeat).
 * Writes are never larger than 10 records (the caller chunks: see RecordsCapability.maxBatch).
 */
import { createHash } from 'crypto';
import { BadResponseError, InvalidInputError } from '../../core/errors';
import type { HttpResponse } from '../../core/http';
import type { CallOptions } from '../../core/model';
import { multipart } from '../../core/multipart';
import { registerSecret } from '../../core/redact';
import { VendorClient, type VendorClientOptions } from '../../core/vendorClient';
import { parseVikaError, vikaError } from './errors';
import {
  VIKA_MAX_PAGE_SIZE, VIKA_MAX_WRITE, VIKA_REQUESTS_PER_SECOND, type VikaAttachment, type VikaCreatedDatasheet,
  type VikaEnvelope, type VikaField, type VikaNode, type VikaRecord, type VikaRecordPage, type VikaRecordQuery,
  type VikaSpace, type VikaView,
} from './wire';

/** Client method -> endpoint (endpoints.tsv, vendor vika). A unit test checks it against the TSV. */
export const VIKA_ENDPOINTS = {
  listRecords: { method: 'GET', path: '/fusion/v1/datasheets/{datasheetId}/records' },
  createRecords: { method: 'POST', path: '/fusion/v1/datasheets/{datasheetId}/records' },
  updateRecords: { method: 'PATCH', path: '/fusion/v1/datasheets/{datasheetId}/records' },
  deleteRecords: { method: 'DELETE', path: '/fusion/v1/datasheets/{datasheetId}/records' },
  listFields: { method: 'GET', path: '/fusion/v1/datasheets/{datasheetId}/fields' },
  createField: { method: 'POST', path: '/fusion/v1/spaces/{spaceId}/datasheets/{datasheetId}/fields' },
  deleteField: { method: 'DELETE', path: '/fusion/v1/spaces/{spaceId}/datasheets/{datasheetId}/fields/{fieldId}' },
  listViews: { method: 'GET', path: '/fusion/v1/datasheets/{datasheetId}/views' },
  createDatasheet: { method: 'POST', path: '/fusion/v1/spaces/{spaceId}/datasheets' },
  uploadAttachment: { method: 'POST', path: '/fusion/v1/datasheets/{datasheetId}/attachments' },
  listSpaces: { method: 'GET', path: '/fusion/v1/spaces' },
  listNodes: { method: 'GET', path: '/fusion/v1/spaces/{spaceId}/nodes' },
  getNode: { method: 'GET', path: '/fusion/v1/spaces/{spaceId}/nodes/{nodeId}' },
} as const;

export type VikaEndpoint = keyof typeof VIKA_ENDPOINTS;

export interface VikaCredentials {
  /** API base without /fusion/v1 (default https://api.vika.cn; APITable and self-hosted serve the same routes). */
  host: string;
  token: string;
}

export const VIKA_DEFAULT_HOST = 'https://api.vika.cn';

export type VikaClientOptions = VendorClientOptions;

type Query = Array<[string, string]>;

/** `recordIds%5B%5D=a&…`, `sort%5B0%5D%5Bfield%5D=…`: the bracket forms of the reference, brackets percent-encoded. */
export function encodeRecordQuery(q: VikaRecordQuery): Query {
  const out: Query = [];
  const put = (k: string, v: string | number | undefined) => { if (v !== undefined && v !== '') out.push([k, String(v)]); };
  put('viewId', q.viewId);
  put('pageSize', q.pageSize);
  put('pageNum', q.pageNum);
  put('maxRecords', q.maxRecords);
  for (const id of q.recordIds ?? []) put('recordIds[]', id);
  for (const f of q.fields ?? []) put('fields[]', f);
  // Indexed, not `sort[][field]`: with several keys the bracket-only form is ambiguous (vendor-facts.md).
  (q.sort ?? []).forEach((s, i) => { put(`sort[${i}][field]`, s.field); put(`sort[${i}][order]`, s.order); });
  put('filterByFormula', q.filterByFormula);
  put('cellFormat', q.cellFormat);
  put('fieldKey', q.fieldKey);
  return out;
}

function queryString(q: Query): string {
  return q.length ? '?' + q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : '';
}

export class VikaClient extends VendorClient {
  /** Fingerprint of the token: rate-limit keys and logs name the token by it, never by the token. */
  private readonly tokenId: string;

  constructor(private readonly creds: VikaCredentials, opts: VikaClientOptions = {}) {
    // No Retry-After on Vika's 429: back off a little longer than the default before repeating.
    super('vika', creds.host || VIKA_DEFAULT_HOST, { retry: { maxAttempts: 6, baseMs: 500, ...opts.retry }, ...opts }, parseVikaError);
    registerSecret(creds.token);
    this.tokenId = createHash('sha256').update(creds.token).digest('hex').slice(0, 12);
  }

  // ---------------------------------------------------------------- plumbing

  /** The pacing key of a datasheet (or space): 5 requests in any second, sliding. */
  private paceKey(scope: string): string {
    const key = `vika:${this.host}:${this.tokenId}:${scope}`;
    this.http.limiter.configure(key, { perSecond: VIKA_REQUESTS_PER_SECOND, sliding: true });
    return key;
  }

  private url(name: VikaEndpoint, params: Record<string, string>, query: Query = []): string {
    const path = VIKA_ENDPOINTS[name].path.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(params[k] ?? ''));
    return this.host + path + queryString(query);
  }

  /** One call; the envelope's data, or the typed error of a failed answer. */
  private async call<T>(
    name: VikaEndpoint, params: Record<string, string>, what: string,
    o: CallOptions | undefined, extra: { query?: Query; json?: unknown; body?: () => Buffer | NodeJS.ReadableStream; contentType?: string } = {},
  ): Promise<T> {
    const scope = params.datasheetId ?? params.spaceId ?? 'spaces';
    const headers: Record<string, string> = { authorization: `Bearer ${this.creds.token}` };
    let body: string | (() => Buffer) | undefined;
    if (extra.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(extra.json);
    } else if (extra.body) {
      headers['content-type'] = extra.contentType as string;
      body = extra.body as () => Buffer;
    }
    const method = VIKA_ENDPOINTS[name].method;
    return this.request({
      method,
      url: this.url(name, params, extra.query),
      headers,
      body,
      // A create repeated after it may have arrived would create twice; PATCH and DELETE of the same records are safe.
      idempotent: method !== 'POST',
      signal: o?.signal,
      limitKey: this.paceKey(scope),
    }, what, (res) => this.answer<T>(res, what));
  }

  private answer<T>(res: HttpResponse, what: string): T {
    if (res.status < 200 || res.status >= 300) throw vikaError(res.status, res.body, what, res.headers);
    let env: VikaEnvelope<T>;
    try {
      env = res.json<VikaEnvelope<T>>();
    } catch {
      throw new BadResponseError(`${what}: Vika answered something that is not JSON`, { status: res.status });
    }
    if (env === null || typeof env !== 'object' || typeof env.success !== 'boolean') {
      throw new BadResponseError(`${what}: Vika's answer has no success flag`, { status: res.status });
    }
    if (!env.success) throw vikaError(res.status, res.body, what, res.headers);
    return env.data;
  }

  // ---------------------------------------------------------------- records

  async listRecords(datasheetId: string, q: VikaRecordQuery = {}, o?: CallOptions): Promise<VikaRecordPage> {
    if (q.pageSize !== undefined && (q.pageSize < 1 || q.pageSize > VIKA_MAX_PAGE_SIZE)) {
      throw new InvalidInputError(`pageSize must be 1..${VIKA_MAX_PAGE_SIZE}`);
    }
    const page = await this.call<VikaRecordPage>('listRecords', { datasheetId }, `records of ${datasheetId}`, o, { query: encodeRecordQuery(q) });
    if (!page || !Array.isArray(page.records)) throw new BadResponseError(`records of ${datasheetId}: the answer has no records`);
    return page;
  }

  /**
   * Every record (pages of 1000, or q.pageSize): stops at a short page or once `total` records came, so a total that
   * is a multiple of the page size costs no extra empty page (the official SDK asks for one more).
   */
  async *queryAll(datasheetId: string, q: Omit<VikaRecordQuery, 'pageNum'> = {}, o?: CallOptions): AsyncGenerator<VikaRecordPage> {
    const pageSize = q.pageSize ?? VIKA_MAX_PAGE_SIZE;
    let seen = 0;
    for (let pageNum = 1; ; pageNum++) {
      const page = await this.listRecords(datasheetId, { ...q, pageSize, pageNum }, o);
      seen += page.records.length;
      yield page;
      const total = typeof page.total === 'number' ? page.total : Infinity;
      if (page.records.length < pageSize || seen >= total || page.records.length === 0) return;
    }
  }

  async createRecords(datasheetId: string, records: ReadonlyArray<{ fields: Record<string, unknown> }>, fieldKey: 'name' | 'id' = 'id', o?: CallOptions): Promise<VikaRecord[]> {
    checkBatch(records.length);
    const data = await this.call<{ records: VikaRecord[] }>('createRecords', { datasheetId }, `create ${records.length} records in ${datasheetId}`, o, { json: { records, fieldKey } });
    return recordsOf(data, `create records in ${datasheetId}`);
  }

  async updateRecords(datasheetId: string, records: ReadonlyArray<{ recordId: string; fields: Record<string, unknown> }>, fieldKey: 'name' | 'id' = 'id', o?: CallOptions): Promise<VikaRecord[]> {
    checkBatch(records.length);
    const data = await this.call<{ records: VikaRecord[] }>('updateRecords', { datasheetId }, `update ${records.length} records of ${datasheetId}`, o, { json: { records, fieldKey } });
    return recordsOf(data, `update records of ${datasheetId}`);
  }

  async deleteRecords(datasheetId: string, recordIds: readonly string[], o?: CallOptions): Promise<void> {
    checkBatch(recordIds.length);
    await this.call<unknown>('deleteRecords', { datasheetId }, `delete ${recordIds.length} records of ${datasheetId}`, o, {
      query: recordIds.map((id): [string, string] => ['recordIds[]', id]),
    });
  }

  // ---------------------------------------------------------------- fields and views

  async listFields(datasheetId: string, viewId?: string, o?: CallOptions): Promise<VikaField[]> {
    const data = await this.call<{ fields: VikaField[] }>('listFields', { datasheetId }, `fields of ${datasheetId}`, o, { query: viewId ? [['viewId', viewId]] : [] });
    if (!data || !Array.isArray(data.fields)) throw new BadResponseError(`fields of ${datasheetId}: the answer has no fields`);
    return data.fields;
  }

  async createField(spaceId: string, datasheetId: string, field: { type: string; name: string; property?: unknown }, o?: CallOptions): Promise<{ id: string; name: string }> {
    const data = await this.call<{ id: string; name: string }>('createField', { spaceId, datasheetId }, `create field "${field.name}" in ${datasheetId}`, o, { json: field });
    if (!data || typeof data.id !== 'string') throw new BadResponseError(`create field in ${datasheetId}: the answer has no field id`);
    return data;
  }

  async deleteField(spaceId: string, datasheetId: string, fieldId: string, o?: CallOptions): Promise<void> {
    await this.call<unknown>('deleteField', { spaceId, datasheetId, fieldId }, `delete field ${fieldId} of ${datasheetId}`, o);
  }

  async listViews(datasheetId: string, o?: CallOptions): Promise<VikaView[]> {
    const data = await this.call<{ views: VikaView[] }>('listViews', { datasheetId }, `views of ${datasheetId}`, o);
    if (!data || !Array.isArray(data.views)) throw new BadResponseError(`views of ${datasheetId}: the answer has no views`);
    return data.views;
  }

  // ---------------------------------------------------------------- spaces, nodes, datasheets, attachments

  async createDatasheet(
    spaceId: string,
    d: { name: string; description?: string; folderId?: string; preNodeId?: string; fields?: Array<{ type: string; name: string; property?: unknown }> },
    o?: CallOptions,
  ): Promise<VikaCreatedDatasheet> {
    const data = await this.call<VikaCreatedDatasheet>('createDatasheet', { spaceId }, `create datasheet "${d.name}"`, o, { json: d });
    if (!data || typeof data.id !== 'string') throw new BadResponseError('create datasheet: the answer has no datasheet id');
    return data;
  }

  /** One file per call (the reference: more than one answers 428). */
  async uploadAttachment(datasheetId: string, file: { name: string; data: Uint8Array; contentType?: string }, o?: CallOptions): Promise<VikaAttachment> {
    const form = await multipart({}, { field: 'file', filename: file.name, source: { data: file.data }, contentType: file.contentType });
    const data = await this.call<VikaAttachment>('uploadAttachment', { datasheetId }, `upload "${file.name}" to ${datasheetId}`, o, {
      body: form.body as () => Buffer, contentType: form.contentType,
    });
    if (!data || typeof data.token !== 'string') throw new BadResponseError(`upload to ${datasheetId}: the answer has no attachment token`);
    return data;
  }

  async listSpaces(o?: CallOptions): Promise<VikaSpace[]> {
    const data = await this.call<{ spaces: VikaSpace[] }>('listSpaces', {}, 'spaces', o);
    if (!data || !Array.isArray(data.spaces)) throw new BadResponseError('spaces: the answer has no spaces');
    return data.spaces;
  }

  async listNodes(spaceId: string, o?: CallOptions): Promise<VikaNode[]> {
    const data = await this.call<{ nodes: VikaNode[] }>('listNodes', { spaceId }, `files of space ${spaceId}`, o);
    if (!data || !Array.isArray(data.nodes)) throw new BadResponseError(`files of space ${spaceId}: the answer has no nodes`);
    return data.nodes;
  }

  async getNode(spaceId: string, nodeId: string, o?: CallOptions): Promise<VikaNode> {
    const data = await this.call<VikaNode>('getNode', { spaceId, nodeId }, `file ${nodeId}`, o);
    if (!data || typeof data.id !== 'string') throw new BadResponseError(`file ${nodeId}: the answer has no node`);
    return data;
  }
}

function checkBatch(n: number): void {
  if (n < 1 || n > VIKA_MAX_WRITE) throw new InvalidInputError(`Vika takes 1 to ${VIKA_MAX_WRITE} records per request, not ${n}`);
}

function recordsOf(data: { records?: VikaRecord[] } | undefined, what: string): VikaRecord[] {
  if (!data || !Array.isArray(data.records)) throw new BadResponseError(`${what}: the answer has no records`);
  return data.records;
}
