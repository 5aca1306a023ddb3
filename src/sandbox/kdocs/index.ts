import * as http from 'node:http';
import { bufferBlob, readAll } from '../common/blob';
import { closeServer, listenLoopback } from '../common/http';
import { Faults } from '../common/misbehaviour';
import { RequestLog, withRequestLog, type RequestLogControl } from '../common/requests';
import { TemporaryUrls } from '../common/urls';
import {
  SANDBOX_KDOCS_APP_ID, SANDBOX_KDOCS_APP_KEY,
  type KdocsSandbox, type KdocsSandboxControl, type KdocsSandboxOptions, type KdocsSpace,
} from '../types';
import { airscriptRoutes, ScriptRuns } from './airscript';
import { AnonymousPreviews, anonymousRoutes } from './anonymous';
import { appspaceRoutes } from './appspace';
import { OAuth } from './auth';
import { spaceOf, type Deps, type KdocsUrls } from './deps';
import { protectPackage } from './documents';
import { kerr } from './errors';
import { Notifications, notificationRoutes } from './notification';
import { OFFICE_TARGETS, officeRoutes, OfficeTasks } from './office';
import { outlineRoutes } from './outline';
import { personalRoutes } from './personal';
import { Quotas } from './quota';
import { API_BASE, Router } from './router';
import { APP_FOLDER_PATH, putPath, seedAppspace, seedPersonal } from './seed';
import { AVATAR_PATH, createHandler } from './server';
import { parseA1, parseWorkbook, serializeWorkbook, setCell, type Workbook } from './sheets';
import { ROOT, Space } from './store';
import { DEFAULT_TASK_ITEM_FAILURE, Tasks } from './tasks';

/**
 * Emulator of the Kingsoft Docs open platform on 127.0.0.1: user, personal and app-space APIs, format conversion and
 * extraction, AirScript, anonymous preview, online-document export and notifications.
 */

/** Daily limits the vendor pages give, [test app, production app], by endpoint key. */
function defaultQuotas(): Map<string, [number, number]> {
  const m = new Map<string, [number, number]>();
  const set = (method: string, path: string, test: number, production: number) => m.set(`${method} ${API_BASE}${path}`, [test, production]);
  for (const t of OFFICE_TARGETS) set('POST', `/office/convert/files/to/${t}`, 100, 200);
  set('POST', '/office/extract/plaintext', 100, 200);
  set('GET', '/office/tasks/:task_id', 500, 100_000);
  set('POST', '/personal/files/:file_token/script', 500, 100_000);
  set('POST', '/personal/files/:file_token/sync_script', 500, 100_000);
  set('GET', '/personal/personal/script/status', 10_000, 1_000_000);
  for (const p of ['/anonymous/preview/appspace/with_token', '/anonymous/preview/cloud/with_token', '/anonymous/preview/local/with_token', '/anonymous/token']) set('POST', p, 500, 100_000);
  set('DELETE', '/anonymous/token/:token', 500, 100_000);
  set('GET', '/anonymous/tasks/:task_id', 500, 100_000);
  set('POST', '/outline/:file_token/export/full_json', 500, 100_000);
  for (const p of ['/notification/woa', '/notification/woa/app', '/notification/wecom', '/notification/dingtalk']) set('POST', p, 500, 100_000);
  return m;
}

export const KDOCS_CAPACITY = 10 * 1024 * 1024 * 1024;
export const KDOCS_OTHER_MEMBER = '同事 Colleague';

