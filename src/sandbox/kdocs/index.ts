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
import { appspaceRoutes } from './appspace';
import { OAuth } from './auth';
import { spaceOf, type Deps, type KdocsUrls } from './deps';
import { kerr } from './errors';
import { personalRoutes } from './personal';
import { Quotas } from './quota';
import { Router } from './router';
import { APP_FOLDER_PATH, putPath, seedAppspace, seedPersonal } from './seed';
import { AVATAR_PATH, createHandler } from './server';
import { ROOT, Space } from './store';
import { DEFAULT_TASK_ITEM_FAILURE, Tasks } from './tasks';

/** Emulator of the Kingsoft Docs open platform (user, personal and app-space APIs) on 127.0.0.1. */

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
    host, personal, app, urls, oauth, tasks, shares: new Map(),
    user: { id: 'u-sandbox-0001', unionId: 'union-sandbox-0001', nickname: '沙箱用户 Sandbox User', avatar: `${host}${AVATAR_PATH}` },
    appFolder: () => personal.folderByPath(APP_FOLDER_PATH.split('/'), ROOT, '沙箱用户 Sandbox User', true),
  };
  const router = new Router();
  router.add([...personalRoutes(d), ...appspaceRoutes(d)]);

  const writeFile = (space: KdocsSpace, path: string, data: Buffer | string, member = KDOCS_OTHER_MEMBER): void => {
    putPath(spaceOf(d, space), path, bufferBlob(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')), member);
  };
  const live = (space: KdocsSpace, path: string) => spaceOf(d, space).byPath(path);

  const control: KdocsSandboxControl = withRequestLog<Omit<KdocsSandboxControl, keyof RequestLogControl>>({
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
  }, requests);

  server.on('request', createHandler({
    d, router, faults, quotas, appKey: credentials.appKey,
    controlRoutes: opts.controlRoutes === true,
    skewSec: () => skewSec,
    writeAsMember: (space, path, data, member) => writeFile(space, path, data, member || KDOCS_OTHER_MEMBER),
    record: (entry) => requests.record(entry),
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

  return { host, credentials, appFolderPath: APP_FOLDER_PATH, control, close: () => closeServer(server) };
}
