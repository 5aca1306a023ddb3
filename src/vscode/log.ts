import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { redact } from '../core/redact';

function render(message: string | Error, args: unknown[]): string {
  const parts = [message instanceof Error ? (message.stack ?? message.message) : message];
  for (const a of args) {
    if (a instanceof Error) parts.push(a.stack ?? a.message);
    else if (typeof a === 'string') parts.push(a);
    else {
      try { parts.push(JSON.stringify(a)); } catch { parts.push(String(a)); }
    }
  }
  return redact(parts.join(' '));
}

/**
 * The core Logger backed by the "Doc Workspaces" LogOutputChannel. Everything (message and arguments) is rendered to
 * one string and passed through core `redact()` before it reaches the channel, so nothing unredacted is ever written.
 */
export function createChannelLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    trace: (m, ...a) => channel.trace(render(m, a)),
    debug: (m, ...a) => channel.debug(render(m, a)),
    info: (m, ...a) => channel.info(render(m, a)),
    warn: (m, ...a) => channel.warn(render(m, a)),
    error: (m, ...a) => channel.error(render(m, a)),
  };
}
