import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { describeError } from '../errors';
import { ui } from '../ui';

/**
 * The live search QuickPick of every vendor: results as you type (debounced, the previous request aborted, the newest
 * answer wins), a busy state while the server works, errors shown in place of the results (an empty list would read
 * as "nothing found") and title buttons that toggle the search scopes (file name, tag, content...).
 */

export interface SearchScope<K extends string> {
  key: K;
  label: string;
  /** Codicon of the scope when it is on (off: an empty circle). */
  icon: string;
}

export interface LiveSearchOptions<T, K extends string> {
  /** What is searched ("Search the library"); the active scopes are added to it as the title. */
  title: string;
  placeholder: string;
  scopes: ReadonlyArray<SearchScope<K>>;
  /** Scopes on at the start. */
  initial: readonly K[];
  /** 'many': each button toggles its scope (one always stays on); 'one': a button switches to its scope. */
  select: 'many' | 'one';
  /** The server's results for a keyword in the active scopes. */
  find(keyword: string, scopes: K[], signal: AbortSignal): Promise<T[]>;
  /** Item of a result. The server already matched them: the QuickPick shows them all, whatever the filter says. */
  toItem(result: T): vscode.QuickPickItem;
  /** The group of a result (results of several accounts: one separator per account, in the order they came). */
  group?(result: T): string;
  log: Logger;
}

/** Debounce of typing: one request per pause, not per keystroke. */
const DELAY_MS = 250;

/** Shows the search; resolves with the picked result (undefined when dismissed). */
export function liveSearch<T, K extends string>(o: LiveSearchOptions<T, K>): Promise<T | undefined> {
  type Item = vscode.QuickPickItem & { result?: T };
  const qp = ui().createQuickPick<Item>();
  let active = [...o.initial];
  let timer: NodeJS.Timeout | undefined;
  let running: AbortController | undefined;

  const decorate = () => {
    qp.title = `${o.title} (${o.scopes.filter((sc) => active.includes(sc.key)).map((sc) => sc.label).join(', ')})`;
    qp.buttons = o.scopes.map((sc) => ({
      iconPath: new vscode.ThemeIcon(active.includes(sc.key) ? sc.icon : 'circle-outline'),
      tooltip: (active.includes(sc.key) ? '✓ ' : '') + sc.label, key: sc.key,
    }));
  };

  const run = () => {
    running?.abort();
    running = undefined;
    const keyword = qp.value.trim();
    if (!keyword) {
      qp.items = [];
      qp.busy = false;
      return;
    }
    const mine = new AbortController();
    running = mine;
    qp.busy = true;
    o.find(keyword, [...active], mine.signal).then((results) => {
      if (running !== mine) return;
      // alwaysShow: content or tag matches need not contain the keyword, and the QuickPick would hide them.
      const items: Item[] = [];
      let group: string | undefined;
      for (const result of results) {
        const g = o.group?.(result);
        if (g !== undefined && g !== group) items.push({ label: g, kind: vscode.QuickPickItemKind.Separator });
        group = g;
        items.push({ ...o.toItem(result), alwaysShow: true, result });
      }
      qp.items = items;
    }, (e: unknown) => {
      if (running !== mine) return;
      o.log.warn('Search failed', e);
      const { message, hint } = describeError(e);
      qp.items = [{ label: '$(error) ' + message, detail: hint, alwaysShow: true }];
    }).finally(() => {
      if (running !== mine) return;
      running = undefined;
      qp.busy = false;
    });
  };

  const toggle = (key: K) => {
    if (o.select === 'one') active = [key];
    else if (!active.includes(key)) active = [...active, key];
    else if (active.length > 1) active = active.filter((k) => k !== key);
    decorate();
    run();
  };

  qp.placeholder = o.placeholder;
  qp.matchOnDescription = true;
  decorate();
  qp.onDidChangeValue(() => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, DELAY_MS);
  });
  qp.onDidTriggerButton((b) => {
    const key = (b as { key?: K }).key;
    if (key) toggle(key);
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      // Enter accepts the active (highlighted) line; a selection is not always reported before the accept.
      const picked = (qp.selectedItems[0] ?? qp.activeItems[0])?.result;
      if (picked === undefined) return; // an error line: keep the search open
      resolve(picked);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      running?.abort();
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}
