import * as vscode from 'vscode';
import type { Services } from '../types';

/**
 * Command ids of earlier releases that users may have bound to keys or call from tasks: each runs the command it
 * became, with the same arguments. Kept for one release (CHANGELOG), never contributed to menus or the palette.
 * Vendors list their own old ids in VendorGlue.aliases.
 */
const GENERIC_ALIASES: Readonly<Record<string, { command: string; args?: readonly unknown[] }>> = {
  'docWorkspaces.updateCredentials': { command: 'docWorkspaces.signIn' },
  'docWorkspaces.copyShareLink': { command: 'docWorkspaces.share' },
  'docWorkspaces.closeShareLinks': { command: 'docWorkspaces.stopSharing' },
};

export function registerAliases(s: Services): vscode.Disposable[] {
  const all = { ...GENERIC_ALIASES, ...Object.assign({}, ...s.vendors.all.map((g) => g.aliases ?? {})) as typeof GENERIC_ALIASES };
  return Object.entries(all).map(([old, to]) => vscode.commands.registerCommand(old, (...args: unknown[]) => {
    s.log.debug(`${old} is an old name of ${to.command}`);
    return vscode.commands.executeCommand(to.command, ...(to.args ?? []), ...args);
  }));
}
