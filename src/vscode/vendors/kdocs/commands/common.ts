import * as vscode from 'vscode';
import { UnsupportedError } from '../../../../core/errors';
import type { KdSpaceName } from '../../../../vendors/kdocs/operations';
import { typeOf } from '../../../commands/targets';
import type { Services } from '../../../services';
import { baseName, parentPath } from '../../../uri';
import { KDOCS_SCHEME, type KdocsContext, type KdocsTarget } from '../context';
import { uriPathOf } from '../paths';

/**
 * What every Kingsoft Docs command module gets: the services (`s.command` is the one command wrapper: log + one
 * notification on failure) and the kdocs context (accounts, targets, change events).
 */
export interface KdocsCommandDeps {
  readonly s: Services;
  readonly kd: KdocsContext;
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
export async function folderTarget(s: Services, kd: KdocsContext, t: KdocsTarget): Promise<KdocsTarget> {
  const type = t.path === '' ? 'folder' : await typeOf(s, { scheme: KDOCS_SCHEME, accountId: t.accountId, path: uriPathOf(t.space, t.path), type: t.type });
  return kd.targetAt(t.accountId, t.space, type === 'folder' ? t.path : parentPath(t.path), 'folder');
}
