import { createHash } from 'crypto';
import * as vscode from 'vscode';
import type { ConvertedFile } from '../core/capabilities';
import type { Logger } from '../core/log';

/**
 * Converted files kept in the extension's global storage, by what was converted: the converting account, the source
 * (a remote file at one version, or a local file's content hash), the target format and the page range. Converting
 * the same version again reads them back instead of asking the service: conversions are counted against a daily
 * quota (Kingsoft Docs test apps: 100 to-PDF conversions a day). The newest MAX conversions are kept.
 */
export class ConversionCache {
  static readonly MAX = 40;

  constructor(private readonly root: vscode.Uri, private readonly log: Logger) {}

  /** The cache key of a conversion (no password in it: the same source gives the same result). */
  static key(parts: { converter: string; source: string; target: string; pages?: { from: number; to: number } }): string {
    return createHash('sha256').update(JSON.stringify([parts.converter, parts.source, parts.target, parts.pages ?? null])).digest('hex').slice(0, 32);
  }

  /** The files of an earlier conversion, or undefined. A damaged entry counts as missing. */
  async get(key: string): Promise<ConvertedFile[] | undefined> {
    const dir = vscode.Uri.joinPath(this.root, key);
    try {
      const meta = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, 'meta.json')))) as { names: string[] };
      const files: ConvertedFile[] = [];
      for (const [i, name] of meta.names.entries()) files.push({ name, data: await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, String(i))) });
      // Touch: the newest used entries are kept.
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'meta.json'), new TextEncoder().encode(JSON.stringify({ ...meta, used: Date.now() })));
      return files;
    } catch {
      return undefined;
    }
  }

  async put(key: string, files: readonly ConvertedFile[]): Promise<void> {
    const dir = vscode.Uri.joinPath(this.root, key);
    try {
      await vscode.workspace.fs.createDirectory(dir);
      for (const [i, f] of files.entries()) await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, String(i)), f.data);
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(dir, 'meta.json'), new TextEncoder().encode(JSON.stringify({ names: files.map((f) => f.name), used: Date.now() })));
      await this.evict();
    } catch (e) {
      // A cache that cannot be written costs a conversion next time, nothing else.
      this.log.warn('Could not keep a conversion in the cache', e);
    }
  }

  private async evict(): Promise<void> {
    const entries = await vscode.workspace.fs.readDirectory(this.root);
    if (entries.length <= ConversionCache.MAX) return;
    const used = await Promise.all(entries.map(async ([name]) => {
      try {
        const meta = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.root, name, 'meta.json')))) as { used?: number };
        return { name, used: meta.used ?? 0 };
      } catch {
        return { name, used: 0 };
      }
    }));
    used.sort((a, b) => a.used - b.used);
    for (const { name } of used.slice(0, used.length - ConversionCache.MAX)) {
      await vscode.workspace.fs.delete(vscode.Uri.joinPath(this.root, name), { recursive: true, useTrash: false });
    }
  }
}
