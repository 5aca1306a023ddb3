import * as vscode from 'vscode';
import { InvalidInputError } from '../../../../core/errors';
import { collectPages } from '../../../../core/paging';
import type { KdVersion } from '../../../../vendors/kdocs';
import { isOptions } from '../../../commands/targets';
import { compareSnapshot, openSnapshot, pickVersion, versionLabelOf, versionTarget } from '../../../commands/versions';
import { withCancellableProgress } from '../../../commands/wrap';
import { formatBytes, formatTime, versionTime } from '../../../format';
import { ui } from '../../../ui';
import { toRoUri } from '../../../uri';
import { KDOCS_SCHEME, type KdocsTarget } from '../context';
import { uriPathOf } from '../paths';
import { type KdocsCommandDeps, nameOf, requireSpace } from './common';

/**
 * Version history of app-space files: list -> open a version read-only (kdocs-ro://...?version=<n>, served by the
 * glue's readVersion) -> diff it with the current content -> revert (the old content becomes a new version, so
 * nothing in between is lost). Personal files have no version API.
 */

/** Without `version`: returns the versions. With it: opens that version read-only and returns its kdocs-ro URI. */
export interface KdHistoryArgs { target: vscode.Uri; version?: number }
export interface KdRevertArgs { target: vscode.Uri; version: number }

/** Versions as commands return them. */
export interface KdVersionInfo { version: number; size: number; /** ms */ mtime: number; modifier?: string }

function versionInfo(v: KdVersion): KdVersionInfo {
  return { version: v.version, size: v.size, mtime: v.mtime * 1000, modifier: v.modifier };
}

export function registerVersionCommands({ s, kd }: KdocsCommandDeps): vscode.Disposable[] {
  const appTarget = (arg: unknown): KdocsTarget => {
    const t = kd.target(arg);
    if (!t.path) throw new InvalidInputError(vscode.l10n.t('Select a file first.'));
    return requireSpace(t, 'appspace', vscode.l10n.t('Only app-space files keep versions; personal files have no version history in the API.'));
  };
  const roUri = (t: KdocsTarget, version: number, label?: string) =>
    toRoUri({ scheme: KDOCS_SCHEME, accountId: t.accountId, path: uriPathOf(t.space, t.path) }, String(version), label);

  /** The file and version behind a kdocs-ro URI with `?version=` (argument or active editor). */
  const kdocsVersion = (arg: unknown): { t: KdocsTarget; version: number; label: string } => {
    const notOpen = vscode.l10n.t('Open a version from Version History first.');
    const { uri, version } = versionTarget(KDOCS_SCHEME, arg, notOpen);
    const t = kd.fromUri(uri);
    if (!t || !Number.isInteger(Number(version))) throw new InvalidInputError(notOpen);
    return { t, version: Number(version), label: versionLabelOf(uri, version) };
  };

  return [
    s.command('docWorkspaces.kdocs.versionHistory', async (arg?: unknown): Promise<KdVersionInfo[] | vscode.Uri | undefined> => {
      const o = isOptions<KdHistoryArgs>(arg, 'target') ? arg : undefined;
      const t = appTarget(o ? o.target : arg);
      const version = o?.version;
      if (version === undefined) {
        const { ops } = await kd.account(t.accountId);
        const versions = (await withCancellableProgress(vscode.l10n.t('Reading the versions of {0}', nameOf(t)), (signal) =>
          collectPages((cursor) => ops.versions(t.path, cursor, { signal }), { signal }))).map(versionInfo);
        if (o) return versions;
        const picked = await pickVersion(versions.map((v, i) => ({
          label: vscode.l10n.t('Version {0}', v.version),
          description: [formatTime(v.mtime), v.modifier ?? '', i === 0 ? vscode.l10n.t('current') : ''].filter(Boolean).join(' · '),
          detail: formatBytes(v.size), version: v,
        })), vscode.l10n.t('Versions of {0} (newest first)', nameOf(t)));
        return openSnapshot(roUri(t, picked.version, vscode.l10n.t('version {0}, {1}', picked.version, versionTime(picked.mtime))));
      }
      return openSnapshot(roUri(t, version));
    }),

    s.command('docWorkspaces.kdocs.compareVersion', async (arg?: unknown) => {
      const { t, version, label } = kdocsVersion(arg);
      await compareSnapshot(t.uri, roUri(t, version, label), nameOf(t), label);
    }),

    s.command('docWorkspaces.kdocs.revertVersion', async (arg?: unknown): Promise<number | undefined> => {
      const o = isOptions<KdRevertArgs>(arg, 'version') ? arg : undefined;
      const { t, version, label } = o ? { t: appTarget(o.target), version: o.version, label: String(o.version) } : kdocsVersion(arg);
      if (!o) {
        const revert = vscode.l10n.t('Revert');
        await ui().confirm(vscode.l10n.t('Revert {0} to {1}?', nameOf(t), label), {
          detail: vscode.l10n.t('The old content becomes the newest version; the current content stays in the history.'),
        }, revert);
      }
      const { ops } = await kd.account(t.accountId);
      const entry = await withCancellableProgress(vscode.l10n.t('Reverting {0} to version {1}', nameOf(t), version), (signal) =>
        ops.revertVersion(t.path, version, { signal }));
      kd.changed([t]);
      if (!o) void ui().notify('info', vscode.l10n.t('{0} reverted to {1}.', nameOf(t), label));
      return entry.version !== undefined ? Number(entry.version) : undefined;
    }),
  ];
}
