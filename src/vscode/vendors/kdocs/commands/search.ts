import * as vscode from 'vscode';
import type { Entry } from '../../../../core/model';
import { isOptions } from '../../../commands/targets';
import { formatTime } from '../../../format';
import { liveSearch } from '../../../pickers/search';
import { ui } from '../../../ui';
import { OPEN_ONLINE_COMMAND } from '../tree';
import type { KdocsCommandDeps } from './common';

/**
 * Search of personal files by name or by content in the live search QuickPick (pickers/search.ts; its title buttons
 * switch between the two). Results are personal entries at token paths (kdocs://<account>/personal/~token/<t>/<name>):
 * picking one opens it (online documents in the browser), a folder is revealed in the tree when the tree shows it.
 */

export type KdSearchMode = 'name' | 'content';
/** Options instead of UI: returns the URIs of the first page of results. */
export interface KdSearchArgs { account: string; keyword: string; mode?: KdSearchMode }

const PAGE = 100;

export function registerSearchCommands({ s, kd }: KdocsCommandDeps): vscode.Disposable[] {
  const uriOf = (accountId: string, e: Entry) => kd.targetAt(accountId, 'personal', e.path, e.type).uri;

  async function open(accountId: string, e: Entry): Promise<vscode.Uri> {
    const uri = uriOf(accountId, e);
    if (e.type === 'folder') {
      const node = s.tree.nodeFor(uri);
      if (node) await s.treeView.reveal(node, { select: true, focus: true, expand: true });
      else void ui().notify('info', vscode.l10n.t('{0} is a folder: find it under My documents.', e.name));
    } else if (e.kind === 'online-doc') {
      await vscode.commands.executeCommand(OPEN_ONLINE_COMMAND, uri);
    } else {
      await vscode.commands.executeCommand('vscode.open', uri);
    }
    return uri;
  }

  return [
    s.command('docWorkspaces.kdocs.search', async (arg?: unknown): Promise<vscode.Uri[] | vscode.Uri | undefined> => {
      if (isOptions<KdSearchArgs>(arg, 'keyword')) {
        const { ops } = await kd.account(arg.account);
        const page = await ops.search(arg.keyword, arg.mode ?? 'name', undefined, { pageSize: PAGE });
        return page.items.map((e) => uriOf(arg.account, e));
      }
      const accountId = await kd.pickAccount(arg);
      const { ops } = await kd.account(accountId);
      const picked = await liveSearch<Entry, KdSearchMode>({
        title: vscode.l10n.t('Search personal files'),
        placeholder: vscode.l10n.t('Keyword (title buttons: by name, by content)'),
        scopes: [
          { key: 'name', label: vscode.l10n.t('File name'), icon: 'symbol-file' },
          { key: 'content', label: vscode.l10n.t('Full text'), icon: 'whole-word' },
        ],
        initial: ['name'],
        select: 'one',
        find: async (keyword, [mode], signal) => (await ops.search(keyword, mode, undefined, { pageSize: PAGE, signal })).items,
        toItem: (entry) => ({
          label: entry.name, description: formatTime(entry.mtime), detail: entry.modifiedBy,
          iconPath: new vscode.ThemeIcon(entry.type === 'folder' ? 'folder' : entry.kind === 'online-doc' ? 'globe' : 'file'),
        }),
        log: s.log,
      });
      return picked && open(accountId, picked);
    }),
  ];
}
