import type * as vscode from 'vscode';
import type { Services } from '../../../services';
import { createKdocsContext, type KdocsContext } from '../context';
import { registerBinCommands } from './bin';
import type { KdocsCommandDeps } from './common';
import { registerCreateCommands } from './create';
import { registerSearchCommands } from './search';
import { registerShareCommands } from './share';
import { registerVersionCommands } from './versions';

export { kdocsBatch } from './batch';
export type { KdBinArgs, KdBinListArgs } from './bin';
export type { KdCreateBlankArgs, KdImportArgs } from './create';
export type { BatchOutcome, FailedItem } from '../../../commands/report';
export type { KdSearchArgs, KdSearchMode } from './search';
export type { KdCollaboratorArgs, KdCollaboratorsArgs, KdEditTokenArgs, KdShareArgs, KdShareInfo, KdTargetArgs } from './share';
export type { KdHistoryArgs, KdRevertArgs, KdVersionInfo } from './versions';

/**
 * Kingsoft Docs commands beyond a file system (`docWorkspaces.kdocs.*`): blank documents and imports from URLs,
 * recycle bin and trash, search, share links and collaborators, edit tokens, app-space versions. Folders, uploads,
 * rename and copy / move / delete are the generic commands (copy / move / delete of kdocs items go through the task
 * APIs: `kdocsBatch`, the glue's VendorBatch). Every command refuses other vendors' targets (KdocsContext.targets) and
 * takes an options object instead of its dialogs (see the `Kd*Args` types).
 */
export function registerKdocsCommands(s: Services, kd: KdocsContext = createKdocsContext(s)): vscode.Disposable[] {
  const deps: KdocsCommandDeps = { s, kd };
  return [
    ...registerCreateCommands(deps),
    ...registerBinCommands(deps),
    ...registerSearchCommands(deps),
    ...registerShareCommands(deps),
    ...registerVersionCommands(deps),
  ];
}
