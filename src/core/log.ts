/**
 * Logging contract. The VS Code glue backs it with a LogOutputChannel; tests and the sandbox use the console or a
 * memory sink. Every implementation passes messages through `redact()` (see ./redact.ts) before they are written.
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
