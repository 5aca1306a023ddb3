import * as vscode from 'vscode';
import { DocError, isDocError } from '../core/errors';
import { redact } from '../core/redact';

/**
 * The ONE place where core DocErrors become user-facing text (notifications, tree error nodes) and
 * vscode.FileSystemErrors (FileSystemProvider). Messages are redacted again defensively: core promises safe
 * messages, but a non-DocError (e.g. a TypeError from a library) carries no such promise.
 */

export interface ErrorDescription {
  /** What happened, one sentence. */
  message: string;
  /** What to do about it. */
  hint: string;
  kind: DocError['kind'] | 'Unknown';
  /** True when fixing the credentials is the way out (tree error nodes then offer "Update credentials"). */
  credentials: boolean;
}

/** Vendor-specific wording, consulted before the generic mapping (VendorGlue.describeError). */
type VendorDescriber = (e: DocError) => ErrorDescription | undefined;
let vendorDescribers: readonly VendorDescriber[] = [];

/** Installs the vendors' describeError hooks (called once on activation, with every registered vendor's hook). */
export function setVendorErrorDescribers(describers: readonly VendorDescriber[]): void {
  vendorDescribers = describers;
}

export function isCancellation(e: unknown): boolean {
  return isDocError(e, 'Cancelled') || (e instanceof Error && e.name === 'AbortError') || e instanceof vscode.CancellationError;
}

export function describeError(e: unknown): ErrorDescription {
  if (e instanceof vscode.FileSystemError) {
    // Raised by vscode.workspace.fs (rename/move go through it so open editors follow the file).
    const hint = e.code === 'FileExists' ? vscode.l10n.t('Choose another name or delete the existing item first.')
      : e.code === 'FileNotFound' ? vscode.l10n.t('It may have been moved or deleted by someone else. Refresh the view.')
        : vscode.l10n.t('See the log for details.');
    return { message: redact(e.message), hint, kind: 'Unknown', credentials: false };
  }
  if (!isDocError(e)) {
    const message = redact(e instanceof Error ? e.message : String(e));
    return { message, hint: vscode.l10n.t('See the log for details.'), kind: 'Unknown', credentials: false };
  }
  for (const describe of vendorDescribers) {
    const v = describe(e);
    if (v) return { ...v, message: redact(v.message) };
  }
  const message = redact(e.message);
  const d = (hint: string, credentials = false): ErrorDescription => ({ message, hint, kind: e.kind, credentials });
  switch (e.kind) {
    case 'Unauthorized': return d(vscode.l10n.t('The account\'s credentials were refused: run "Sign In Again…" on it.'), true);
    case 'Forbidden': return d(vscode.l10n.t('This account is not allowed to do that. Ask its administrator for access.'));
    case 'Locked': return d(vscode.l10n.t('Ask whoever locked the file to unlock it, or try again later.'));
    case 'NotFound': return d(vscode.l10n.t('It may have been moved or deleted by someone else. Refresh the view.'));
    case 'AlreadyExists': return d(vscode.l10n.t('Choose another name or delete the existing item first.'));
    case 'Conflict': return d(vscode.l10n.t('Someone else changed it. Compare, then save again.'));
    case 'RateLimited': return d(vscode.l10n.t('The server asks to slow down. Try again in a moment.'));
    case 'QuotaExceeded': return d(vscode.l10n.t('The account has no space left. Empty the recycle bin or ask for more space.'));
    case 'Network': return d(vscode.l10n.t('Check your network connection and proxy settings.'));
    case 'Timeout': return d(vscode.l10n.t('The server did not answer in time. Try again.'));
    case 'Server': return d(vscode.l10n.t('The server had a problem. Try again later.'));
    case 'BadResponse': return d(vscode.l10n.t('The server sent an unexpected answer. Check the host URL.'));
    case 'InvalidInput': return d(vscode.l10n.t('Check the value you entered.'));
    case 'Unsupported': return d(vscode.l10n.t('This account does not support that operation.'));
    case 'PasswordRequired': return d(vscode.l10n.t('The document is protected: run the command again and enter its password.'));
    case 'ScriptFailed': return d(vscode.l10n.t('The script stopped with an error: see its output and the problem at its line.'));
    case 'Cancelled': return d('');
  }
}

/** Maps any error thrown by RemoteFs onto the FileSystemError VS Code expects from a FileSystemProvider. */
export function toFileSystemError(e: unknown, uri: vscode.Uri): vscode.FileSystemError {
  if (e instanceof vscode.FileSystemError) return e;
  const { message, hint, kind } = describeError(e);
  // VS Code shows this text in its "Failed to save" notification: say what to do, not only what happened.
  const text = hint ? `${message} — ${hint}` : message;
  switch (kind) {
    case 'NotFound': return vscode.FileSystemError.FileNotFound(uri);
    case 'AlreadyExists': return vscode.FileSystemError.FileExists(uri);
    case 'Unauthorized':
    case 'Forbidden':
    case 'Locked':
    case 'Unsupported':
      return vscode.FileSystemError.NoPermissions(text);
    default:
      return vscode.FileSystemError.Unavailable(text);
  }
}