export async function startKdocsSandbox(opts: KdocsSandboxOptions = {}): Promise<KdocsSandbox> {
  const credentials = { appId: opts.appId ?? SANDBOX_KDOCS_APP_ID, appKey: opts.appKey ?? SANDBOX_KDOCS_APP_KEY };
  const requests = new RequestLog();
  let skewSec = 300;

  const server = http.createServer();
  const host = await listenLoopback(server, opts.port ?? 0);

  const personal = new Space('personal', KDOCS_CAPACITY);
  const app = new Space('appspace', KDOCS_CAPACITY);
  if (opts.seed !== false) {
    seedPersonal(personal);
    seedAppspace(app);
  }
  const urls: KdocsUrls = new TemporaryUrls(host, { notFound: (what) => kerr.notFound(what), expired: () => kerr.expired() });
  const oauth = new OAuth(credentials.appId, credentials.appKey);
  const tasks = new Tasks();
  const quotas = new Quotas();
  const faults = new Faults();
  const d: Deps = {
    host, personal, app, urls, oauth, tasks, shares: new Map(), results: new Map(),
    user: { id: 'u-sandbox-0001', unionId: 'union-sandbox-0001', nickname: '沙箱用户 Sandbox User', avatar: `${host}${AVATAR_PATH}` },
    appFolder: () => personal.folderByPath(APP_FOLDER_PATH.split('/'), ROOT, '沙箱用户 Sandbox User', true),
  };
  const officeTasks = new OfficeTasks(() => tasks.steps);
  const anonTasks = new OfficeTasks(() => tasks.steps);
  const previews = new AnonymousPreviews(d);
  const scripts = new ScriptRuns(d);
  const notifications = new Notifications();
  const router = new Router();
  router.add([
    ...personalRoutes(d), ...appspaceRoutes(d), ...officeRoutes(d, officeTasks), ...airscriptRoutes(d, scripts),
    ...anonymousRoutes(d, previews, anonTasks), ...outlineRoutes(d), ...notificationRoutes(notifications),
  ]);
  const quotaTable = defaultQuotas();
  const setAppType = (type: 'test' | 'production') => {
    if (type !== 'test' && type !== 'production') throw new Error(`kdocs sandbox: unknown app type ${String(type)}`);
    quotas.defaults = new Map([...quotaTable].map(([k, [t, p]]) => [k, type === 'test' ? t : p]));
  };
  setAppType('test');
  let clockOffset = 0;

  /** The online sheet at `path` (personal space) and its workbook. */
  const sheetFile = (path: string) => {
    const e = personal.byPath(path);
    if (!e || e.dir || !/\.ksheet$/i.test(e.name)) throw new Error(`kdocs sandbox: no online sheet (.ksheet) at "${path}" in the personal space`);
    return { e, wb: parseWorkbook(readAll(personal.blobOf(personal.current(e)))) };
  };
  const sheetIndex = (wb: Workbook, sheet: number | string | undefined, create = false): number => {
    if (sheet === undefined) return wb.active;
    if (typeof sheet === 'number') {
      if (!Number.isInteger(sheet) || sheet < 1 || sheet > wb.sheets.length) throw new Error(`kdocs sandbox: no sheet ${sheet}`);
      return sheet - 1;
    }
    const i = wb.sheets.findIndex((s) => s.name === sheet);
    if (i >= 0) return i;
    if (!create) throw new Error(`kdocs sandbox: no sheet "${sheet}"`);
    wb.sheets.push({ name: sheet, rows: [] });
    return wb.sheets.length - 1;
  };

  const writeFile = (space: KdocsSpace, path: string, data: Buffer | string, member = KDOCS_OTHER_MEMBER): void => {
    putPath(spaceOf(d, space), path, bufferBlob(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')), member);
  };
  const live = (space: KdocsSpace, path: string) => spaceOf(d, space).byPath(path);

  type Live = keyof RequestLogControl | 'scriptHttpRequests' | 'notifications';
  const base = withRequestLog<Omit<KdocsSandboxControl, Live>>({
    failNext: (count, how) => faults.failNext(count, how),
    dropNextRequests: (count, pathIncludes) => faults.dropNext(count, pathIncludes),
    malformNext: (count, pathIncludes) => faults.malformNext(count, pathIncludes),
    setLatency: (ms) => {
      faults.latencyMs = Math.max(0, ms);
    },
    resetMisbehaviour: () => {
      faults.reset();
      tasks.resetItemFailures();
      tasks.omitFileResults = false;
      officeTasks.resetFailures();
      anonTasks.resetFailures();
    },
    setQuota: (endpoint, perDay) => quotas.set(endpoint, perDay),
    resetQuotas: () => quotas.reset(),
    expireAccessTokens: () => oauth.expireAll(),
    expireAuthorizationCodes: () => oauth.expireCodes(),
    revokeRefreshTokens: () => oauth.revokeRefreshTokens(),
    setAccessTokenTtl: (sec) => {
      oauth.accessTtlSec = sec;
    },
    setDownloadUrlTtl: (ms) => {
      urls.downloadTtlMs = ms;
    },
    expireDownloadUrls: () => urls.expireAll(),
    setDateSkewWindow: (sec) => {
      skewSec = sec;
    },
    setTaskSteps: (steps) => {
      tasks.steps = Math.max(1, Math.floor(steps));
    },
    failTaskItem: (space, path, message = DEFAULT_TASK_ITEM_FAILURE) => {
      const e = live(space, path);
      if (!e) throw new Error(`kdocs sandbox: no ${space} file or folder at "${path}"`);
      tasks.failItem(space, e.token, message);
    },
    omitTaskFileResults: () => {
      tasks.omitFileResults = true;
    },
    readFile: (space, path) => {
      const e = live(space, path);
      const sp = spaceOf(d, space);
      return e && !e.dir ? readAll(sp.blobOf(sp.current(e))) : undefined;
    },
    writeFile,
    exists: (space, path) => live(space, path) !== undefined,
    tokenOf: (space, path) => live(space, path)?.token,
    isInTrash: (space, path) => {
      const sp = spaceOf(d, space);
      return [...sp.entries.values()].some((e) => e.token !== ROOT && e.parent !== '' && sp.isTrashed(e) && sp.pathOf(e) === path);
    },
    versionCount: (space, path) => live(space, path)?.versions.length ?? 0,

    setAppType,
    advanceClock: (ms) => {
      clockOffset += Math.max(0, ms);
      urls.now = () => Date.now() + clockOffset;
    },
    failNextOfficeTask: (message = 'conversion failed (injected)') => {
      officeTasks.failNextWith(message);
      anonTasks.failNextWith(message);
    },
    setOfficeResultShape: (shape) => {
      officeTasks.singleResult = shape !== 'list';
    },
    protectDocument: (data, password) => protectPackage(data, password),
    setAnonymousTokenTtl: (sec) => {
      previews.ttlSec = Math.max(1, Math.floor(sec));
    },

    setAirScriptVersion: (version) => {
      scripts.settings.version = version;
    },
    setScriptTimeLimit: (ms) => {
      scripts.settings.timeLimitMs = Math.max(1, Math.floor(ms));
    },
    setScriptStatusSpelling: (spelling) => {
      scripts.settings.statusSpelling = spelling;
    },
    setScriptTaskIdField: (field) => {
      scripts.settings.taskIdField = field;
    },
    setScriptHttpResponse: (url, response, method) => {
      const key = new URL(url).toString();
      scripts.settings.http.set(method ? `${method.toUpperCase()} ${key}` : key, { status: response.status ?? 200, headers: response.headers, body: response.body });
    },
    runningScripts: () => scripts.running(),
    readCells: (path, sheet) => {
      const { wb } = sheetFile(path);
      return JSON.parse(serializeWorkbook(wb).toString('utf8')).sheets[sheetIndex(wb, sheet)].rows;
    },
    writeCells: (path, sheet, topLeft, values) => {
      const { e, wb } = sheetFile(path);
      const at = parseA1(topLeft);
      if (!at) throw new Error(`kdocs sandbox: bad cell address "${topLeft}"`);
      const target = wb.sheets[sheetIndex(wb, sheet, true)];
      const rows = Array.isArray(values) ? values : [[values]];
      rows.forEach((row, i) => row.forEach((v, j) => setCell(target, at.row1 + i, at.col1 + j, v)));
      personal.setContent(e, bufferBlob(serializeWorkbook(wb)), KDOCS_OTHER_MEMBER);
    },

    registerWebhook: (kind, key, secret) => notifications.registerWebhook(kind, key, secret),
    registerWoaApp: (appId, secretKey) => notifications.registerWoaApp(appId, secretKey),
    clearNotifications: () => notifications.clear(),
  }, requests);
  // Getters, like the request log: a spread copy of the control would freeze them.
  const control = Object.defineProperties(base, {
    scriptHttpRequests: { get: () => scripts.httpRequests, enumerable: true },
    notifications: { get: () => notifications.sent, enumerable: true },
  }) as KdocsSandboxControl;

  server.on('request', createHandler({
    d, router, faults, quotas, appKey: credentials.appKey,
    controlRoutes: opts.controlRoutes === true,
    skewSec: () => skewSec,
    writeAsMember: (space, path, data, member) => writeFile(space, path, data, member || KDOCS_OTHER_MEMBER),
    record: (entry) => requests.record(entry),
    preview: (id, query) => previews.page(id, query),
    summary: () => {
      const describe = (space: KdocsSpace) => {
        const sp = spaceOf(d, space);
        return {
          used: sp.used(),
          entries: sp.descendants(ROOT).map((e) => ({ path: sp.pathOf(e), token: e.token, dir: e.dir, size: e.dir ? 0 : sp.current(e).size, versions: e.versions.length })),
          trash: sp.trashed().map((e) => sp.pathOf(e)),
        };
      };
      return { host, appFolderPath: APP_FOLDER_PATH, requestCount: requests.total, endpoints: router.keys().length, personal: describe('personal'), appspace: describe('appspace') };
    },
  }));

  const close = async () => {
    await scripts.stopAll();
    await closeServer(server);
  };
  return { host, credentials, appFolderPath: APP_FOLDER_PATH, control, close };
}
