#!/usr/bin/env node
// Desktop runner for the in-VS-Code suite via @vscode/test-electron (downloads VS Code: needs internet, so it is not
// the default here; `npm test -- --electron` or DOC_WORKSPACES_TEST_ELECTRON=1 selects it).
// Same contract as run-in-code-server.mjs: resolves { exitCode, passed, failed }.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function runTestElectron({
  extensionDevelopmentPath = REPO,
  extensionTestsPath = join(REPO, 'out', 'test', 'vscode', 'index.js'),
  version = process.env.DOC_WORKSPACES_VSCODE_VERSION || 'stable',
} = {}) {
  const { runTests } = await import('@vscode/test-electron');
  const profile = mkdtempSync(join(tmpdir(), 'doc-workspaces-electron-'));
  let counts = { passed: undefined, failed: undefined };
  // test-electron forwards VS Code's output to our stdout; tee it to pick up the `vscode: N passed, N failed` line.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    const m = /vscode: (\d+) passed, (\d+) failed/.exec(String(chunk));
    if (m) counts = { passed: Number(m[1]), failed: Number(m[2]) };
    return write(chunk, ...rest);
  };
  try {
    const exitCode = await runTests({
      version,
      extensionDevelopmentPath,
      extensionTestsPath,
      launchArgs: [
        '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
        `--user-data-dir=${join(profile, 'user-data')}`, `--extensions-dir=${join(profile, 'extensions')}`,
        mkdtempSync(join(profile, 'workspace-')),
      ],
    });
    return { exitCode, ...counts };
  } catch (e) {
    // runTests rejects on a non-zero exit ("Test run failed with code 1") and on download errors alike.
    console.error(`test-electron: ${e instanceof Error ? e.message : e}`);
    return { exitCode: 1, ...counts };
  } finally {
    process.stdout.write = write;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = (await runTestElectron()).exitCode;
}
