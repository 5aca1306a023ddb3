import { redact } from './redact';

/**
 * Logging contract. The VS Code glue backs it with a LogOutputChannel; tests and the sandbox use the console or a
 * memory sink. Every implementation passes messages through `redact()` (see ./redact.ts) before they are written:
 * renderLogLine is that step.
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export const nullLogger: Logger = {
  trace() {}, debug() {}, info() {}, warn() {}, error() {},
};

export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** One log line as it is written: the message and its arguments (errors with their stack) as text, then redacted. */
export function renderLogLine(message: string | Error, args: readonly unknown[]): string {
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
