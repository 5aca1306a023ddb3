import type * as vscode from 'vscode';
import type { Services } from '../../../services';

/**
 * Kingsoft Docs commands (create online documents, share, collaborators, edit tokens, versions, trash, batch tasks...).
 * Register them with `s.command(id, fn)` and refuse other vendors' targets (commands/targets.ts requireVendor).
 */
export function registerKdocsCommands(_s: Services): vscode.Disposable[] {
  return [];
}
