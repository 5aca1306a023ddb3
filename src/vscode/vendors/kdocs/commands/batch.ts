import * as vscode from 'vscode';
import { InvalidInputError } from '../../../../core/errors';
import type { BatchResult as KdBatchResult, KdSpaceName } from '../../../../vendors/kdocs/operations';
import type { Services } from '../../../services';
import type { BatchCallOptions, BatchResult, VendorBatch } from '../../types';
import { createKdocsContext } from '../context';
import { type KdocsLocation, locate, uriPathOf } from '../paths';

/**
 * The generic Copy to… / Move to… / Delete (commands/batch.ts) on kdocs items: one task of the kdocs API for many
 * files, polled with progress, every file ending done or failed with its own reason (KdocsOperations.copyMany...).
 * Copies and moves stay inside one space; a delete of items of both spaces runs one batch per space.
 */
export const kdocsBatch: VendorBatch = {
  copy: (s, accountId, paths, folder, o) => copyOrMove(s, 'copy', accountId, paths, folder, o),
  move: (s, accountId, paths, folder, o) => copyOrMove(s, 'move', accountId, paths, folder, o),

  async delete(s, accountId, paths, o) {
    const kd = createKdocsContext(s);
    const { ops } = await kd.account(accountId);
    const items = locateAll(accountId, paths);
    const result: BatchResult = { succeeded: [], failed: [] };
    let before = 0;
    for (const space of ['personal', 'appspace'] as const) {
      const inSpace = items.filter((i) => i.space === space).map((i) => i.path);
      if (!inSpace.length) continue;
      const offset = before;
      merge(result, space, await ops.deleteMany(space, inSpace, {
        signal: o.signal, permanent: o.permanent, onProgress: (done) => o.onProgress?.(offset + done, items.length),
      }));
      before += inSpace.length;
      kd.refreshBin(accountId, space);
    }
    kd.refreshSection(accountId);
    return result;
  },
};

async function copyOrMove(s: Services, op: 'copy' | 'move', accountId: string, paths: string[], folder: string, o: BatchCallOptions): Promise<BatchResult> {
  const kd = createKdocsContext(s);
  const items = locateAll(accountId, paths);
  const dest = locate(accountId, folder);
  if (!dest) throw new InvalidInputError(vscode.l10n.t('Choose a file or folder in Personal or App space.'));
  // The task APIs work inside one space: a Personal file cannot be moved into the App space in one step.
  if (items.some((i) => i.space !== dest.space)) {
    throw new InvalidInputError(vscode.l10n.t('Select items of one space of one account (Personal or App space).'));
  }
  const { ops } = await kd.account(accountId);
  const inner = items.map((i) => i.path);
  const bo = { signal: o.signal, onProgress: o.onProgress };
  const r = op === 'copy' ? await ops.copyMany(dest.space, inner, dest.path, bo) : await ops.moveMany(dest.space, inner, dest.path, bo);
  kd.refreshSection(accountId);
  return merge({ succeeded: [], failed: [] }, dest.space, r);
}

/** Space and path inside it of each URI path; space roots and the account root are refused. */
function locateAll(accountId: string, paths: readonly string[]): KdocsLocation[] {
  return paths.map((p) => {
    const loc = locate(accountId, p);
    if (!loc?.path) throw new InvalidInputError(vscode.l10n.t('Choose a file or folder in Personal or App space.'));
    return loc;
  });
}

/** Adds a space's results to `into`, with the URI paths the generic commands work with. */
function merge(into: BatchResult, space: KdSpaceName, r: KdBatchResult): BatchResult {
  into.succeeded.push(...r.succeeded.map((p) => uriPathOf(space, p)));
  into.failed.push(...r.failed.map((f) => ({ path: uriPathOf(space, f.path), error: f.error })));
  return into;
}
