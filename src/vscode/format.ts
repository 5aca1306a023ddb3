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
