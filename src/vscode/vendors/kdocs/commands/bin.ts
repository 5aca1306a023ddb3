import * as vscode from 'vscode';
import { collectPages } from '../../../../core/paging';
import type { KdFile } from '../../../../vendors/kdocs';
import type { KdocsOperations, KdSpaceName, TokenBatchResult } from '../../../../vendors/kdocs/operations';
import { isOptions } from '../../../commands/targets';
import { withCancellableProgress } from '../../../commands/wrap';
import { formatBytes, formatTime } from '../../../format';
import { isTreeNode } from '../../../tree/nodes';
import type { KdocsBinItem } from '../context';
import { countProgress } from '../../../commands/batch';
import { type KdocsCommandDeps, spaceLabel } from './common';
import { type BatchOutcome, failedItem, reportBatch } from '../../../commands/report';

/**
 * The personal Recycle bin and the app-space Trash: restore, destroy (one or many items, from the tree's
 * multi-selection or a QuickPick of the whole bin). Items have no path, only a token and a name.
 */

/** Options instead of UI: the items by token. `confirm` (default true) asks before destroying. */
export interface KdBinArgs { account: string; space: KdSpaceName; tokens: string[]; confirm?: boolean }
/** Lists the bin (returns its items) without UI. */
export interface KdBinListArgs { account: string; space: KdSpaceName }

type Action = 'restore' | 'destroy';

function binLabel(space: KdSpaceName): string {
  return space === 'personal' ? vscode.l10n.t('Recycle bin') : vscode.l10n.t('Trash');
}

