import { promises as nodeFs } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { BadResponseError, InvalidInputError, isDocError } from '../core/errors';
import type { Entry } from '../core/model';
import type { RemoteFs } from '../core/remote';
import { formatBytes } from './format';
import type { Services } from './types';
import { ui } from './ui';
import { writerOf } from './writable';
import { baseName, isSafeName, joinPath, parentPath, type RemoteRef, toUri, withPath } from './uri';

/** Upload/download between the local disk and any vendor's files, shared by the commands and drag and drop. */

export type Report = (message: string, increment?: number) => void;

/**
 * What can be uploaded: local files and folders (file: URIs), or files dropped from the OS. A dropped file has a
 * local `uri` on the desktop; in a browser (code-server, vscode.dev) it only has a name and its bytes.
 */
export type UploadSource = vscode.Uri | vscode.DataTransferFile;

export interface UploadOptions {
  signal: AbortSignal;
  report: Report;
  /** true/false decides for every existing file; undefined asks the user (modal) per file. */
  overwrite?: boolean;
}

interface PlannedFile {
  remote: string;
  size: number;
  /** A local file streamed from disk, or bytes already in memory (browser drops). */
  source: { local: string } | { data: Uint8Array };
}

interface UploadPlan {
  folders: string[];
  files: PlannedFile[];
}

/**
 * Progress of a multi-file transfer in bytes: each file's (done, total) callbacks become notification increments
 * (percent of the whole transfer) and a "name — 3.0 MB / 12.0 MB" message.
 */
function byteProgress(total: number, report: Report): (name: string) => (done: number) => void {
  let overall = 0;
  return (name) => {
    let sent = 0;
    return (done) => {
      const delta = Math.max(0, done - sent);
      sent = Math.max(sent, done);
      overall += delta;
      report(`${name} — ${formatBytes(overall)} / ${formatBytes(total)}`, total ? (delta / total) * 100 : undefined);
    };
  };
}

/** What to create, with paths relative to the target folder. */
async function planUpload(sources: readonly UploadSource[]): Promise<UploadPlan> {
  const plan: UploadPlan = { folders: [], files: [] };
  const walk = async (local: string, remote: string): Promise<void> => {
    const st = await nodeFs.stat(local);
    if (st.isDirectory()) {
      plan.folders.push(remote);
      for (const name of (await nodeFs.readdir(local)).sort()) await walk(path.join(local, name), joinPath(remote, name));
    } else if (st.isFile()) {
      plan.files.push({ remote, size: st.size, source: { local } });
    }
  };
  for (const src of sources) {
    const uri = src instanceof vscode.Uri ? src : src.uri;
    if (uri?.scheme === 'file') {
      await walk(uri.fsPath, path.basename(uri.fsPath));
    } else if (!(src instanceof vscode.Uri)) {
      // The name comes from outside (the browser's drop): it must stay one segment inside the target folder.
      if (!isSafeName(src.name)) throw new InvalidInputError(vscode.l10n.t('"{0}" is not a valid file name.', src.name));
      const data = await src.data();
      plan.files.push({ remote: src.name, size: data.byteLength, source: { data } });
    }
  }
  return plan;
}

/** Whether to replace an existing file (Skip or Cancel: keep it; Cancel also stops the rest of the upload). */
async function askReplace(name: string, folder: string): Promise<boolean> {
  const replace = vscode.l10n.t('Replace');
  const skip = vscode.l10n.t('Skip');
  const pick = await ui().confirm(vscode.l10n.t("'{0}' already exists in '{1}'. Replace it?", name, folder), {}, replace, skip);
  return pick === replace;
}

