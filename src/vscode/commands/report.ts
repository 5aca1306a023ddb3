import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { describeError } from '../errors';
import { ui } from '../ui';

/** One item a batch could not handle, as callers (and tests) see it: its name, where it was and why. */
export interface FailedItem {
  name: string;
  /** URI path inside its account (kdocs: 'personal/a/b.txt'), or empty for recycle-bin items. */
  path: string;
  message: string;
}

/** What a batch command returns: the items done and those that failed, each with its own reason. */
export interface BatchOutcome {
  /** URIs (files and folders) or recycle-bin tokens, as the command works on them. */
  succeeded: string[];
  failed: FailedItem[];
}

/** Wording of a batch's summary: all done (n items), or `failed` of `total` items failed. */
export interface BatchTexts {
  done(n: number): string;
  failed(failed: number, total: number): string;
}

/** A failure of a batch item (a DocError) as a FailedItem; the message is the one errors.ts shows for it. */
export function failedItem(name: string, path: string, error: unknown): FailedItem {
  return { name, path, message: describeError(error).message };
}

/**
 * The ending of a batch: every failure goes to the log, and ONE message sums it up. A partial failure is a warning
 * with "Show details" (a list of the failed items with their reasons); a full success of several items is an
 * information message (one item: the tree shows the result). Not awaited: the command returns while the message is
 * still up.
 */
export function reportBatch(outcome: BatchOutcome, text: BatchTexts, log: Logger, context: string): void {
  const total = outcome.succeeded.length + outcome.failed.length;
  for (const f of outcome.failed) log.warn(`${context}: "${f.path || f.name}" failed: ${f.message}`);
  if (!outcome.failed.length) {
    if (total > 1) void ui().notify('info', text.done(total));
    return;
  }
  const details = vscode.l10n.t('Show details');
  void ui().notify('warning', text.failed(outcome.failed.length, total), details).then((pick) => {
    if (pick === details) showFailures(outcome.failed).catch((e: unknown) => log.debug(`${context}: details closed`, e));
  });
}

/** The failed items of a batch, one per line with the reason (picking one copies its reason). */
async function showFailures(failed: readonly FailedItem[]): Promise<void> {
  const pick = await ui().pick(failed.map((f) => ({
    label: `$(error) ${f.name}`, description: f.path, detail: f.message, failure: f,
  })), { placeHolder: vscode.l10n.t('Items that failed (pick one to copy its reason)'), matchOnDescription: true, matchOnDetail: true });
  await vscode.env.clipboard.writeText(`${pick.failure.path || pick.failure.name}: ${pick.failure.message}`);
}
