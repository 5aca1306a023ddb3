import * as vscode from 'vscode';

/** Typed access to the extension's settings (names mirror package.json `contributes.configuration`). */
const section = () => vscode.workspace.getConfiguration('docWorkspaces');

/** Shortest polling period: more often would load the server for little benefit. */
export const MIN_POLL_SECONDS = 5;

export const config = {
  sandboxEnabled: (): boolean => section().get<boolean>('sandbox.enabled', true),
  sandboxPort: (): number => section().get<number>('sandbox.port', 0),
  /** Serve the sandbox's unauthenticated HTTP control routes (out-of-process tests only). */
  sandboxControlRoutes: (): boolean => section().get<boolean>('sandbox.controlRoutes', false),
  /** Run scripts with one synchronous request instead of a polled task (short scripts). */
  scriptsSync: (): boolean => section().get<boolean>('scripts.runSynchronously', false),
  /** How tables (datasheets) open: CSV (default) or JSON. */
  tableFormat: (): 'csv' | 'json' => (section().get<string>('tables.format', 'csv') === 'json' ? 'json' : 'csv'),
  pageSize: (): number => Math.max(1, Math.min(1000, section().get<number>('pageSize', 100))),
  /** `docWorkspaces.<vendor>.deletePermanently`: plain deletes skip the vendor's recycle bin (off when not declared). */
  deletePermanently: (vendor: string): boolean => section().get<boolean>(`${vendor}.deletePermanently`, false),
  conflictResolution: (): 'ask' | 'cancel' => (section().get<string>('conflictResolution', 'ask') === 'cancel' ? 'cancel' : 'ask'),
  /** Seconds between remote-change checks of open documents; 0 = off, otherwise at least MIN_POLL_SECONDS. */
  pollInterval: (): number => {
    const s = section().get<number>('pollInterval', 0);
    return s > 0 ? Math.max(MIN_POLL_SECONDS, s) : 0;
  },
};

export function affects(e: vscode.ConfigurationChangeEvent, key: string): boolean {
  return e.affectsConfiguration('docWorkspaces.' + key);
}
