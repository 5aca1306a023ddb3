import * as vscode from 'vscode';
import type { WritableFs } from '../core/remote';
import { UnsupportedError } from '../core/errors';
import type { Mount } from './types';

/**
 * The write capability of a store (save, new file or folder, upload, rename, move, copy, delete); a store without it
 * is read-only here, and says so naming the item (`what`).
 */
export function writerOf(m: Pick<Mount, 'caps'>, what: string): WritableFs {
  if (!m.caps.write) throw new UnsupportedError(vscode.l10n.t("'{0}' is read-only here.", what || '/'));
  return m.caps.write;
}
