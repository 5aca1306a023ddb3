import * as http from 'node:http';
import { closeServer, listenLoopback, type Reply } from '../common/http';
import { Faults } from '../common/misbehaviour';
import { solidPng } from '../common/png';
import { newSecret } from '../common/secrets';
import { verr, VikaError } from './errors';
import { READ_ONLY_TYPES, type Datasheet } from './model';
import { scalar, type Pair } from './query';
import { BIG_SHEET_ROWS, seedDemo } from './seed';
import { createHandler, RateLimiter, WriteFaults } from './server';
import { Store } from './store';
import type { VikaRequestLog, VikaSandbox, VikaSandboxControl, VikaSandboxOptions } from './types';

export { VIKA_SEED } from './seed';

/** Emulator of the Vika (维格表) fusion API v1 on 127.0.0.1; the API is at `host + '/fusion/v1'`. */

const LOG_CAP = 5000;

export async function startVikaSandbox(opts: VikaSandboxOptions = {}): Promise<VikaSandbox> {
  // The API token is a secret the sandbox hands out: canary-marked in canary mode (common/secrets.ts), so a test run
  // fails when one reaches a log. No fixed default token is exported: every start mints one unless `token` is given.
  const token = opts.token ?? `usk${newSecret(16, 'base64url')}`;
  const tokens = new Set([token, ...(opts.extraTokens ?? [])]);

  const server = http.createServer();
  const host = await listenLoopback(server, opts.port ?? 0);
  const store = new Store(host);
  if (opts.seed !== false) seedDemo(store, opts.bigSheetRows ?? BIG_SHEET_ROWS);

  const faults = new Faults();
  const writeFaults = new WriteFaults();
  const limiter = new RateLimiter();
  const log: VikaRequestLog[] = [];
  let total = 0;
  let rateLimited = 0;

  const sheet = (id: string): Datasheet => {
    const ds = store.datasheet(id);
    if (!ds) throw new Error(`vika sandbox: no datasheet ${id}`);
    return ds;
  };
  /** Control writes answer the API's validation errors as plain Errors. */
  const asError = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      throw e instanceof VikaError ? new Error(`vika sandbox: ${e.message}`) : e;
    }
  };

  const control: VikaSandboxControl = {
    failNext: (count, how) => faults.failNext(count, how),
    failWritesAfter: (skip, count, how) => writeFaults.add(skip, count, how),
    dropNextRequests: (count, pathIncludes) => faults.dropNext(count, pathIncludes),
    malformNext: (count, pathIncludes) => faults.malformNext(count, pathIncludes),
    setLatency: (ms) => {
      faults.latencyMs = Math.max(0, ms);
    },
    setRateLimit: (perSecond) => {
      limiter.perSecond = Math.max(0, perSecond);
    },
    resetMisbehaviour: () => {
      faults.reset();
      writeFaults.reset();
    },
    get requests() {
      return log;
    },
    get requestCount() {
      return total;
    },
    requestsSince: (mark) => {
      const n = Math.min(log.length, total - mark);
      return n > 0 ? log.slice(log.length - n) : [];
    },
    get rateLimited() {
      return rateLimited;
    },
    spaces: () => [...store.spaces.values()].map((s) => ({ id: s.id, name: s.name })),
    datasheetId: (name) => [...store.sheets.values()].find((d) => d.name === name)?.id,
    fields: (id) => {
      const ds = sheet(id);
      return ds.fields.map((f, i) => {
        const out: ReturnType<VikaSandboxControl['fields']>[number] = { id: f.id, name: f.name, type: f.type, editable: !READ_ONLY_TYPES.has(f.type) };
        if (Object.keys(f.property).length) out.property = structuredClone(f.property);
        if (i === 0) out.isPrimary = true;
        return out;
      });
    },
    records: (id) => {
      const ds = sheet(id);
      return ds.records.map((r) => store.recordByName(ds, r));
    },
    record: (id, recordId) => {
      const ds = sheet(id);
      const r = ds.byId.get(recordId);
      return r ? store.recordByName(ds, r) : undefined;
    },
    updateRecord: (id, recordId, fields) => {
      asError(() => store.updateRecords(sheet(id), [{ recordId, fields }], 'name', store.otherUser));
    },
    createRecord: (id, fields) => asError(() => store.createRecords(sheet(id), [{ fields }], 'name', store.otherUser)[0].id),
    deleteRecord: (id, recordId) => {
      asError(() => store.deleteRecords(sheet(id), [recordId], store.otherUser));
    },
    createDatasheet: (spaceId, name, fields, records, folderId) => asError(() => {
      const ds = store.createDatasheet(spaceId, name, fields, { folderId, position: 'last' });
      for (let k = 0; records && k < records.length; k += 10) {
        store.createRecords(ds, records.slice(k, k + 10).map((f) => ({ fields: f })), 'name', store.otherUser);
      }
      return ds.id;
    }),
    attachment: (t) => store.attachments.get(t)?.data,
  };

  const controlRoute = (method: string, path: string, pairs: Pair[], body: Buffer): Reply => {
    const json = (): Record<string, unknown> => {
      try {
        return body.length ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      } catch {
        throw verr.param('control body is not JSON');
      }
    };
    const dst = scalar(pairs, 'datasheetId') ?? '';
    const recordId = scalar(pairs, 'recordId') ?? '';
    const run = (fn: () => unknown): Reply => {
      try {
        return { status: 200, json: fn() ?? {} };
      } catch (e) {
        return { status: 400, json: { success: false, code: 400, message: (e as Error).message } };
      }
    };
    switch (`${method} ${path}`) {
      case 'GET /__sandbox/state':
        return {
          status: 200,
          json: {
            host, requestCount: total, rateLimited,
            spaces: control.spaces(),
            datasheets: [...store.sheets.values()].map((d) => ({ id: d.id, name: d.name, spaceId: d.spaceId, records: d.generate ? (d.plannedRows ?? 0) : d.records.length })),
          },
        };
      case 'GET /__sandbox/records':
        return run(() => ({ records: control.records(dst) }));
      case 'POST /__sandbox/records':
        return run(() => ({ recordId: control.createRecord(dst, (json().fields ?? {}) as Record<string, unknown>) }));
      case 'PATCH /__sandbox/records':
        return run(() => control.updateRecord(dst, recordId, (json().fields ?? {}) as Record<string, unknown>));
      case 'DELETE /__sandbox/records':
        return run(() => control.deleteRecord(dst, recordId));
      default:
        throw verr.notFound();
    }
  };

  server.on('request', createHandler({
    store, faults, writeFaults, limiter, tokens,
    controlRoutes: opts.controlRoutes === true,
    avatar: solidPng(8, 8, [0x7b, 0x67, 0xee]),
    log: (entry) => {
      total++;
      log.push(entry);
      if (log.length > LOG_CAP) log.splice(0, log.length - LOG_CAP);
    },
    onRateLimited: () => {
      rateLimited++;
    },
    control: controlRoute,
  }));

  return { host, token, control, close: () => closeServer(server) };
}
