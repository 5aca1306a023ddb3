// Every log line of a test run goes to a file, at trace level, rendered and redacted exactly as the extension's log
// writes it (core renderLogLine): `npm test` sets DOC_WORKSPACES_TEST_LOGS (a folder) and DOC_WORKSPACES_TEST_STAGE,
// runs the sandboxes with canary secrets (DOC_WORKSPACES_SANDBOX_CANARY) and fails when any log holds one
// (scripts/lib/secret-scan.mjs). Loaded before the tests: by mocha (--require) in the plain stages, by
// test/vscode/index.ts inside VS Code (where the extension's own log channel is collected from code-server).
//
// Clients and HTTP layers made without a logger write to core's nullLogger: here its lines are written too, so no
// code path logs into the void during the tests.
import { appendFileSync, mkdirSync } from 'fs';
import * as path from 'path';
import { type LogLevelName, nullLogger, renderLogLine } from '../../src/core/log';

const dir = process.env.DOC_WORKSPACES_TEST_LOGS;
const file = dir ? path.join(dir, `${process.env.DOC_WORKSPACES_TEST_STAGE ?? 'tests'}-${process.pid}.log`) : undefined;
if (dir) mkdirSync(dir, { recursive: true });

/** Appends one line to this process's test log (nothing when no log folder was given). */
export function captureLine(level: LogLevelName, message: string | Error, args: readonly unknown[]): void {
  if (file) appendFileSync(file, `${new Date().toISOString()} ${level} ${renderLogLine(message, args)}\n`);
}

const writable = nullLogger as unknown as Record<LogLevelName, (m: string | Error, ...a: unknown[]) => void>;
for (const level of ['trace', 'debug', 'info', 'warn', 'error'] as const) {
  writable[level] = (m, ...a) => captureLine(level, m, a);
}
