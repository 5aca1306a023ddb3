import * as vscode from 'vscode';
import { collectPages } from '../../../../core/paging';
import type { KdFile } from '../../../../vendors/kdocs';
import type { KdocsOperations, KdSpaceName, TokenBatchResult } from '../../../../vendors/kdocs/operations';
import { isOptions } from '../../../commands/targets';
import { withCancellableProgress } from '../../../commands/wrap';
import { formatBytes, formatTime, itemCount, whatItems } from '../../../format';
import { isTreeNode } from '../../../tree/nodes';
import { ui } from '../../../ui';
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
  async function run(action: Action, accountId: string, space: KdSpaceName, items: ReadonlyArray<Pick<KdFile, 'token' | 'name'>>, confirm: boolean): Promise<BatchOutcome | undefined> {
    if (!items.length) return undefined;
    if (action === 'destroy' && confirm) {
      const ok = vscode.l10n.t('Delete Permanently');
      await ui().confirm(vscode.l10n.t('Permanently delete {0}? This cannot be undone.', whatItems(items.map((i) => i.name))), {}, ok);
    }
    const { ops } = await kd.account(accountId);
    const tokens = items.map((i) => i.token);
    const title = action === 'restore' ? vscode.l10n.t('Restoring {0}', itemCount(tokens.length)) : vscode.l10n.t('Deleting {0} permanently', itemCount(tokens.length));
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
      ? { done: (n) => vscode.l10n.t('Restored {0}.', itemCount(n)), failed: (f, n) => vscode.l10n.t('{0} of {1} could not be restored.', f, itemCount(n)) }
      : { done: (n) => vscode.l10n.t('Deleted {0} permanently.', itemCount(n)), failed: (f, n) => vscode.l10n.t('{0} of {1} could not be deleted.', f, itemCount(n)) },
    s.log, `Kingsoft Docs ${action} from ${space} bin`);
    return outcome;
  }

  /** Tree items (one account and space per call: a selection across bins is handled bin by bin). */
  async function fromTree(action: Action, arg: unknown, multi: unknown): Promise<BatchOutcome | undefined> {
    if (isOptions<KdBinArgs>(arg, 'tokens')) {
      const { ops } = await kd.account(arg.account);
      const known = await allItems(ops, arg.space);
      const items = arg.tokens.map((token) => ({ token, name: known.find((f) => f.token === token)?.name ?? token }));
      return run(action, arg.account, arg.space, items, arg.confirm !== false);
    }
    const groups = new Map<string, KdocsBinItem[]>();
    for (const item of kd.binItems(arg, multi)) {
      const key = `${item.accountId}\n${item.space}`;
      groups.set(key, [...groups.get(key) ?? [], item]);
    }
    // One outcome for the whole selection: every group's successes and failures (undefined if each was cancelled).
    let all: BatchOutcome | undefined;
    for (const group of groups.values()) {
      const outcome = await run(action, group[0].accountId, group[0].space, group.map((g) => g.file), true);
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
      const space = o?.space ?? spaceOfNode(arg) ?? await pickSpace(s.accounts.label(accountId));
      if (!space) return undefined;
      const { ops } = await kd.account(accountId);
      const items = await withCancellableProgress(vscode.l10n.t('Reading {0}', binLabel(space)), (signal) => allItems(ops, space, signal));
      if (o) return items.map((f) => ({ token: f.token, name: f.name }));
      if (!items.length) {
        void ui().notify('info', vscode.l10n.t('{0} is empty.', `${spaceLabel(space)} · ${binLabel(space)}`));
        return [];
      }
      const picked = await ui().pickMany(items.map((f) => ({
        label: f.name,
        description: [f.deletedTime ? vscode.l10n.t('deleted {0}', formatTime(f.deletedTime * 1000)) : '', f.type === 'folder' ? '' : formatBytes(f.size)].filter(Boolean).join(' · '),
        iconPath: new vscode.ThemeIcon(f.type === 'folder' ? 'folder' : 'file'), file: f,
      })), {
        title: `${spaceLabel(space)} · ${binLabel(space)}`,
        placeHolder: vscode.l10n.t('Pick items to restore or delete permanently'),
      });
      if (!picked.length) return [];
      const restore = vscode.l10n.t('Restore');
      const destroy = vscode.l10n.t('Delete Permanently');
      const action = (await ui().pick([{ label: restore }, { label: destroy }], { placeHolder: vscode.l10n.t('What to do with {0}?', whatItems(picked.map((p) => p.file.name))) })).label;
      await run(action === restore ? 'restore' : 'destroy', accountId, space, picked.map((p) => p.file), true);
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

async function pickSpace(account: string): Promise<KdSpaceName> {
  const pick = await ui().pick([
    { label: vscode.l10n.t('Personal · Recycle bin'), space: 'personal' as const },
    { label: vscode.l10n.t('App space · Trash'), space: 'appspace' as const },
  ], { title: account, placeHolder: vscode.l10n.t('Which bin of {0}?', account) });
  return pick.space;
}
