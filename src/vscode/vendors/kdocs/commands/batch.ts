import * as vscode from 'vscode';
import type { BatchResult } from '../../../../vendors/kdocs/operations';
import { isOptions } from '../../../commands/targets';
import { withCancellableProgress } from '../../../commands/wrap';
import { baseName, joinPath } from '../../../uri';
import type { KdocsTarget } from '../context';
import { cleanFolderPath, commonSpace, countProgress, type KdocsCommandDeps, nameOf, spaceLabel } from './common';
import { type BatchOutcome, failedItem, reportBatch } from './report';

/**
 * Batch copy / move / delete of a multi-selection through the kdocs task APIs (one task for many files, polled with
 * progress). Every file ends done or failed with its own reason (KdocsOperations.copyMany...): a partial failure is
 * one warning with "Show details", never a stop at the first error.
 */

/** Options instead of UI (tests, automation): kdocs:// URIs, all in one space of one account. */
export interface KdBatchCopyMoveArgs { targets: vscode.Uri[]; /** folder of the same space */ destination: vscode.Uri }
export interface KdBatchDeleteArgs { targets: vscode.Uri[]; permanent?: boolean; /** default true: modal confirmation */ confirm?: boolean }

type Op = 'copy' | 'move';

export function registerBatchCommands({ s, kd, reg }: KdocsCommandDeps): vscode.Disposable[] {
  /** The selection without space roots (they cannot be copied, moved or deleted). */
  const selection = (arg: unknown, multi: unknown, o: { targets: vscode.Uri[] } | undefined): KdocsTarget[] =>
    (o ? kd.targets(undefined, o.targets) : kd.targets(arg, multi)).filter((t) => t.path !== '');

  const copyOrMove = (op: Op) => async (arg?: unknown, multi?: unknown): Promise<BatchOutcome | undefined> => {
    const o = isOptions<KdBatchCopyMoveArgs>(arg, 'destination') ? arg : undefined;
    const targets = selection(arg, multi, o);
    if (!targets.length) return undefined;
    const { accountId, space } = commonSpace(targets);
    let destPath: string;
    if (o) {
      const dest = kd.target(o.destination);
      commonSpace([targets[0], dest]);
      destPath = dest.path;
    } else {
      const typed = await vscode.window.showInputBox({
        prompt: op === 'copy'
          ? vscode.l10n.t('Copy {0} items to folder (path inside {1}, empty = its root)', targets.length, spaceLabel(space))
          : vscode.l10n.t('Move {0} items to folder (path inside {1}, empty = its root)', targets.length, spaceLabel(space)),
        value: targets[0].path.includes('/') ? targets[0].path.slice(0, targets[0].path.lastIndexOf('/')) : '',
        ignoreFocusOut: true,
      });
      if (typed === undefined) return undefined;
      destPath = cleanFolderPath(typed);
    }
    const { ops } = await kd.account(accountId);
    const paths = targets.map((t) => t.path);
    const title = op === 'copy' ? vscode.l10n.t('Copying {0} items', paths.length) : vscode.l10n.t('Moving {0} items', paths.length);
    const result = await withCancellableProgress(title, (signal, report) => {
      const opts = { signal, onProgress: countProgress(report) };
      return op === 'copy' ? ops.copyMany(space, paths, destPath, opts) : ops.moveMany(space, paths, destPath, opts);
    });
    // The new items' names are the server's (a taken name becomes "name (1)"): re-list the destination folder.
    const created = result.succeeded.map((p) => ({ accountId, space, path: joinPath(destPath, baseName(p)) }));
    kd.changed(created, vscode.FileChangeType.Created);
    if (op === 'move') kd.changed(result.succeeded.map((path) => ({ accountId, space, path })), vscode.FileChangeType.Deleted);
    kd.refreshSection(accountId);
    const outcome = toOutcome(result, (p) => kd.targetAt(accountId, space, p).uri);
    reportBatch(outcome, op === 'copy'
      ? { done: (n) => vscode.l10n.t('Copied {0} items.', n), failed: (f, n) => vscode.l10n.t('{0} of {1} items could not be copied.', f, n) }
      : { done: (n) => vscode.l10n.t('Moved {0} items.', n), failed: (f, n) => vscode.l10n.t('{0} of {1} items could not be moved.', f, n) },
    s.log, `Kingsoft Docs ${op}`, !!o);
    return outcome;
  };

  return [
    reg('docWorkspaces.kdocs.batchCopy', copyOrMove('copy')),
    reg('docWorkspaces.kdocs.batchMove', copyOrMove('move')),

    reg('docWorkspaces.kdocs.batchDelete', async (arg?: unknown, multi?: unknown): Promise<BatchOutcome | undefined> => {
      const o = isOptions<KdBatchDeleteArgs>(arg, 'targets') ? arg : undefined;
      const targets = selection(arg, multi, o);
      if (!targets.length) return undefined;
      const { accountId, space } = commonSpace(targets);
      const permanent = !!o?.permanent;
      if (o?.confirm !== false) {
        const what = targets.length === 1 ? `'${nameOf(targets[0])}'` : vscode.l10n.t('{0} items', targets.length);
        const ok = permanent ? vscode.l10n.t('Delete permanently') : vscode.l10n.t('Move to recycle bin');
        const message = permanent
          ? vscode.l10n.t('Permanently delete {0}? This cannot be undone.', what)
          : vscode.l10n.t('Move {0} to the recycle bin?', what);
        if ((await vscode.window.showWarningMessage(message, { modal: true }, ok)) !== ok) return undefined;
      }
      const { ops } = await kd.account(accountId);
      const paths = targets.map((t) => t.path);
      const result = await withCancellableProgress(vscode.l10n.t('Deleting {0} items', paths.length), (signal, report) =>
        ops.deleteMany(space, paths, { signal, permanent, onProgress: countProgress(report) }));
      kd.changed(result.succeeded.map((path) => ({ accountId, space, path })), vscode.FileChangeType.Deleted);
      kd.refreshBin(accountId, space);
      kd.refreshSection(accountId);
      const outcome = toOutcome(result, (p) => kd.targetAt(accountId, space, p).uri);
      reportBatch(outcome, {
        done: (n) => vscode.l10n.t('Deleted {0} items.', n),
        failed: (f, n) => vscode.l10n.t('{0} of {1} items could not be deleted.', f, n),
      }, s.log, 'Kingsoft Docs delete', !!o);
      return outcome;
    }),
  ];
}

function toOutcome(r: BatchResult, uriOf: (path: string) => vscode.Uri): BatchOutcome {
  return {
    succeeded: r.succeeded.map((p) => uriOf(p).toString()),
    failed: r.failed.map((f) => failedItem(baseName(f.path), f.path, f.error)),
  };
}
