import * as vscode from 'vscode';
import { InvalidInputError, UnsupportedError } from '../../../../core/errors';
import type { KdSpaceName } from '../../../../vendors/kdocs/operations';
import { validateName } from '../../../commands/files';
import type { CommandFn, Services } from '../../../services';
import { baseName } from '../../../uri';
import type { KdocsContext, KdocsTarget } from '../context';

/**
 * What every Kingsoft Docs command module gets: the services, the kdocs context (accounts, targets, change events) and
 * `reg`, the one command wrapper (log + one notification on failure).
 */
export interface KdocsCommandDeps {
  readonly s: Services;
  readonly kd: KdocsContext;
  reg(id: string, fn: CommandFn): vscode.Disposable;
}

/** Display name of an item ('/' for a space root). */
export function nameOf(t: { path: string }): string {
  return baseName(t.path) || '/';
}

export function spaceLabel(space: KdSpaceName): string {
  return space === 'personal' ? vscode.l10n.t('Personal') : vscode.l10n.t('App space');
}

/** Refuses targets outside `space` with a sentence that says why (sharing is personal-only, versions app-space-only). */
export function requireSpace(t: KdocsTarget, space: KdSpaceName, why: string): KdocsTarget {
  if (t.space !== space) throw new UnsupportedError(why);
  return t;
}

/** The target itself when it is a folder, else its parent (asks the server when a bare URI does not say). */
export async function folderTarget(kd: KdocsContext, t: KdocsTarget): Promise<KdocsTarget> {
  if (t.path === '') return { ...t, type: 'folder' };
  const type = t.type ?? (await (await kd.account(t.accountId)).fs(t.space).stat(t.path)).type;
  if (type === 'folder') return { ...t, type };
  const parent = t.path.includes('/') ? t.path.slice(0, t.path.lastIndexOf('/')) : '';
  return kd.targetAt(t.accountId, t.space, parent, 'folder');
}

/** Input box for a new item's name (validated like the generic New File / Rename). */
export function askName(prompt: string, value = '', title?: string): Thenable<string | undefined> {
  return vscode.window.showInputBox({ title, prompt, value, validateInput: validateName, ignoreFocusOut: true });
}

/** Throws InvalidInputError when a name passed in an options object is no acceptable name. */
export function checkName(name: string): string {
  const err = validateName(name);
  if (err) throw new InvalidInputError(err);
  return name;
}
