import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { ChatDestination } from '../../core/capabilities';
import { registerSecret } from '../../core/redact';
import { activeEditorUri, isFromTree, refOf } from '../commands/targets';
import { withCancellableProgress } from '../commands/wrap';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName } from '../uri';
import { type AccountStore, pickStore, storeAt } from './common';

/**
 * Send to Chat… for every account whose store sends chat messages (ChatCapability): a message, or a file's share link
 * with a message, to a saved destination (a group robot by its webhook key, or an app message to an email). The
 * destinations are remembered by name in the extension's state; their webhook keys live in SecretStorage only and are
 * registered for redaction (never in logs, settings or messages). Chat Destinations… removes them.
 */

interface Destination {
  id: string;
  name: string;
  kind: string;
  accountId: string;
  root: string;
  email?: string;
}

const LIST = 'docWorkspaces.chat.destinations';
const secretKey = (id: string) => `docWorkspaces.chat.key.${id}`;

export function kindLabel(kind: string): string {
  switch (kind) {
    case 'woa': return vscode.l10n.t('Kingsoft collaboration (WOA) group robot');
    case 'woaApp': return vscode.l10n.t('Kingsoft collaboration (WOA) app message to a person');
    case 'wecom': return vscode.l10n.t('WeCom group robot');
    case 'dingtalk': return vscode.l10n.t('DingTalk group robot');
    default: return kind;
  }
}

export function registerChatCommands(s: Services): vscode.Disposable[] {
  const list = () => s.globalState.get<Destination[]>(LIST, []);
  const save = (l: Destination[]) => s.globalState.update(LIST, l);

  const storeOf = (d: Destination): Promise<AccountStore<'chat'>> =>
    storeAt(s, d.accountId, d.root, 'chat', vscode.l10n.t('The account of this destination is not here any more: add the destination again.'));

  /** Asks everything a new destination needs and saves it (its key in SecretStorage). */
  const addDestination = async (): Promise<Destination> => {
    const st = await pickStore(s, undefined, 'chat', vscode.l10n.t('Which account sends the messages?'), vscode.l10n.t('None of your accounts sends chat messages.'));
    const title = vscode.l10n.t('New chat destination');
    const { dest: { kind, needs } } = await ui().pick(st.mount.caps.chat.kinds.map((k) => ({ label: kindLabel(k.kind), dest: k })), { title, placeHolder: vscode.l10n.t('Where do the messages go?') });
    let key: string | undefined;
    let email: string | undefined;
    if (needs.includes('key')) {
      key = (await ui().input({
        title,
        prompt: needs.includes('email')
          ? vscode.l10n.t('App id and secret key of the app, as <app id>:<secret key> (kept in the OS keychain via VS Code SecretStorage)')
          : vscode.l10n.t('Webhook key of the robot (kept in the OS keychain via VS Code SecretStorage)'),
        password: true, ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter the webhook key.')),
      })).trim();
      registerSecret(key);
    }
    if (needs.includes('email')) {
      email = (await ui().input({
        title, prompt: vscode.l10n.t('Email address of the person'), ignoreFocusOut: true,
        validateInput: (v) => (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v.trim()) ? undefined : vscode.l10n.t('Enter an email address.')),
      })).trim();
    }
    const name = (await ui().input({
      title, prompt: vscode.l10n.t('A name for this destination (e.g. the group\'s name)'), value: email ?? kindLabel(kind), ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('Enter a name.')),
    })).trim();
    const d: Destination = { id: randomBytes(8).toString('hex'), name, kind, accountId: st.account.id, root: st.mount.root, email };
    if (key) await s.secrets.store(secretKey(d.id), key);
    await save([...list(), d]);
    return d;
  };

  return [
    s.command('docWorkspaces.sendToChat', async (arg?: unknown): Promise<void> => {
      const file = await fileOf(s, arg);
      const title = file ? vscode.l10n.t("Send '{0}' to chat", file.name) : vscode.l10n.t('Send to chat');
      const add = { label: '$(add) ' + vscode.l10n.t('New destination…'), d: undefined };
      const picked = await ui().pick([...list().map((d) => ({ label: d.name, description: kindLabel(d.kind), detail: s.accounts.label(d.accountId), d })), add], {
        title, placeHolder: vscode.l10n.t('Send to'),
      });
      const d = picked.d ?? await addDestination();
      let link: { title: string; url: string } | undefined;
      if (file) {
        const url = await vscode.commands.executeCommand<string | undefined>('docWorkspaces.share', file.arg);
        if (!url) return; // the share prompts were dismissed, or sharing failed (already said)
        link = { title: file.name, url };
      }
      const text = (await ui().input({
        title, prompt: file ? vscode.l10n.t('Message with the link (optional)') : vscode.l10n.t('Message'), value: file ? file.name : '', ignoreFocusOut: true,
        validateInput: (v) => (file || v.trim() ? undefined : vscode.l10n.t('Enter a message.')),
      })).trim();
      const key = await s.secrets.get(secretKey(d.id));
      registerSecret(key);
      const to: ChatDestination = { kind: d.kind, key, email: d.email };
      const st = await storeOf(d);
      await withCancellableProgress(vscode.l10n.t('Sending to {0}', d.name), (signal) => st.mount.caps.chat.send(to, { text: text || (link?.title ?? ''), link }, { signal }));
      void ui().notify('info', vscode.l10n.t('Sent to {0}.', d.name));
    }),

    s.command('docWorkspaces.chatDestinations', async (): Promise<void> => {
      const all = list();
      if (!all.length) {
        void ui().notify('info', vscode.l10n.t('No chat destinations yet: "Send to Chat…" adds one.'));
        return;
      }
      const picked = await ui().pickMany(all.map((d) => ({ label: d.name, description: kindLabel(d.kind), d })), {
        title: vscode.l10n.t('Chat destinations'), placeHolder: vscode.l10n.t('Pick the destinations to remove'),
      });
      if (!picked.length) return;
      const remove = vscode.l10n.t('Remove');
      await ui().confirm(vscode.l10n.t('Remove {0}? Their webhook keys are deleted too.', picked.map((p) => p.label).join(', ')), {}, remove);
      for (const p of picked) await s.secrets.delete(secretKey(p.d.id));
      const gone = new Set(picked.map((p) => p.d.id));
      await save(all.filter((d) => !gone.has(d.id)));
    }),
  ];
}

/** The file a Send to Chat was run on (its share link goes with the message), or undefined for a plain message. */
async function fileOf(s: Services, arg: unknown): Promise<{ name: string; arg: unknown } | undefined> {
  const x = isFromTree(arg) ? s.treeView.selection[0] : arg ?? activeEditorUri();
  const ref = refOf(s, x);
  if (!ref?.path) return undefined;
  const m = await s.files.resolve(ref);
  return m.caps.links ? { name: baseName(ref.path), arg: x } : undefined;
}
