// The secret scan of npm test (scripts/lib/secret-scan.mjs) finds what it is there to find: planted leaks in nested
// log files, masked in its own report; VS Code's proxy-resolver lines are the one thing it skips.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanLogs } from '../../scripts/lib/secret-scan.mjs';

describe('secret scan of the test logs', () => {
  let dir;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'secret-scan-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('finds a canary secret and the sandboxes\' demo credentials in nested files, and does not repeat them', () => {
    mkdirSync(join(dir, 'code-server-1', 'vscode', 'exthost1'), { recursive: true });
    writeFileSync(join(dir, 'unit-output.log'), 'ok\nGET /x?access_token=CaNaRyAbC_123 -> 200\n');
    writeFileSync(join(dir, 'code-server-1', 'vscode', 'exthost1', 'Doc Workspaces.log'), 'token exchange app_key=sandbox-kdocs-app-key\n');
    writeFileSync(join(dir, 'contract-1.log'), 'sign with sandbox-org-client-secret\n');
    const { hits, files, names } = scanLogs(dir);
    assert.equal(files, 3);
    assert.deepEqual(names.sort(), ['code-server-1/vscode/exthost1/Doc Workspaces.log', 'contract-1.log', 'unit-output.log']);
    assert.deepEqual(hits.map((h) => `${h.file}:${h.line}`).sort(),
      ['code-server-1/vscode/exthost1/Doc Workspaces.log:1', 'contract-1.log:1', 'unit-output.log:2']);
    for (const h of hits) assert.doesNotMatch(h.text, /CaNaRyAbC_123|sandbox-kdocs-app-key|sandbox-org-client-secret/, 'the report masks it');
  });

  it('finds nothing in clean logs', () => {
    writeFileSync(join(dir, 'a.log'), 'GET /x?access_token=*** -> 200\nsecret=***\n');
    assert.deepEqual(scanLogs(dir).hits, []);
  });

  it('skips only VS Code\'s proxy-resolver lines', () => {
    writeFileSync(join(dir, 'remoteexthost.log'), [
      '2026-12-05 10:00:00.000 [debug] ProxyResolver#resolveProxy localhost http://127.0.0.1:1/a?access_token=CaNaRyX DIRECT',
      '2026-12-05 10:00:00.001 [error] something else CaNaRyY',
    ].join('\n'));
    assert.deepEqual(scanLogs(dir).hits.map((h) => h.line), [2]);
  });
});
