import * as vscode from 'vscode';
import { targetOf, targetsOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import { whatItems } from '../format';
import type { RemoteTarget, Services } from '../types';
import { ui } from '../ui';
import { toUri } from '../uri';
import { capabilityOf, nameOf } from './common';

/**
 * Locks and tags for every vendor whose stores have them (LocksCapability, TagsCapability): Lock / Unlock on one or
 * many items, Add Tags… and Remove Tags… on one item (tags show in the tree's tooltips). Each prompt names the item.
 */

function splitTags(text: string): string[] {
  return [...new Set(text.split(/[;,，；]/).map((t) => t.trim()).filter(Boolean))];
}

export function registerMarkCommands(s: Services): vscode.Disposable[] {
  const noLocks = (what: string) => vscode.l10n.t("'{0}' cannot be locked here.", what);
  const noTags = (what: string) => vscode.l10n.t("'{0}' cannot have tags here.", what);
  const changed = (targets: readonly RemoteTarget[]) => s.files.notify(targets.map((t) => ({ type: vscode.FileChangeType.Changed, uri: toUri(t) })));

  const lock = (action: 'lock' | 'unlock') => async (arg?: unknown, multi?: unknown) => {
    const targets = targetsOf(s, arg, multi);
    const title = action === 'lock'
      ? vscode.l10n.t('Locking {0}', whatItems(targets.map((t) => nameOf(s, t))))
      : vscode.l10n.t('Unlocking {0}', whatItems(targets.map((t) => nameOf(s, t))));
    await withCancellableProgress(title, async (signal) => {
      for (const t of targets) {
        const m = await capabilityOf(s, t, 'locks', noLocks);
        await m.caps.locks[action](m.path, { signal });
      }
    });
    changed(targets);
  };

  return [
    s.command('docWorkspaces.lock', lock('lock')),
    s.command('docWorkspaces.unlock', lock('unlock')),

    s.command('docWorkspaces.addTag', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const m = await capabilityOf(s, t, 'tags', noTags);
      const tags = splitTags(await ui().input({
        title: vscode.l10n.t("Tags of '{0}'", nameOf(s, t)), prompt: vscode.l10n.t('Tags to add (separate with ; or ,)'), ignoreFocusOut: true,
        validateInput: (v) => (splitTags(v).length ? undefined : vscode.l10n.t('Enter at least one tag.')),
      }));
      await m.caps.tags.add(m.path, tags);
      changed([t]);
      return tags;
    }),

    s.command('docWorkspaces.removeTag', async (arg?: unknown) => {
      const t = targetOf(s, arg);
      const name = nameOf(s, t);
      const m = await capabilityOf(s, t, 'tags', noTags);
      const current = (await m.fs.stat(m.path)).tags ?? [];
      if (!current.length) {
        void ui().notify('info', vscode.l10n.t("'{0}' has no tags.", name));
        return [];
      }
      const picked = await ui().pickMany(current.map((label) => ({ label })), { title: vscode.l10n.t("Tags of '{0}'", name), placeHolder: vscode.l10n.t('Tags to remove') });
      if (!picked.length) return [];
      const tags = picked.map((p) => p.label);
      await m.caps.tags.remove(m.path, tags);
      changed([t]);
      return tags;
    }),
  ];
}
