import * as http from 'node:http';
import { closeServer, listenLoopback, type Reply } from '../common/http';
import { Faults } from '../common/misbehaviour';
import { newSecret } from '../common/secrets';
import { isoChina, jsonBody, type Family } from './api';
import { Downloads } from './downloads';
import { serr, ShimoError } from './errors';
import { newSheet, type ShimoFile } from './model';
import { plainText, readPlainText } from './office';
import { SHIMO_SEED, seedDemo } from './seed';
import { createHandler } from './server';
import { cellString, typedCell, usedSize } from './sheets';
import { API_USER, OTHER_USER, Store } from './store';
import { Tasks } from './tasks';
import type { ShimoRequestLog, ShimoSandbox, ShimoSandboxControl, ShimoSandboxOptions } from './types';

export { SHIMO_SEED } from './seed';

/** Emulator of the Shimo (石墨) SDK v2 API on 127.0.0.1; the API is at `host + '/sdk/v2'`. */

export const SHIMO_SANDBOX_APP_ID = 'sandbox-shimo-app';
const LOG_CAP = 5000;

export async function startShimoSandbox(opts: ShimoSandboxOptions = {}): Promise<ShimoSandbox> {
  // The AppSecret and the user token are secrets the sandbox hands out: canary-marked in canary mode
  // (common/secrets.ts), so a test run fails when one reaches a log. The AppId is public (it is the JWT's kid).
  const appId = opts.appId ?? SHIMO_SANDBOX_APP_ID;
  const appSecret = opts.appSecret ?? newSecret(24, 'base64url');
  const userToken = opts.userToken ?? newSecret(16, 'base64url');

  const server = http.createServer();
  const host = await listenLoopback(server, opts.port ?? 0);
  const store = new Store(opts.seatLimit ?? SHIMO_SEED.seatLimit);
  if (opts.seed !== false) seedDemo(store);
  else store.user(API_USER.userId, API_USER.name, 1);
  // The "other user" of control edits is a user Shimo knows even without the seed (not enabled: no seat taken).
  store.user(OTHER_USER.userId, OTHER_USER.name, -1);

  const tasks = new Tasks();
  const downloads = new Downloads(host);
  const faults = new Faults();
  let families: ReadonlySet<Family> = new Set<Family>(['shimo-files', 'collab-files']);
  const log: ShimoRequestLog[] = [];
  let total = 0;

  const live = (id: string): ShimoFile => {
    const f = store.files.get(id);
    if (!f || f.deleted) throw new Error(`shimo sandbox: no file ${id}`);
    return f;
  };

  const control: ShimoSandboxControl = {
    failNext: (count, how) => faults.failNext(count, how),
    dropNextRequests: (count, pathIncludes) => faults.dropNext(count, pathIncludes),
    malformNext: (count, pathIncludes) => faults.malformNext(count, pathIncludes),
    setLatency: (ms) => {
      faults.latencyMs = Math.max(0, ms);
    },
    resetMisbehaviour: () => faults.reset(),
    setPathFamilies: (f) => {
      families = new Set<Family>(f === 'both' ? ['shimo-files', 'collab-files'] : [f]);
    },
    expireDownloadUrls: () => downloads.urls.expireAll(),
    setDownloadUrlTtl: (ms) => {
      downloads.urls.downloadTtlMs = Math.max(0, ms);
    },
    setTaskPolls: (n) => {
      tasks.pollsNeeded = Math.max(1, Math.floor(n));
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
    file: (id) => {
      const f = store.files.get(id);
      return f && { id: f.id, type: f.type, title: f.title, revision: f.revision, deleted: f.deleted };
    },
    fileIds: () => [...store.files.values()].filter((f) => !f.deleted).map((f) => f.id),
    text: (id) => {
      const f = store.files.get(id);
      return f && f.type !== 'table' ? plainText(f.content) : undefined;
    },
    sheetNames: (id) => {
      const c = store.files.get(id)?.content;
      return c?.kind === 'sheets' ? c.sheets.map((s) => s.name) : [];
    },
    sheetValues: (id, name) => {
      const c = live(id).content;
      if (c.kind !== 'sheets') throw new Error(`shimo sandbox: ${id} has no sheets`);
      const sheet = c.sheets.find((s) => s.name === name);
      if (!sheet) throw new Error(`shimo sandbox: ${id} has no sheet ${name}`);
      const { rows, cols } = usedSize(sheet);
      return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (__, col) => cellString(sheet.rows[r]?.[col] ?? null)));
    },
    setSheetValues: (id, name, values) => {
      const f = live(id);
      if (f.content.kind !== 'sheets') throw new Error(`shimo sandbox: ${id} has no sheets`);
      const rows = values.map((r) => r.map(typedCell));
      const i = f.content.sheets.findIndex((s) => s.name === name);
      const next = newSheet(name, rows);
      if (i >= 0) {
        const old = f.content.sheets[i];
        next.rowCount = Math.max(next.rowCount, old.rowCount);
        next.colCount = Math.max(next.colCount, old.colCount);
        f.content.sheets[i] = next;
      } else {
        f.content.sheets.push(next);
      }
      store.edited(f, OTHER_USER.userId, `set ${name}`);
    },
    setText: (id, text) => {
      const f = live(id);
      if (f.content.kind === 'sheets') throw new Error(`shimo sandbox: ${id} is a ${f.type}; use setSheetValues`);
      f.content = f.content.kind === 'slides'
        ? { kind: 'slides', slides: text.replace(/\r\n?/g, '\n').split(/\n\s*\n/).map((b) => b.split('\n')) }
        : { kind: 'text', blocks: readPlainText(text) };
      store.edited(f, OTHER_USER.userId, 'set text');
    },
    createRevision: (id, title) => store.saveRevision(live(id), OTHER_USER.userId, title).id,
    setCommentCount: (id, count) => {
      live(id).comments = Math.max(0, Math.floor(count));
    },
    seats: () => [...store.users.values()]
      .sort((a, b) => a.createdAt - b.createdAt || a.userId.localeCompare(b.userId))
      .map((u) => ({ userId: u.userId, status: u.status, createdAt: isoChina(u.createdAt) })),
    get endpointUrl() {
      return store.endpointUrl;
    },
    userId: API_USER.userId,
  };

  /** Control routes answer a plain-Error failure of the control methods as 400 with its message. */
  const controlRoute = (method: string, url: URL, body: Buffer): Reply => {
    const run = (fn: () => unknown): Reply => {
      try {
        return { status: 200, json: fn() ?? {} };
      } catch (e) {
        if (e instanceof ShimoError) throw e;
        throw serr.bad((e as Error).message);
      }
    };
    const b = () => jsonBody(body);
    switch (`${method} ${url.pathname}`) {
      case 'GET /__sandbox/state':
        return {
          status: 200,
          json: {
            host, appId, endpointUrl: store.endpointUrl, requestCount: total,
            files: [...store.files.values()].map((f) => control.file(f.id)),
            seats: control.seats(),
          },
        };
      case 'POST /__sandbox/text':
        return run(() => control.setText(String(b().fileId), String(b().text)));
      case 'POST /__sandbox/sheet':
        return run(() => control.setSheetValues(String(b().fileId), String(b().sheet), b().values as string[][]));
      case 'GET /__sandbox/sheet':
        return run(() => ({ values: control.sheetValues(url.searchParams.get('fileId') ?? '', url.searchParams.get('sheet') ?? '') }));
      case 'POST /__sandbox/expire-downloads':
        return run(() => control.expireDownloadUrls());
      default:
        throw serr.route();
    }
  };

  server.on('request', createHandler({
    store, tasks, downloads, faults,
    apps: new Map([[appId, appSecret]]),
    tokens: new Map([[userToken, API_USER.userId]]),
    families: () => families,
    controlRoutes: opts.controlRoutes === true,
    control: controlRoute,
    log: (entry) => {
      total++;
      log.push(entry);
      if (log.length > LOG_CAP) log.splice(0, log.length - LOG_CAP);
    },
  }));

  return { host, appId, appSecret, userToken, control, close: () => closeServer(server) };
}