/** Uploads files and folders (recursively) into a remote folder, streaming local files. Returns the URI paths created. */
export async function uploadLocal(s: Services, sources: readonly UploadSource[], folder: RemoteRef, o: UploadOptions): Promise<string[]> {
  const m = await s.files.resolve(folder);
  const fs = writerOf(m, baseName(folder.path) || s.accounts.label(folder.accountId));
  const base = m.path;
  // Plan paths are relative to the target folder: inside `fs` below `base`, in URIs below `folder.path`.
  const plan = await planUpload(sources);
  const inFs = (rel: string) => joinPath(base, rel);
  const progress = byteProgress(plan.files.reduce((n, f) => n + f.size, 0), o.report);
  for (const dir of plan.folders) {
    try {
      await fs.mkdir(inFs(dir), { signal: o.signal });
    } catch (e) {
      if (!isDocError(e, 'AlreadyExists')) throw e;
    }
  }
  const uploaded: string[] = [];
  for (const f of plan.files) {
    const onProgress = progress(baseName(f.remote));
    const put = (overwrite: boolean) => ('data' in f.source
      ? fs.write(inFs(f.remote), f.source.data, { create: true, overwrite, signal: o.signal, onProgress })
      : fs.upload(f.source.local, inFs(f.remote), { overwrite, signal: o.signal, onProgress }));
    try {
      await put(o.overwrite ?? false);
    } catch (e) {
      if (!isDocError(e, 'AlreadyExists') || o.overwrite !== undefined) throw e;
      if (!(await askReplace(baseName(f.remote), baseName(joinPath(folder.path, parentPath(f.remote))) || '/'))) continue; // skipped
      await put(true);
    }
    uploaded.push(f.remote);
  }
  const uriPath = (rel: string) => joinPath(folder.path, rel);
  s.files.notify([...plan.folders, ...uploaded].map((p) => ({ type: vscode.FileChangeType.Changed, uri: toUri(withPath(folder, uriPath(p))) })));
  return uploaded.map(uriPath);
}

interface DownloadPlan {
  folders: string[];
  files: Array<{ remote: string; local: string; size: number }>;
}

/** Lists what a download will write. Names listed by the server are checked before they become local paths. */
async function planDownload(fs: RemoteFs, entry: Entry, local: string, plan: DownloadPlan, signal: AbortSignal): Promise<void> {
  if (entry.type === 'file') {
    plan.files.push({ remote: entry.path, local, size: entry.size });
    return;
  }
  plan.folders.push(local);
  for (const child of await fs.listAll(entry.path, { signal })) {
    if (!isSafeName(child.name)) throw new BadResponseError(vscode.l10n.t('The server listed an item with an unsafe name: "{0}".', child.name));
    await planDownload(fs, child, path.join(local, child.name), plan, signal);
  }
}

/**
 * Downloads remote files/folders. `destination` is the local target itself when there is exactly one file and
 * `destinationIsFolder` is false; otherwise items go inside it under their own names.
 */
export async function downloadRemote(
  s: Services, refs: readonly RemoteRef[], destination: vscode.Uri, destinationIsFolder: boolean,
  o: { signal: AbortSignal; report: Report },
): Promise<void> {
  const jobs: Array<{ fs: RemoteFs; plan: DownloadPlan }> = [];
  for (const ref of refs) {
    const m = await s.files.resolve(ref);
    const fs = m.fs;
    const local = destinationIsFolder ? path.join(destination.fsPath, baseName(ref.path) || 'library') : destination.fsPath;
    const plan: DownloadPlan = { folders: [], files: [] };
    await planDownload(fs, await fs.stat(m.path, { signal: o.signal }), local, plan, o.signal);
    jobs.push({ fs, plan });
  }
  const progress = byteProgress(jobs.reduce((n, j) => n + j.plan.files.reduce((m, f) => m + f.size, 0), 0), o.report);
  for (const { fs, plan } of jobs) {
    for (const dir of plan.folders) await nodeFs.mkdir(dir, { recursive: true });
    for (const f of plan.files) {
      const onProgress = progress(baseName(f.remote));
      await fs.download(f.remote, f.local, { signal: o.signal, onProgress });
      onProgress(f.size); // an empty file or a server that reports no progress still completes its share
    }
  }
}
