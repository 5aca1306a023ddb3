import * as vscode from 'vscode';
import { affects, config } from './config';
import type { RemoteFiles } from './files';

/** Optional remote-change polling of open documents (`docWorkspaces.pollInterval` seconds, 0 = off). */
export class OpenDocumentPoller implements vscode.Disposable {
  private timer?: NodeJS.Timeout;
  private running = false;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly files: RemoteFiles) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => { if (affects(e, 'pollInterval')) this.arm(); });
    this.arm();
  }

  dispose(): void {
    this.subscription.dispose();
    if (this.timer) clearInterval(this.timer);
  }

  private arm(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const seconds = config.pollInterval();
    if (!seconds) return;
    this.timer = setInterval(() => {
      if (this.running) return; // a slow round is still going: skip instead of piling up
      this.running = true;
      void this.files.checkOpenDocuments(vscode.workspace.textDocuments).finally(() => { this.running = false; });
    }, seconds * 1000);
  }
}
