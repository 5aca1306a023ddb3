import * as vscode from 'vscode';

/** Human-readable byte count (1024-based, one decimal). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : v.toFixed(1)) + ' ' + units[i];
}

export function formatTime(ms: number): string {
  return ms ? new Date(ms).toLocaleString(vscode.env.language) : '';
}

/** Escapes text for a MarkdownString (file names may contain *, _, [ ...). */
export function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** "1 item" / "3 items" (whole strings for translation, never "1 items"). */
export function itemCount(n: number): string {
  return n === 1 ? vscode.l10n.t('1 item') : vscode.l10n.t('{0} items', n);
}

/** What a prompt acts on: the quoted name of the only item, else how many items. */
export function whatItems(names: readonly string[]): string {
  return names.length === 1 ? `'${names[0]}'` : itemCount(names.length);
}

/** A version's time for tab names and prompts: `2026-12-05 10.31` (local time; no `/` or `:`, which paths dislike). */
export function versionTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}.${p(d.getMinutes())}`;
}
