import * as vscode from 'vscode';
import type { SearchScope } from '../../core/capabilities';
import type { Entry } from '../../core/model';
import { formatTime } from '../format';
import { liveSearch } from '../pickers/search';
import type { Services } from '../types';
import { ui } from '../ui';
import { parentPath, type RemoteRef } from '../uri';
import { type AccountStore, accountsWith, storesWith, uriIn } from './common';
import { isFromTree, refOf } from '../commands/targets';

/**
 * One Search for every account that can search (SearchCapability): one live QuickPick whose results come from every
 * searchable store (or only the account it was run on), grouped by account. The title buttons switch the scopes (file
 * name, tag, full text): each store is asked in the scopes it has (one request per scope where it searches one at a
 * time). Picking a result opens it (online documents in the browser, folders in the tree).
 */

interface Hit { store: AccountStore<'search'>; entry: Entry }

const PER_STORE = 100;

function scopeLabel(scope: SearchScope): string {
  return scope === 'name' ? vscode.l10n.t('File name') : scope === 'tag' ? vscode.l10n.t('Tag') : vscode.l10n.t('Full text');
}

const SCOPE_ICONS: Record<SearchScope, string> = { name: 'symbol-file', tag: 'tag', content: 'whole-word' };

export function registerSearchCommands(s: Services): vscode.Disposable[] {
  return [
    s.command('docWorkspaces.search', async (arg?: unknown) => {
      const only = accountOfArg(s, arg);
      const accounts = accountsWith(s, 'search').filter((a) => !only || a.id === only);
      const stores = (await Promise.all(accounts.map((a) => storesWith(s, a, 'search').catch((e: unknown) => {
        s.log.warn(`Search: ${a.id} is not available`, e);
        return [];
      })))).flat();
      if (!stores.length) {
        void ui().notify('info', vscode.l10n.t('None of your accounts can search.'));
        return undefined;
      }
      const scopes = (['name', 'tag', 'content'] as const).filter((sc) => stores.some((st) => st.mount.caps.search.scopes.includes(sc)));
      const hit = await liveSearch<Hit, SearchScope>({
        title: only ? vscode.l10n.t('Search {0}', s.accounts.label(only)) : vscode.l10n.t('Search all accounts'),
        placeholder: vscode.l10n.t('Keywords (title buttons: {0})', scopes.map(scopeLabel).join(', ')),
        scopes: scopes.map((key) => ({ key, label: scopeLabel(key), icon: SCOPE_ICONS[key] })),
        initial: scopes.filter((sc) => sc !== 'content'),
        select: 'many',
        find: (keyword, active, signal) => searchAll(stores, keyword, active, signal),
        toItem: ({ entry }) => ({
          label: entry.name,
          description: [parentPath(entry.path).split('/').filter((p) => !p.startsWith('~')).join('/') || undefined, entry.mtime ? formatTime(entry.mtime) : undefined].filter(Boolean).join(' · '),
          iconPath: new vscode.ThemeIcon(entry.type === 'folder' ? 'folder' : entry.kind === 'online-doc' ? 'globe' : 'file'),
        }),
        group: ({ store }) => store.label,
        log: s.log,
      });
      if (!hit) return undefined;
      const ref: RemoteRef = { scheme: s.vendors.get(hit.store.account.vendor).scheme, accountId: hit.store.account.id, path: '' };
      const uri = uriIn(ref, hit.store.mount, hit.entry.path);
      if (hit.entry.type === 'folder') {
        const node = s.tree.nodeFor(uri);
        if (node) await s.treeView.reveal(node, { select: true, focus: true, expand: true });
        else void ui().notify('info', vscode.l10n.t('{0} is a folder: find it in the Doc Workspaces view.', hit.entry.name));
      } else if (hit.entry.kind === 'online-doc' && hit.store.mount.caps.web) {
        await vscode.commands.executeCommand('docWorkspaces.openInBrowser', uri);
      } else {
        await vscode.commands.executeCommand('vscode.open', uri);
      }
      return uri;
    }),
  ];
}

/** Every store's results for the active scopes, in store order; a store failing fails the search (shown in place). */
async function searchAll(stores: ReadonlyArray<AccountStore<'search'>>, keyword: string, active: readonly SearchScope[], signal: AbortSignal): Promise<Hit[]> {
  const per = await Promise.all(stores.map(async (store) => {
    const cap = store.mount.caps.search;
    const scopes = active.filter((sc) => cap.scopes.includes(sc));
    if (!scopes.length) return [];
    const entries = await cap.search(keyword, scopes, { signal, limit: PER_STORE });
    return entries.map((entry) => ({ store, entry }));
  }));
  return per.flat();
}

/** The account a search runs on when it was run on one (its node, a file of it); undefined: all accounts. */
function accountOfArg(s: Services, arg: unknown): string | undefined {
  if (typeof arg === 'string') return s.accounts.find(arg)?.id;
  const x = isFromTree(arg) ? s.treeView.selection[0] : arg;
  return refOf(s, x)?.accountId;
}
