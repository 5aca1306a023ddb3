import * as vscode from 'vscode';
import { InvalidInputError } from '../../core/errors';
import { isCancellation } from '../errors';
import { itemCount } from '../format';
import type { Mounted, Services } from '../types';
import { baseName, joinPath, parentPath, type RemoteRef, toUri, withPath } from '../uri';
import { type BatchOutcome, type BatchTexts, failedItem, reportBatch } from './report';
import { withCancellableProgress } from './wrap';
import { writerOf } from '../writable';

/**
 * Copy to… / Move to… / Delete of a selection, for every vendor: one progress notification, a result per item (a
 * failing item does not stop the others) and one summary with "Show details". Stores with batch APIs (BatchCapability,
 * e.g. server-side tasks) get their items in one call; the others go item by item through RemoteFs. Tree and
 * explorer commands and drops share it, so there is one behaviour per action whatever the vendor.
 */

/** Per-item results of a group: the URI paths handled, and those that failed with their own error. */
interface BatchResult { succeeded: string[]; failed: Array<{ path: string; error: unknown }> }
interface GroupOptions { signal: AbortSignal; onProgress(done: number, total: number): void }

export type BatchOp = 'copy' | 'move' | 'delete';

export interface BatchRequest {
  op: BatchOp;
  /** Items to act on (account roots are refused by the callers). */
  refs: readonly RemoteRef[];
  /** Destination folder of a copy or move. */
  folder?: RemoteRef;
  /** Delete for good instead of moving to the recycle bin. */
  permanent?: boolean;
}

function texts(op: BatchOp, permanent: boolean): BatchTexts & { title(n: number): string } {
  switch (op) {
    case 'copy': return {
      title: (n) => vscode.l10n.t('Copying {0}', itemCount(n)),
      done: (n) => vscode.l10n.t('Copied {0}.', itemCount(n)),
      failed: (f, n) => vscode.l10n.t('{0} of {1} could not be copied.', f, itemCount(n)),
    };
    case 'move': return {
      title: (n) => vscode.l10n.t('Moving {0}', itemCount(n)),
      done: (n) => vscode.l10n.t('Moved {0}.', itemCount(n)),
      failed: (f, n) => vscode.l10n.t('{0} of {1} could not be moved.', f, itemCount(n)),
    };
    case 'delete': return {
      title: (n) => (permanent ? vscode.l10n.t('Deleting {0} permanently', itemCount(n)) : vscode.l10n.t('Deleting {0}', itemCount(n))),
      done: (n) => (permanent ? vscode.l10n.t('Deleted {0} permanently.', itemCount(n)) : vscode.l10n.t('Deleted {0}.', itemCount(n))),
      failed: (f, n) => vscode.l10n.t('{0} of {1} could not be deleted.', f, itemCount(n)),
    };
  }
}

/**
 * Runs a batch with a cancellable progress notification and reports it. Returns what happened to each item; when the
 * only item failed, throws its error instead (the command's one error notification, with the hint of errors.ts).
 */
export async function runBatch(s: Services, request: BatchRequest): Promise<BatchOutcome> {
  // Moving an item into the folder it is in changes nothing (a drop on its own folder): leave those out.
  const { folder } = request;
  const req = request.op !== 'move' || !folder ? request
    : { ...request, refs: request.refs.filter((r) => r.accountId !== folder.accountId || parentPath(r.path) !== folder.path) };
  const text = texts(req.op, !!req.permanent);
  const total = req.refs.length;
  if (!total) return { succeeded: [], failed: [] };
  const results = await withCancellableProgress(text.title(total), async (signal, report) => {
    const progress = countProgress(report);
    const all: Array<{ ref: RemoteRef; result: BatchResult }> = [];
    let before = 0;
    for (const group of await byStore(s, req.refs)) {
      const o: GroupOptions = { signal, onProgress: (done) => progress(before + done, total) };
      all.push({ ref: group[0].ref, result: await runGroup(s, req, group, o) });
      before += group.length;
      progress(before, total);
    }
    return all;
  });

  const failures = results.flatMap(({ result }) => result.failed);
  if (total === 1 && failures.length === 1) throw failures[0].error;
  announce(s, req, results);
  const outcome: BatchOutcome = {
    succeeded: results.flatMap(({ ref, result }) => result.succeeded.map((p) => toUri(withPath(ref, p)).toString())),
    failed: failures.map((f) => failedItem(baseName(f.path), f.path, f.error)),
  };
  reportBatch(outcome, text, s.log, `Batch ${req.op}`);
  return outcome;
}

interface Item { ref: RemoteRef; m: Mounted }

