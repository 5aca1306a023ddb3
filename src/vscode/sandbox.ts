import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { Accounts } from './accounts';
import { affects, config } from './config';
import type { RunningSandbox, SandboxSettings, VendorGlue, VendorId, VendorRegistryView } from './types';

/**
 * The embedded vendor emulators behind the "Sandbox" accounts (each vendor with a `sandbox` in its glue): started on
 * activation when `docWorkspaces.sandbox.enabled` is on, restarted when their settings change, stopped when disabled.
 * Transitions are serialized. Their unauthenticated HTTP control routes stay off unless
 * `docWorkspaces.sandbox.controlRoutes` is set (only the out-of-process UI tests need them).
 */
export class EmbeddedSandbox implements vscode.Disposable {
  private current?: { running: Map<VendorId, RunningSandbox>; settings: SandboxSettings };
  private queue: Promise<void> = Promise.resolve();
  private readonly subscription: vscode.Disposable;
  private readonly glues: VendorGlue[];

  constructor(private readonly accounts: Accounts, vendors: VendorRegistryView, private readonly log: Logger) {
    this.glues = vendors.all.filter((g) => g.sandbox);
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (affects(e, 'sandbox')) void this.apply();
    });
  }

  /** The running emulator of a vendor (its `handle`: the GokuaiSandbox for 'gokuai'). */
  handle(vendor: VendorId): unknown {
    return this.current?.running.get(vendor)?.handle;
  }

  /** Brings the sandboxes in line with the settings; resolves when done (also for transitions already queued). */
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
    const running = new Map<VendorId, RunningSandbox>();
    try {
      for (const glue of this.glues) {
        const sb = await glue.sandbox?.start(settings, { log: this.log });
        if (!sb) continue;
        running.set(glue.vendor, sb);
        this.log.info(`Sandbox (${glue.vendor}) started at ${sb.account.host ?? ''}`);
        this.accounts.setSandbox(glue.vendor, sb);
      }
    } catch (e) {
      // All or nothing, so the next apply() starts them again.
      await this.close(running);
      throw e;
    }
    this.current = { running, settings };
  }

  private async stop(): Promise<void> {
    const cur = this.current;
    if (!cur) return;
    this.current = undefined;
    await this.close(cur.running);
    this.log.info('Sandbox stopped');
  }

  private async close(running: Map<VendorId, RunningSandbox>): Promise<void> {
    for (const [vendor, sb] of running) {
      this.accounts.setSandbox(vendor, undefined);
      await sb.close().catch((e: unknown) => this.log.warn(`Sandbox (${vendor}) did not close cleanly`, e));
    }
  }
}
