import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { GokuaiSandbox } from '../sandbox/types';
import type { Accounts } from './accounts';
import { affects, config } from './config';

/** What the sandbox was started with; a change of either restarts it. */
interface SandboxSettings { port: number; controlRoutes: boolean }

/**
 * The embedded Gokuai emulator behind the "Sandbox" account: started on activation when
 * `docWorkspaces.sandbox.enabled` is on, restarted when its settings change, stopped when disabled. Transitions are
 * serialized. Its unauthenticated HTTP control routes stay off unless `docWorkspaces.sandbox.controlRoutes` is set
 * (only the out-of-process UI tests need them).
 */
export class EmbeddedSandbox implements vscode.Disposable {
  private current?: { sandbox: GokuaiSandbox; settings: SandboxSettings };
  private queue: Promise<void> = Promise.resolve();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly accounts: Accounts, private readonly log: Logger) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'sandbox')) void this.apply();
    });
  }

  get sandbox(): GokuaiSandbox | undefined {
    return this.current?.sandbox;
  }

  /** Brings the sandbox in line with the settings; resolves when done (also for transitions already queued). */
  apply(): Promise<void> {
    this.queue = this.queue.then(() => this.sync()).catch((e: unknown) => this.log.error('Sandbox failed to start', e));
    return this.queue;
  }

  dispose(): void {
    this.subscription.dispose();
    void this.stop();
  }

  private async sync(): Promise<void> {
    const want = config.sandboxEnabled();
    const settings: SandboxSettings = { port: config.sandboxPort(), controlRoutes: config.sandboxControlRoutes() };
    const same = (a: SandboxSettings) => a.port === settings.port && a.controlRoutes === settings.controlRoutes;
    if (this.current && (!want || !same(this.current.settings))) await this.stop();
    if (!want || this.current) return;
    // Loaded on demand: users who turn the sandbox off never evaluate it.
    const { startGokuaiSandbox } = await import('../sandbox/gokuai');
    const sandbox = await startGokuaiSandbox(settings);
    this.current = { sandbox, settings };
    this.log.info(`Sandbox started at ${sandbox.host}`);
    this.accounts.setSandbox({ host: sandbox.host, libraryName: sandbox.libraryName, credentials: sandbox.credentials });
  }

  private async stop(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    this.accounts.setSandbox(undefined);
    await cur.sandbox.close();
    this.log.info('Sandbox stopped');
  }
}