/** Items grouped by store (account and mount), in selection order (a batch API works inside one store). */
async function byStore(s: Services, refs: readonly RemoteRef[]): Promise<Item[][]> {
  const groups = new Map<string, Item[]>();
  for (const ref of refs) {
    const m = await s.files.resolve(ref);
    // A store's root (a library, a space) is no item of it.
    if (m.path === '') throw new InvalidInputError(vscode.l10n.t('Choose files or folders, not a whole library or space.'));
    const key = `${ref.scheme}://${ref.accountId}/${m.root}`;
    groups.set(key, [...groups.get(key) ?? [], { ref, m }]);
  }
  return [...groups.values()];
}

async function runGroup(s: Services, req: BatchRequest, group: Item[], o: GroupOptions): Promise<BatchResult> {
  const { m } = group[0];
  const folder = req.folder;
  if (req.op !== 'delete' && !folder) throw new InvalidInputError(vscode.l10n.t('Choose a destination folder.'));
  const batch = m.caps.batch;
  if (batch) {
    const paths = group.map((i) => i.m.path);
    let r;
    if (req.op === 'delete') {
      r = await batch.delete(paths, { ...o, permanent: !!req.permanent });
    } else {
      // Server-side tasks work inside one store: both ends must be in it.
      const to = await s.files.resolvePair(group[0].ref, folder!);
      r = await batch[req.op](paths, to.to.path, o);
    }
    // Listings that are not folders (recent files, the recycle bin) may show the items.
    s.tree.refreshAccount(group[0].ref.accountId);
    const uriPath = (p: string) => joinPath(m.root, p);
    return { succeeded: r.succeeded.map(uriPath), failed: r.failed.map((f) => ({ path: uriPath(f.id), error: f.error })) };
  }
  return itemByItem(group.map((i) => i.ref), o, async (ref) => {
    if (req.op === 'delete') {
      const m = await s.files.resolve(ref);
      await writerOf(m, baseName(ref.path)).delete(m.path, { permanent: !!req.permanent, signal: o.signal });
    } else if (folder) {
      const to = withPath(folder, joinPath(folder.path, baseName(ref.path)));
      if (req.op === 'move') {
        await moveItem(ref, to);
      } else {
        const pair = await s.files.resolvePair(ref, to);
        await writerOf(pair.from, baseName(ref.path)).copy(pair.from.path, pair.to.path, { overwrite: false, signal: o.signal });
      }
    }
  });
}

/** The fallback of vendors without batch APIs: one call per item, a failure recorded and the next item tried. */
async function itemByItem(group: RemoteRef[], o: GroupOptions, fn: (ref: RemoteRef) => Promise<void>): Promise<BatchResult> {
  const result: BatchResult = { succeeded: [], failed: [] };
  for (const ref of group) {
    try {
      await fn(ref);
      result.succeeded.push(ref.path);
    } catch (e) {
      if (isCancellation(e)) throw e;
      result.failed.push({ path: ref.path, error: e });
    }
    o.onProgress(result.succeeded.length + result.failed.length, group.length);
  }
  return result;
}

/**
 * Moves one item through vscode.workspace.fs, so open editors follow it. A folder cannot go into itself (or below).
 */
async function moveItem(ref: RemoteRef, to: RemoteRef): Promise<void> {
  if (to.accountId === ref.accountId && (to.path + '/').startsWith(ref.path + '/')) {
    throw new InvalidInputError(vscode.l10n.t('A folder cannot be moved into itself.'));
  }
  await vscode.workspace.fs.rename(toUri(ref), toUri(to), { overwrite: false });
}

/** Tree, explorer and open editors follow: new items in the destination, moved or deleted items gone. */
function announce(s: Services, req: BatchRequest, results: ReadonlyArray<{ ref: RemoteRef; result: BatchResult }>): void {
  const events: vscode.FileChangeEvent[] = [];
  for (const { ref, result } of results) {
    for (const p of result.succeeded) {
      // A copy may get another name from the server ("a (1).txt"): the Created event re-lists the folder either way.
      if (req.folder) events.push({ type: vscode.FileChangeType.Created, uri: toUri(withPath(req.folder, joinPath(req.folder.path, baseName(p)))) });
      if (req.op !== 'copy') events.push({ type: vscode.FileChangeType.Deleted, uri: toUri(withPath(ref, p)) });
    }
  }
  if (events.length) s.files.notify(events);
}

/**
 * A (done, total) item count driving a progress notification: the bar advances by the new share of the work and the
 * message says "done/total" (or, with `percent`, "n%").
 */
export function countProgress(report: (message: string, increment?: number) => void, percent = false): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    const pct = total > 0 ? Math.min(100, (done * 100) / total) : 100;
    report(percent ? `${Math.round(pct)}%` : `${done}/${total}`, Math.max(0, pct - shown));
    shown = Math.max(shown, pct);
  };
}
