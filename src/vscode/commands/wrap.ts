import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { describeError, isCancellation } from '../errors';
import { ui } from '../ui';
import type { CommandFn } from '../types';

/**
 * Registers a command whose failures all end the same way: the (redacted) error goes to the log, the user gets ONE
 * notification with what happened, what to do and a "Show log" button. Cancellation is silent. The command resolves
 * to undefined on failure, so callers (and tests) never see a second, raw error from VS Code.
 */
export function runCommand(
  id: string,
  fn: CommandFn,
  log: Logger,
  showLog: () => void,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } catch (e) {
      reportError(id, e, log, showLog);
      return undefined;
    }
  });
}

/** The single user-facing error path: log (redacted by the Logger), one notification with a hint and "Show log". */
export function reportError(context: string, e: unknown, log: Logger, showLog: () => void): void {
  if (isCancellation(e)) {
    log.debug(`${context}: cancelled`);
    return;
  }
  log.error(`${context} failed`, e);
  const { message, hint } = describeError(e);
  const show = vscode.l10n.t('Show log');
  void ui().notify('error', hint ? `${message} — ${hint}` : message, show).then((pick) => {
    if (pick === show) showLog();
  });
}

/**
 * Runs a long operation with a cancellable notification. The CancellationToken is wired to an AbortController whose
 * signal every RemoteFs/GokuaiApi call receives, so "Cancel" stops network work, not just the UI.
 */
export function withCancellableProgress<T>(
  title: string,
  fn: (signal: AbortSignal, report: (message: string, increment?: number) => void) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    return fn(abort.signal, (message, increment) => progress.report({ message, increment }))
      .finally(() => sub.dispose());
  });
}
