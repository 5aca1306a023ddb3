#!/usr/bin/env node
// `npm run sandbox [-- --port N] [--control-routes]`: the vendor emulators standalone (no VS Code), e.g. to point
// another client or a desktop VS Code at them. Builds dist/sandbox.js (src/sandbox/main.ts) and runs it; it prints one
// JSON line with the hosts and the sandbox credentials and stays up until Ctrl+C. --control-routes turns on the
// unauthenticated /__sandbox/ HTTP routes for out-of-process tests.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const built = spawnSync(process.execPath, [join(REPO, 'esbuild.mjs')], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
if (built.status !== 0) {
  console.error('npm run sandbox: build failed (node esbuild.mjs)');
  process.exit(1);
}

const child = spawn(process.execPath, [join(REPO, 'dist', 'sandbox.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
// Forward Ctrl+C / SIGTERM so the sandbox closes its servers, then exit with its code.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 2 : 1)));
