import * as vscode from 'vscode';
import type { VersionInfo } from '../../core/capabilities';
import { InvalidInputError } from '../../core/errors';
import { fileTargetOf } from '../commands/targets';
import { compareSnapshot, openSnapshot, pickVersion, versionLabelOf } from '../commands/versions';
import { withCancellableProgress } from '../commands/wrap';
import { formatBytes, formatTime, versionTime } from '../format';
import { activeEditorUri } from '../commands/targets';
import type { Services } from '../types';
import { ui } from '../ui';
import { baseName, fromUri, roSchemeOf, toRoUri, toUri, versionOf } from '../uri';
import { capabilityOf } from './common';

/**
 * One History for every vendor whose stores keep versions (VersionsCapability): a QuickPick of a file's versions, the
 * picked one opened read-only in a tab named after its time (`<scheme>-ro://...?version=`), the diff "current ↔
 * version", and Restore This Version (asks first; the old content becomes the newest version, nothing is lost).
 */
export function registerHistoryCommands(s: Services): vscode.Disposable[] {
  const noVersions = (what: string) => vscode.l10n.t("'{0}' has no version history here.", what);

  return [
    s.command('docWorkspaces.fileHistory', async (arg?: unknown) => {
      const t = await fileTargetOf(s, arg, vscode.l10n.t('File History'));
      const m = await capabilityOf(s, t, 'versions', noVersions);
      const name = baseName(t.path);
      const versions = await withCancellableProgress(vscode.l10n.t("Reading the history of '{0}'", name), (signal) => m.caps.versions.list(m.path, { signal }));
      const picked = await pickVersion(versions.map((v, i) => ({
        label: v.label ? vscode.l10n.t('Version {0}', v.label) : formatTime(v.mtime),
        description: [v.label ? formatTime(v.mtime) : '', v.by ?? '', v.action ?? '', i === 0 ? vscode.l10n.t('current') : ''].filter(Boolean).join(' · '),
        detail: formatBytes(v.size), version: v,
      })), vscode.l10n.t("Versions of '{0}' (newest first)", name));
      return openSnapshot(toRoUri(t, picked.id, labelOf(picked)));
    }),

    s.command('docWorkspaces.compareWithCurrent', async (arg?: unknown) => {
      const { uri, version } = versionTarget(s, arg);
      const ref = fromUri(uri);
      await compareSnapshot(toUri(ref), uri, baseName(ref.path), versionLabelOf(uri, version));
    }),

    s.command('docWorkspaces.restoreVersion', async (arg?: unknown) => {
      const { uri, version } = versionTarget(s, arg);
      const ref = fromUri(uri);
      const name = baseName(ref.path);
      const when = versionLabelOf(uri, version);
      const m = await capabilityOf(s, ref, 'versions', noVersions);
      const restore = vscode.l10n.t('Restore');
      await ui().confirm(vscode.l10n.t("Restore '{0}' to its version of {1}?", name, when), {
        detail: vscode.l10n.t('The old content becomes the newest version; the current content stays in the history.'),
      }, restore);
      await withCancellableProgress(vscode.l10n.t("Restoring '{0}'", name), (signal) => m.caps.versions.restore(m.path, version, { signal }));
      s.files.notify([{ type: vscode.FileChangeType.Changed, uri: toUri(ref) }]);
      void ui().notify('info', vscode.l10n.t("'{0}' was restored to its version of {1}.", name, when));
    }),
  ];
}

/** How a version's tab and prompts name it: its number when the vendor has one, and its time. */
function labelOf(v: VersionInfo): string {
  return v.label ? vscode.l10n.t('{0}, version {1}', versionTime(v.mtime), v.label) : versionTime(v.mtime);
}

/**
 * The version snapshot a version command acts on: a `<scheme>-ro` URI with `?version=` (the argument, else the active
 * editor, also the right side of a version diff).
 */
function versionTarget(s: Services, arg: unknown): { uri: vscode.Uri; version: string } {
  const uri = arg instanceof vscode.Uri ? arg : activeEditorUri();
  const glue = uri && s.vendors.forScheme(uri.scheme);
  const version = glue && uri.scheme === roSchemeOf(glue.scheme) ? versionOf(uri) : undefined;
  if (!uri || !version) throw new InvalidInputError(vscode.l10n.t('Open a version from File History first.'));
  return { uri, version };
}
