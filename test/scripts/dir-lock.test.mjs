// The cross-process install lock of scripts/lib/dir-lock.mjs (used by ensure-code-server): real processes, real
// directories. Runs in the `unit` stage of `npm test`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LockTimeoutError, acquireDirLockSync, withDirLockSync } from '../../scripts/lib/dir-lock.mjs';

const LOCK_MODULE = pathToFileURL(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'lib', 'dir-lock.mjs')).href;

/** A child process that takes the lock, prints "held", and releases it when a line arrives on stdin. */
async function holderProcess(lockDir) {
  const code = `
    import { acquireDirLockSync } from ${JSON.stringify(LOCK_MODULE)};
    const release = acquireDirLockSync(${JSON.stringify(lockDir)}, { timeoutMs: 10000 });
    process.stdout.write('held\\n');
    process.stdin.once('data', () => { release(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout) {
    out += chunk;
    if (out.includes('held\n')) break;
  }
  assert.ok(out.includes('held'), 'the holder took the lock');
  return child;
}

const owner = (lockDir) => JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8'));

describe('scripts/lib/dir-lock (install lock)', function () {
  let dir;
  let lockDir;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'dir-lock-test-'));
    lockDir = join(dir, '.lock');
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes a second process wait while the lock is held, and lets it in once released', async function () {
    const holder = await holderProcess(lockDir);
    try {
      let waitedFor;
      assert.throws(
        () => acquireDirLockSync(lockDir, { timeoutMs: 300, pollMs: 50, onWait: (o) => { waitedFor = o?.pid; } }),
        LockTimeoutError,
      );
      assert.equal(waitedFor, holder.pid, 'onWait names the holder');
      holder.stdin.write('release\n');
      await once(holder, 'exit');
      const release = acquireDirLockSync(lockDir, { timeoutMs: 300, pollMs: 50 });
      assert.equal(owner(lockDir).pid, process.pid);
      release();
      assert.ok(!existsSync(lockDir), 'release removes the lock');
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('takes over the lock of a process that died without releasing it', async function () {
    const holder = await holderProcess(lockDir);
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    assert.equal(owner(lockDir).pid, holder.pid, 'the dead holder left its lock behind');
    let waited = false;
    const release = acquireDirLockSync(lockDir, { timeoutMs: 300, pollMs: 50, onWait: () => { waited = true; } });
    assert.equal(owner(lockDir).pid, process.pid);
    assert.equal(waited, false, 'a dead owner is not waited for');
    release();
  });

  it('takes over a lock older than staleMs even when its owner is alive', function () {
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'owner.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), token: 'old', since: Date.now() - 60_000 }));
    const release = acquireDirLockSync(lockDir, { timeoutMs: 300, pollMs: 50, staleMs: 30_000 });
    assert.notEqual(owner(lockDir).token, 'old');
    release();
  });

  it('never removes a lock that another process has taken over since', function () {
    const release = acquireDirLockSync(lockDir, { timeoutMs: 300 });
    rmSync(lockDir, { recursive: true });
    mkdirSync(lockDir);
    writeFileSync(join(lockDir, 'owner.json'), JSON.stringify({ pid: 1, host: 'elsewhere', token: 'theirs', since: Date.now() }));
    release();
    assert.equal(owner(lockDir).token, 'theirs');
  });

  it('releases the lock when the guarded function throws', function () {
    assert.throws(() => withDirLockSync(lockDir, () => { throw new Error('install failed'); }), /install failed/);
    assert.ok(!existsSync(lockDir));
    assert.equal(withDirLockSync(lockDir, () => 42), 42);
  });
});
