import * as vscode from 'vscode';
import type { ItemResults, TrashCapability, TrashedItem } from '../../core/capabilities';
import { InvalidInputError } from '../../core/errors';
import { collectPages } from '../../core/paging';
import { countProgress } from '../commands/batch';
import { type BatchOutcome, failedItem, reportBatch } from '../commands/report';
import { withCancellableProgress } from '../commands/wrap';
import { formatBytes, formatTime, itemCount, whatItems } from '../format';
import type { BinItemNode, Services, TreeNode } from '../types';
import { ui } from '../ui';
import { type AccountStore, pickStore, uriIn } from './common';

/**
 * One Recycle Bin for every vendor whose stores have one (TrashCapability): the whole bin in a QuickPick (pick items,
 * then Restore or Delete Permanently, which asks first), and Restore / Delete Permanently on the bin's items in the
 * tree. Results are per item: one failing item does not stop the others, one summary says what happened.
 */

/** "Recycle bin" or "Trash", as the vendor calls it. */
export function binLabel(kind: TrashCapability['kind']): string {
  return kind === 'trash' ? vscode.l10n.t('Trash') : vscode.l10n.t('Recycle bin');
}

export function registerTrashCommands(s: Services): vscode.Disposable[] {
  return [
    s.command('docWorkspaces.recycleBin', async (arg?: unknown) => {
      const st = await pickStore(s, arg, 'trash', vscode.l10n.t('Which recycle bin?'), vscode.l10n.t('There is no recycle bin here.'));
      const title = `${st.label} · ${binLabel(st.mount.caps.trash.kind)}`;
      const items = await withCancellableProgress(vscode.l10n.t('Reading {0}', title), (signal) =>
        collectPages((cursor) => st.mount.caps.trash.list(cursor, { signal, pageSize: 500 }), { signal }));
      if (!items.length) {
        void ui().notify('info', vscode.l10n.t('{0} is empty.', title));
        return [];
      }
      const picked = await ui().pickMany(items.map((item) => ({
        label: item.name, description: describeItem(item), iconPath: new vscode.ThemeIcon(item.type === 'folder' ? 'folder' : 'file'), item,
      })), { title, placeHolder: vscode.l10n.t('Pick items to restore or delete permanently'), matchOnDescription: true });
      if (!picked.length) return [];
      const chosen = picked.map((p) => p.item);
      const what = whatItems(chosen.map((i) => i.name));
      const restore = vscode.l10n.t('Restore');
      const purge = vscode.l10n.t('Delete Permanently');
      const action = (await ui().pick([{ label: restore }, { label: purge }], { title, placeHolder: vscode.l10n.t('What to do with {0}?', what) })).label;
      await (action === restore ? restoreItems : purgeItems)(s, st, chosen);
      return chosen.map((i) => i.name);
    }),

    s.command('docWorkspaces.restoreFromRecycleBin', async (node?: TreeNode, multi?: TreeNode[]) => {
      for (const group of await binGroups(s, node, multi)) await restoreItems(s, group.store, group.items);
    }),

    s.command('docWorkspaces.purgeFromRecycleBin', async (node?: TreeNode, multi?: TreeNode[]) => {
      for (const group of await binGroups(s, node, multi)) await purgeItems(s, group.store, group.items);
    }),
  ];
}

function describeItem(item: TrashedItem): string {
  return [
    item.folder !== undefined ? item.folder || '/' : '',
    item.deletedAt ? vscode.l10n.t('deleted {0}', formatTime(item.deletedAt)) : '',
    item.type === 'folder' || item.size === undefined ? '' : formatBytes(item.size),
    item.deletedBy ?? '',
  ].filter(Boolean).join(' · ');
}

