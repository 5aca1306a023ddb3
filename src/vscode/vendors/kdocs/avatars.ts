import { existsSync } from 'fs';
import * as vscode from 'vscode';
import type { Logger } from '../../../core/log';

const MAX_BYTES = 512 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * Account avatars (the `avatar` URL of `user/basic`) copied to the extension's global storage, so the tree shows them
 * as account icons without fetching them on every render, also offline. One file per account and URL, so a changed
 * avatar is a new file. Best effort: any failure leaves the ThemeIcon.
 */
export class Avatars {
  /** URLs that failed in this window: not fetched again on every tree refresh. */
  private readonly failed = new Set<string>();

  constructor(private readonly storage: vscode.Uri, private readonly log: Logger) {}

  /** The local copy of an account's avatar if it has been downloaded (a sync check: called while rendering). */
  iconOf(accountId: string, url: string | undefined): vscode.Uri | undefined {
    if (!url || this.storage.scheme !== 'file') return undefined;
    const file = this.fileOf(accountId, url);
    return existsSync(file.fsPath) ? file : undefined;
  }

  /** Downloads the avatar unless it is there; true when it was downloaded now (the icon changes). */
  async ensure(accountId: string, url: string | undefined): Promise<boolean> {
    if (!url || this.storage.scheme !== 'file' || this.failed.has(url) || this.iconOf(accountId, url)) return false;
    this.failed.add(url); // until it succeeded
    try {
      if (!/^https?:\/\//i.test(url)) return false;
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const type = res.headers.get('content-type') ?? '';
      if (!res.ok || !type.startsWith('image/')) return false;
      const data = new Uint8Array(await res.arrayBuffer());
      if (data.byteLength === 0 || data.byteLength > MAX_BYTES) return false;
      await vscode.workspace.fs.writeFile(this.fileOf(accountId, url), data);
      this.failed.delete(url);
      return true;
    } catch (e) {
      // The URL may carry a signature: log the failure, not the address.
      this.log.debug('Downloading a Kingsoft Docs avatar failed', e);
      return false;
    }
  }

  private fileOf(accountId: string, url: string): vscode.Uri {
    return vscode.Uri.joinPath(this.storage, 'kdocs-avatars', `${accountId}-${hashOf(url)}`);
  }
}

/** Short stable hash of the URL (file name part; not a security measure). */
function hashOf(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}
