import * as vscode from 'vscode';

/** Typed access to the extension's settings (names mirror package.json `contributes.configuration`). */
const section = () => vscode.workspace.getConfiguration('docWorkspaces');

export const config = {
  sandboxEnabled: (): boolean => section().get<boolean>('sandbox.enabled', true),
  sandboxPort: (): number => section().get<number>('sandbox.port', 0),
  pageSize: (): number => Math.max(1, Math.min(1000, section().get<number>('pageSize', 100))),
  deletePermanently: (): boolean => section().get<boolean>('gokuai.deletePermanently', false),
  conflictResolution: (): 'ask' | 'cancel' => (section().get<string>('conflictResolution', 'ask') === 'cancel' ? 'cancel' : 'ask'),
  /** Seconds between remote-change checks of open documents; 0 = off. */
  pollInterval: (): number => Math.max(0, section().get<number>('pollInterval', 0)),
};

export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration('docWorkspaces.' + key);
}