export function registerBinCommands({ s, kd }: KdocsCommandDeps): vscode.Disposable[] {
  /** Restores or destroys `items` (one space of one account), with progress, a per-item report and a fresh bin. */
  async function run(action: Action, accountId: string, space: KdSpaceName, items: ReadonlyArray<Pick<KdFile, 'token' | 'name'>>, quiet: boolean, confirm: boolean): Promise<BatchOutcome | undefined> {
    if (!items.length) return undefined;
    if (action === 'destroy' && confirm) {
      const ok = vscode.l10n.t('Delete permanently');
      const what = items.length === 1 ? `'${items[0].name}'` : vscode.l10n.t('{0} items', items.length);
      if ((await vscode.window.showWarningMessage(vscode.l10n.t('Permanently delete {0}? This cannot be undone.', what), { modal: true }, ok)) !== ok) return undefined;
    }
    const { ops } = await kd.account(accountId);
    const tokens = items.map((i) => i.token);
    const title = action === 'restore' ? vscode.l10n.t('Restoring {0} items', tokens.length) : vscode.l10n.t('Deleting {0} items permanently', tokens.length);
    const result: TokenBatchResult = await withCancellableProgress(title, (signal, report) => {
      const o = { signal, onProgress: countProgress(report) };
      return action === 'restore' ? ops.restoreFromBin(space, tokens, o) : ops.destroyFromBin(space, tokens, o);
    });
    kd.refreshBin(accountId, space);
    // Restored items go back to folders we know only by token: re-list the tree (open folders show them again).
    if (action === 'restore' && result.succeeded.length) kd.refreshTree();
    const names = new Map(items.map((i) => [i.token, i.name]));
    const outcome: BatchOutcome = {
      succeeded: result.succeeded,
      failed: result.failed.map((f) => failedItem(names.get(f.token) ?? f.token, '', f.error)),
    };
    reportBatch(outcome, action === 'restore'
      ? { done: (n) => vscode.l10n.t('Restored {0} items.', n), failed: (f, n) => vscode.l10n.t('{0} of {1} items could not be restored.', f, n) }
      : { done: (n) => vscode.l10n.t('Deleted {0} items permanently.', n), failed: (f, n) => vscode.l10n.t('{0} of {1} items could not be deleted.', f, n) },
    s.log, `Kingsoft Docs ${action} from ${space} bin`, quiet);
    return outcome;
  }

  /** Tree items (one account and space per call: a selection across bins is handled bin by bin). */
  async function fromTree(action: Action, arg: unknown, multi: unknown): Promise<BatchOutcome | undefined> {
    if (isOptions<KdBinArgs>(arg, 'tokens')) {
      const { ops } = await kd.account(arg.account);
      const known = await allItems(ops, arg.space);
      const items = arg.tokens.map((token) => ({ token, name: known.find((f) => f.token === token)?.name ?? token }));
      return run(action, arg.account, arg.space, items, true, arg.confirm !== false);
    }
    const groups = new Map<string, KdocsBinItem[]>();
    for (const item of kd.binItems(arg, multi)) {
      const key = `${item.accountId}\n${item.space}`;
      groups.set(key, [...groups.get(key) ?? [], item]);
    }
    // One outcome for the whole selection: every group's successes and failures (undefined if each was cancelled).
    let all: BatchOutcome | undefined;
    for (const group of groups.values()) {
      const outcome = await run(action, group[0].accountId, group[0].space, group.map((g) => g.file), false, true);
      if (outcome) all = { succeeded: [...all?.succeeded ?? [], ...outcome.succeeded], failed: [...all?.failed ?? [], ...outcome.failed] };
    }
    return all;
  }

  return [
    s.command('docWorkspaces.kdocs.restoreFromBin', (arg?: unknown, multi?: unknown) => fromTree('restore', arg, multi)),
    s.command('docWorkspaces.kdocs.destroyFromBin', (arg?: unknown, multi?: unknown) => fromTree('destroy', arg, multi)),

    // The whole bin in a QuickPick: pick items, then Restore or Delete permanently.
    s.command('docWorkspaces.kdocs.recycleBin', async (arg?: unknown): Promise<Array<{ token: string; name: string }> | undefined> => {
      const o = isOptions<KdBinListArgs>(arg, 'space') ? arg : undefined;
      const accountId = o ? o.account : await kd.pickAccount(arg);
      const space = o?.space ?? spaceOfNode(arg) ?? await pickSpace();
      if (!space) return undefined;
      const { ops } = await kd.account(accountId);
      const items = await withCancellableProgress(vscode.l10n.t('Reading {0}', binLabel(space)), (signal) => allItems(ops, space, signal));
      if (o) return items.map((f) => ({ token: f.token, name: f.name }));
      const picked = await vscode.window.showQuickPick(items.map((f) => ({
        label: f.name,
        description: [f.deletedTime ? vscode.l10n.t('deleted {0}', formatTime(f.deletedTime * 1000)) : '', f.type === 'folder' ? '' : formatBytes(f.size)].filter(Boolean).join(' · '),
        iconPath: new vscode.ThemeIcon(f.type === 'folder' ? 'folder' : 'file'), file: f,
      })), {
        canPickMany: true, title: `${spaceLabel(space)} · ${binLabel(space)}`,
        placeHolder: items.length ? vscode.l10n.t('Pick items to restore or delete permanently') : vscode.l10n.t('{0} is empty', binLabel(space)),
      });
      if (!picked?.length) return undefined;
      const restore = vscode.l10n.t('Restore');
      const destroy = vscode.l10n.t('Delete permanently');
      const action = await vscode.window.showQuickPick([restore, destroy], { placeHolder: vscode.l10n.t('{0} items selected', picked.length) });
      if (!action) return undefined;
      await run(action === restore ? 'restore' : 'destroy', accountId, space, picked.map((p) => p.file), false, true);
      return picked.map((p) => ({ token: p.file.token, name: p.file.name }));
    }),
  ];
}

/** Every item of a bin, page by page. */
function allItems(ops: KdocsOperations, space: KdSpaceName, signal?: AbortSignal): Promise<KdFile[]> {
  return collectPages((cursor) => ops.recycleBin(space, cursor, { signal, pageSize: 500 }), { signal });
}

/** The space of a bin-related tree node (Recycle bin, Trash, a space node). */
function spaceOfNode(arg: unknown): KdSpaceName | undefined {
  if (!isTreeNode(arg) || arg.vendor !== 'kdocs') return undefined;
  return 'space' in arg ? arg.space : undefined;
}

async function pickSpace(): Promise<KdSpaceName | undefined> {
  const pick = await vscode.window.showQuickPick([
    { label: vscode.l10n.t('Personal · Recycle bin'), space: 'personal' as const },
    { label: vscode.l10n.t('App space · Trash'), space: 'appspace' as const },
  ], { placeHolder: vscode.l10n.t('Which bin?') });
  return pick?.space;
}
