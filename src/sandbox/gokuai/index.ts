import * as http from 'node:http';
import {
  SANDBOX_GOKUAI_CLIENT_ID, SANDBOX_GOKUAI_CLIENT_SECRET,
  type GokuaiSandbox, type GokuaiSandboxControl, type GokuaiSandboxOptions,
} from '../types';
import { createApi, type GokuaiUrls } from './api';
import { err } from './errors';
import { bufferBlob, readAll } from '../common/blob';
import { closeServer, listenLoopback } from '../common/http';
import { Faults } from '../common/misbehaviour';
import { seedDemo } from './seed';
import { createHandler, UPLOAD_PREFIX } from './server';
import { Library, OTHER_MEMBER } from './store';
import { Uploads } from './upload';
import { RequestLog, withRequestLog, type RequestLogControl } from '../common/requests';
import { TemporaryUrls } from '../common/urls';

/** Emulator of the Gokuai library file API on 127.0.0.1 (API and upload server share one port). */

export const SANDBOX_LIBRARY_NAME = '演示资料库 Demo Library';
export const SANDBOX_CAPACITY = 10 * 1024 * 1024 * 1024;
export { OTHER_MEMBER };

export async function startGokuaiSandbox(opts: GokuaiSandboxOptions = {}): Promise<GokuaiSandbox> {
  const credentials = {
    orgClientId: opts.orgClientId ?? SANDBOX_GOKUAI_CLIENT_ID,
    orgClientSecret: opts.orgClientSecret ?? SANDBOX_GOKUAI_CLIENT_SECRET,
  };
  const requests = new RequestLog();
  let uploadedBytes = 0;
  let datelineWindowSec = 300;

  // The handler needs host-dependent parts that exist only after listen(); it is installed right after.
  const server = http.createServer();
  const host = await listenLoopback(server, opts.port ?? 0);
  const uploadServer = `${host}${UPLOAD_PREFIX.replace(/\/$/, '')}`;

  const lib = new Library(SANDBOX_LIBRARY_NAME, SANDBOX_CAPACITY);
  const urls: GokuaiUrls = new TemporaryUrls(host, { notFound: (what) => err.notFound(`${what} not found`), expired: () => err.expired() });
  const uploads = new Uploads(lib, credentials.orgClientId);
  const api = createApi({ lib, urls, uploads, host, uploadServer });
  const faults = new Faults();
  if (opts.seed !== false) seedDemo(lib);

  const writeFile = (fullpath: string, data: Buffer | string, memberName = OTHER_MEMBER, o: { mtime?: number } = {}): void => {
    const put = () => lib.putContent(fullpath, bufferBlob(Buffer.isBuffer(data) ? data : Buffer.from(data, 'utf8')), memberName, { overwrite: true });
    if (o.mtime === undefined) put();
    else lib.at(o.mtime, put);
  };

  const control: GokuaiSandboxControl = withRequestLog<Omit<GokuaiSandboxControl, keyof RequestLogControl>>({
    failNext: (count, how) => faults.failNext(count, how),
    dropNextParts: (count) => {
      faults.dropParts += count;
    },
    dropNextRequests: (count, pathIncludes) => faults.dropNext(count, pathIncludes),
    malformNext: (count, pathIncludes) => faults.malformNext(count, pathIncludes),
    setLatency: (ms) => {
      faults.latencyMs = Math.max(0, ms);
    },
    setDownloadUrlTtl: (ms) => {
      urls.downloadTtlMs = ms;
    },
    expireDownloadUrls: () => urls.expireAll(),
    expireUploadSessions: () => uploads.expireSessions(),
    setDatelineWindow: (sec) => {
      datelineWindowSec = sec;
    },
    finishPending: (count) => {
      uploads.finishPending += Math.max(0, count);
    },
    resetMisbehaviour: () => {
      faults.reset();
      uploads.finishPending = 0;
    },
    readFile: (fullpath) => {
      const n = lib.get(fullpath);
      return n && !n.dir ? readAll(lib.blobOf(n)) : undefined;
    },
    writeFile,
    exists: (fullpath) => lib.get(fullpath) !== undefined,
    deleteFile: (fullpath, memberName = OTHER_MEMBER) => lib.remove(fullpath, memberName, false),
    isInRecycleBin: (fullpath) => lib.isInBin(fullpath),
    lockFile: (fullpath, memberName = OTHER_MEMBER) => lib.setLock(lib.require(fullpath), memberName),
    unlockFile: (fullpath) => lib.setLock(lib.require(fullpath), undefined),
    versionCount: (fullpath) => lib.get(fullpath)?.history.length ?? 0,
    get uploadedBytes() {
      return uploadedBytes;
    },
  }, requests);

  server.on('request', createHandler({
    lib, api, uploads, urls, faults, credentials,
    controlRoutes: opts.controlRoutes === true,
    datelineWindowSec: () => datelineWindowSec,
    writeAsMember: (fullpath, data, member, mtime) => writeFile(fullpath, data, member || OTHER_MEMBER, { mtime }),
    record: (entry) => requests.record(entry),
    addUploadedBytes: (n) => {
      uploadedBytes += n;
    },
    summary: () => {
      const nodes = [...lib.nodes.values()];
      const s = lib.stat();
      return {
        libraryName: lib.name, host, uploadServer,
        files: s.countFile, folders: nodes.filter((n) => n.dir).length, size: s.size,
        recycleBin: lib.bin.map((b) => b.top.fullpath),
        locked: nodes.filter((n) => n.lockedBy !== undefined).map((n) => ({ fullpath: n.fullpath, by: n.lockedBy })),
        uploadedBytes, requestCount: requests.total,
        entries: nodes.map((n) => ({ fullpath: n.fullpath, dir: n.dir ? 1 : 0, filesize: n.filesize, filehash: n.filehash, versions: n.history.length, tags: n.tags })),
      };
    },
  }));

  return {
    host,
    uploadServer,
    credentials,
    libraryName: lib.name,
    control,
    close: () => closeServer(server),
  };
}
