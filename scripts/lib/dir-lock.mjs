// A cross-process lock for slow one-time jobs that write into a shared folder (the code-server install in the
// machine cache): two `npm test` runs starting at once on a fresh machine must not install into the same folder
// concurrently.
//
// The lock is a directory: mkdir is atomic, so exactly one process creates it. The owner writes owner.json
// ({ pid, host, token, since }) inside. A lock is stale when its owner process is gone (same host, pid not alive) or
// it is older than `staleMs` (owner on another host sharing the folder, or a lock without owner.json whose creator
// died between mkdir and writing it). A stale lock is renamed away before being deleted, and the rename is checked
// against what was inspected, so two waiters that both judge it stale cannot delete a fresh lock taken in between.
//
// Synchronous on purpose: its caller (ensureCodeServer) is synchronous and runs before anything else.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Thrown when the lock could not be taken within the timeout. */
export class LockTimeoutError extends Error {}

/** Blocks the thread for `ms` without spinning (the only synchronous sleep Node offers). */
function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM'; // exists, owned by someone else
  }
}

/** The lock's owner record, or undefined when there is none (yet) or it cannot be read. */
function readOwner(lockDir) {
  try {
    return JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Modification time of the lock dir in ms, or undefined when it no longer exists. */
function lockMtime(lockDir) {
  try {
    return statSync(lockDir).mtimeMs;
  } catch {
    return undefined;
  }
}

function isStale(owner, mtime, staleMs) {
  const since = owner?.since ?? mtime;
  if (since !== undefined && Date.now() - since > staleMs) return true;
  return owner !== undefined && owner.host === hostname() && !isAlive(owner.pid);
}

/**
 * Removes a stale lock unless it changed since it was inspected. Returns true when the caller should retry at once.
 */
function breakStaleLock(lockDir, inspected) {
  const aside = `${lockDir}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockDir, aside);
  } catch {
    return true; // someone else moved it first: retry
  }
  const moved = readOwner(aside);
  if (moved?.token !== inspected?.token) {
    // A new owner took the lock between inspection and rename: put it back (best effort, the window is tiny).
    try {
      renameSync(aside, lockDir);
      return false;
    } catch {
      // the lock dir was re-created meanwhile; the moved lock's owner will notice on release
    }
  }
  rmSync(aside, { recursive: true, force: true });
  return true;
}

/**
 * Takes the lock, waiting for the current owner if there is one.
 * @param {string} lockDir  the lock directory (its parent must exist)
 * @param {object} [opts]
 * @param {number} [opts.timeoutMs]  give up after this long (default 20 min)
 * @param {number} [opts.staleMs]    a lock older than this is considered abandoned (default 30 min)
 * @param {number} [opts.pollMs]     retry pace while waiting (default 1 s)
 * @param {(owner: {pid: number, host: string, since: number} | undefined) => void} [opts.onWait]  called once
 *   when the lock is found held
 * @returns {() => void} release(): removes the lock if this process still owns it
 */
export function acquireDirLockSync(lockDir, opts = {}) {
  const { timeoutMs = 20 * 60_000, staleMs = 30 * 60_000, pollMs = 1000, onWait } = opts;
  const me = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex'), since: Date.now() };
  const deadline = Date.now() + timeoutMs;
  let waited = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner.json'), JSON.stringify(me));
      return () => {
        if (readOwner(lockDir)?.token === me.token) rmSync(lockDir, { recursive: true, force: true });
      };
    } catch (e) {
      if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(lockDir);
    const mtime = lockMtime(lockDir);
    if (mtime === undefined) continue; // released between mkdir and now
    if (isStale(owner, mtime, staleMs) && breakStaleLock(lockDir, owner)) continue;
    if (!waited) {
      waited = true;
      onWait?.(owner);
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`lock ${lockDir} still held by pid ${owner?.pid ?? '?'} after ${Math.round(timeoutMs / 1000)} s`);
    }
    sleepSync(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

/** Runs fn() while holding the lock; always releases it. */
export function withDirLockSync(lockDir, fn, opts) {
  const release = acquireDirLockSync(lockDir, opts);
  try {
    return fn();
  } finally {
    release();
  }
}
