import { createHash } from 'crypto';
import { readdirSync } from 'fs';
import { join } from 'path';
import * as vscode from 'vscode';
import type { Logger } from '../../../core/log';

const MAX_BYTES = 512 * 1024;
const TIMEOUT_MS = 10_000;
const FOLDER = 'kdocs-avatars';
const EXTENSIONS: Record<string, string> = { 'image/png': '.png', 'image/jpeg': '.jpg', 'image/gif': '.gif', 'image/webp': '.webp' };

/**
 * Account avatars (the `avatar` URL of `user/basic`) copied to the extension's global storage, so the tree shows them
 * as account icons without fetching them on every render, also offline. The URL itself is kept nowhere (it may carry
 * a signature): the file of an account is `<account id>-<hash of the URL>.<ext>`, so a changed avatar is a new file
 * and the old one is deleted. Best effort: any failure leaves the ThemeIcon.
 */
export class Avatars {
  /** URL hashes that failed in this window: not fetched again on every tree refresh. */
  private readonly failed = new Set<string>();
  /** The file of each account, once looked up (undefined: none). */
  private readonly icons = new Map<string, vscode.Uri | undefined>();

  constructor(private readonly storage: vscode.Uri, private readonly log: Logger) {}

  /** The local copy of an account's avatar if there is one (a sync check: called while rendering). */
  iconOf(accountId: string): vscode.Uri | undefined {
    if (this.storage.scheme !== 'file') return undefined;
    if (!this.icons.has(accountId)) this.icons.set(accountId, this.filesOf(accountId)[0]);
    return this.icons.get(accountId);
  }

  /** Downloads the avatar unless it is there; true when it was downloaded now (the icon changes). */
  async ensure(accountId: string, url: string | undefined): Promise<boolean> {
    if (!url || this.storage.scheme !== 'file') return false;
    const key = hashOf(url);
    const current = this.iconOf(accountId);
    if (this.failed.has(key) || (current && baseName(current).startsWith(`${accountId}-${key}.`))) return false;
    this.failed.add(key); // until it succeeded
    try {
      if (!/^https?:\/\//i.test(url)) return false;
      const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      const ext = EXTENSIONS[(res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()];
      if (!res.ok || !ext) return false;
      const data = new Uint8Array(await res.arrayBuffer());
      if (data.byteLength === 0 || data.byteLength > MAX_BYTES) return false;
      const file = vscode.Uri.joinPath(this.storage, FOLDER, `${accountId}-${key}${ext}`);
      await vscode.workspace.fs.writeFile(file, data);
      for (const old of this.filesOf(accountId)) {
        if (old.toString() !== file.toString()) await vscode.workspace.fs.delete(old).then(undefined, () => undefined);
      }
      this.icons.set(accountId, file);
      this.failed.delete(key);
      return true;
    } catch (e) {
      // The URL may carry a signature: log the failure, not the address.
      this.log.debug('Downloading a Kingsoft Docs avatar failed', e);
      return false;
    }
  }

  /** The avatar files of an account in the storage folder. */
  private filesOf(accountId: string): vscode.Uri[] {
    const dir = join(this.storage.fsPath, FOLDER);
    try {
      const mine = (f: string) => f.startsWith(`${accountId}-`) && /^[0-9a-f]{16}\.\w+$/.test(f.slice(accountId.length + 1));
      return readdirSync(dir).filter(mine).sort().map((f) => vscode.Uri.file(join(dir, f)));
    } catch {
      return []; // no folder yet
    }
  }
}

/** Hash of the URL for the file name: one-way, so the name does not give a signed URL away. */
function hashOf(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
