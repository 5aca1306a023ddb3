import * as vscode from 'vscode';
import type { Logger } from '../../../../core/log';
import type { Entry } from '../../../../core/model';
import { isOptions } from '../../../commands/targets';
import { describeError } from '../../../errors';
import { formatTime } from '../../../format';
import { OPEN_ONLINE_COMMAND } from '../tree';
import type { KdocsCommandDeps } from './common';

/**
 * Search of personal files by name or by content in a QuickPick (results as you type; a title button switches the
 * mode). Results are personal entries at token paths (kdocs://<account>/personal/~token/<t>/<name>): picking one
 * opens it (online documents in the browser), a folder is revealed in the tree when the tree shows it.
 */

export type KdSearchMode = 'name' | 'content';
/** Options instead of UI: returns the URIs of the first page of results. */
export interface KdSearchArgs { account: string; keyword: string; mode?: KdSearchMode }

const PAGE = 100;

export function registerSearchCommands({ s, kd, reg }: KdocsCommandDeps): vscode.Disposable[] {
  const uriOf = (accountId: string, e: Entry) => kd.targetAt(accountId, 'personal', e.path, e.type).uri;

  async function open(accountId: string, e: Entry): Promise<void> {
    const uri = uriOf(accountId, e);
    if (e.type === 'folder') {
      const node = s.tree.nodeFor(uri);
      if (node) await s.treeView.reveal(node, { select: true, focus: true, expand: true });
      else void vscode.window.showInformationMessage(vscode.l10n.t('{0} is a folder: find it under My documents.', e.name));
    } else if (e.kind === 'online-doc') {
      await vscode.commands.executeCommand(OPEN_ONLINE_COMMAND, uri);
    } else {
      await vscode.commands.executeCommand('vscode.open', uri);
    }
  }

  return [
    reg('docWorkspaces.kdocs.search', async (arg?: unknown): Promise<vscode.Uri[] | undefined> => {
      if (isOptions<KdSearchArgs>(arg, 'keyword')) {
        const { ops } = await kd.account(arg.account);
        const page = await ops.search(arg.keyword, arg.mode ?? 'name', undefined, { pageSize: PAGE });
        return page.items.map((e) => uriOf(arg.account, e));
      }
      const accountId = await kd.pickAccount(arg);
      const picked = await searchQuickPick(s.log, accountId, async (keyword, mode) =>
        (await (await kd.account(accountId)).ops.search(keyword, mode, undefined, { pageSize: PAGE })).items);
      if (picked) await open(accountId, picked);
      return undefined;
    }),
  ];
}

/** The live QuickPick: debounced requests, the newest answer wins, errors shown in place of results. */
function searchQuickPick(
  log: Logger, accountId: string, find: (keyword: string, mode: KdSearchMode) => Promise<Entry[]>,
): Promise<Entry | undefined> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { entry?: Entry }>();
  let mode: KdSearchMode = 'name';
  const modeButton = () => ({
    iconPath: new vscode.ThemeIcon(mode === 'name' ? 'symbol-file' : 'whole-word'),
    tooltip: mode === 'name' ? vscode.l10n.t('Searching names: switch to content') : vscode.l10n.t('Searching content: switch to names'),
  });
  const placeholder = () => (mode === 'name' ? vscode.l10n.t('Search personal files by name') : vscode.l10n.t('Search personal files by content'));
  qp.placeholder = placeholder();
  qp.matchOnDescription = true;
  qp.buttons = [modeButton()];
  let seq = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = () => {
    const keyword = qp.value.trim();
    const mine = ++seq;
    if (!keyword) { qp.items = []; return; }
    qp.busy = true;
    find(keyword, mode).then((entries) => {
      if (mine !== seq) return;
      qp.items = entries.map((entry) => ({
        label: entry.name, description: formatTime(entry.mtime), detail: entry.modifiedBy,
        // Content matches do not contain the keyword in the name: without alwaysShow the QuickPick would hide them.
        alwaysShow: true,
        iconPath: new vscode.ThemeIcon(entry.type === 'folder' ? 'folder' : entry.kind === 'online-doc' ? 'globe' : 'file'), entry,
      }));
    }, (e: unknown) => {
      log.warn(`Kingsoft Docs search in ${accountId} failed`, e);
      if (mine !== seq) return;
      const { message, hint } = describeError(e);
      qp.items = [{ label: '$(error) ' + message, detail: hint, alwaysShow: true }];
    }).finally(() => { if (mine === seq) qp.busy = false; });
  };
  const schedule = () => { if (timer) clearTimeout(timer); timer = setTimeout(run, 250); };
  qp.onDidChangeValue(schedule);
  qp.onDidTriggerButton(() => {
    mode = mode === 'name' ? 'content' : 'name';
    qp.buttons = [modeButton()];
    qp.placeholder = placeholder();
    run();
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => { resolve(qp.selectedItems[0]?.entry); qp.hide(); });
    qp.onDidHide(() => { if (timer) clearTimeout(timer); resolve(undefined); qp.dispose(); });
    qp.show();
  });
}