async function restoreItems(s: Services, st: AccountStore<'trash'>, items: readonly TrashedItem[]): Promise<void> {
  const result = await run(vscode.l10n.t('Restoring {0}', itemCount(items.length)), (o) => st.mount.caps.trash.restore(items.map((i) => i.id), o));
  // Restored items come back where they were: their folders re-list.
  const ref = { scheme: s.vendors.get(st.account.vendor).scheme, accountId: st.account.id, path: '' };
  s.files.notify(items.filter((i) => result.succeeded.includes(i.id) && i.folder !== undefined)
    .map((i) => ({ type: vscode.FileChangeType.Created, uri: uriIn(ref, st.mount, joinName(i.folder ?? '', i.name)) })));
  finish(s, st, items, result, {
    one: (name) => vscode.l10n.t("Restored '{0}'.", name),
    done: (n) => vscode.l10n.t('Restored {0}.', itemCount(n)),
    failed: (f, n) => vscode.l10n.t('{0} of {1} could not be restored.', f, itemCount(n)),
  }, 'restore');
}

async function purgeItems(s: Services, st: AccountStore<'trash'>, items: readonly TrashedItem[]): Promise<void> {
  const purge = vscode.l10n.t('Delete Permanently');
  await ui().confirm(vscode.l10n.t('Permanently delete {0}? This cannot be undone.', whatItems(items.map((i) => i.name))), {}, purge);
  const result = await run(vscode.l10n.t('Deleting {0} permanently', itemCount(items.length)), (o) => st.mount.caps.trash.purge(items.map((i) => i.id), o));
  finish(s, st, items, result, {
    one: (name) => vscode.l10n.t("'{0}' was deleted permanently.", name),
    done: (n) => vscode.l10n.t('Deleted {0} permanently.', itemCount(n)),
    failed: (f, n) => vscode.l10n.t('{0} of {1} could not be deleted.', f, itemCount(n)),
  }, 'purge');
}

function run(title: string, fn: (o: { signal: AbortSignal; onProgress: (done: number, total: number) => void }) => Promise<ItemResults>): Thenable<ItemResults> {
  return withCancellableProgress(title, (signal, report) => fn({ signal, onProgress: countProgress(report) }));
}

/** One summary (a single item that failed: its own error), the bin re-listed. */
function finish(s: Services, st: AccountStore<'trash'>, items: readonly TrashedItem[], r: ItemResults, texts: { one(name: string): string; done(n: number): string; failed(f: number, n: number): string }, what: string): void {
  s.tree.refreshBin(st.account.id, st.mount.root);
  if (items.length === 1 && r.failed.length === 1) throw r.failed[0].error;
  const names = new Map(items.map((i) => [i.id, i.name]));
  const outcome: BatchOutcome = {
    succeeded: r.succeeded.map((id) => names.get(id) ?? id),
    failed: r.failed.map((f) => failedItem(names.get(f.id) ?? f.id, '', f.error)),
  };
  if (items.length === 1 && !r.failed.length) void ui().notify('info', texts.one(items[0].name));
  reportBatch(outcome, texts, s.log, `Recycle bin ${what}`);
}

const joinName = (folder: string, name: string) => (folder ? `${folder}/${name}` : name);

/** The bin items of a tree command (the clicked node or the selection it is part of), grouped by store. */
async function binGroups(s: Services, node?: TreeNode, multi?: TreeNode[]): Promise<Array<{ store: AccountStore<'trash'>; items: TrashedItem[] }>> {
  const nodes = (multi?.length ? multi : node ? [node] : []).filter((n): n is BinItemNode => n.kind === 'binItem');
  if (!nodes.length) throw new InvalidInputError(vscode.l10n.t('Select items under a recycle bin in the Doc Workspaces view first.'));
  const groups = new Map<string, { store: AccountStore<'trash'>; items: TrashedItem[] }>();
  for (const n of nodes) {
    const key = `${n.accountId}\n${n.root}`;
    let g = groups.get(key);
    if (!g) {
      g = { store: await pickStore(s, n, 'trash', '', vscode.l10n.t('There is no recycle bin here.')), items: [] };
      groups.set(key, g);
    }
    g.items.push(n.item);
  }
  return [...groups.values()];
}
