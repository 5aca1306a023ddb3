import * as crypto from 'node:crypto';
import type { SpaceName } from './store';
import { KdError, kerr } from './errors';

/**
 * Asynchronous tasks (batch copy/move/delete, async upload). A task advances one step per status poll, not by time,
 * so tests need no sleeps: with `steps` = 3 the first two polls answer `running` and the third runs the work and
 * answers `success` (or `failed` with the error message).
 *
 * Batch tasks (copy, move, delete in either space) handle every file on its own: a file that fails does not stop the
 * others. The platform's overview only says the status query tells "执行进度和是否执行完成" (progress and whether the
 * task finished) and documents no result shape, so the sandbox chooses:
 *
 *   { task_id, status: 'success' | 'failed', progress: 100,
 *     error?: '<n> of <m> files failed: <first message>',          // only when status is 'failed'
 *     result: { files: [...items (copy/move) or tokens (delete) of the files that were done],
 *               results: [{ file_token, status: 'success' | 'failure', code?, msg }] } }  // one per file, request order
 *
 * The status is `failed` as soon as one file failed (there is no "partial" status: a client that only knows
 * success/failed still sees that something went wrong), yet the other files ARE processed and reported `success`.
 * `results[].file_token` is the token the request named (a copy's new token is in `files`); `code` and `msg` of a
 * failure are those the single-file API would answer (e.g. 40901 'cannot move a folder into itself'), `msg` is ''
 * for a success. Problems with the request itself (unknown token, no share right, bad parent) still fail the POST
 * that starts the task. control.failTaskItem(space, path) makes the next batch task that names that file's token
 * report it as a failure (code 50000, the given message) without touching it; a folder named in a task is one file,
 * marks on files inside it are not consulted. control.omitTaskFileResults leaves `results` out (only `files`), as a
 * service that documents no result shape may, so that clients are tested without it too.
 */
export interface TaskStatus {
  task_id: string;
  status: 'running' | 'success' | 'failed';
  progress: number;
  result?: unknown;
  error?: string;
}

/** One file's line in a batch task's `result.results`. */
export interface TaskFileResult { file_token: string; status: 'success' | 'failure'; code?: number; msg: string }

interface Outcome { result?: unknown; error?: string }
interface Task { id: string; polls: number; steps: number; run: () => Outcome; done?: TaskStatus }

export const DEFAULT_TASK_ITEM_FAILURE = 'file is locked by another operation';

export class Tasks {
  /** Polls until completion (control.setTaskSteps), at least 1. */
  steps = 3;
  /** Batch results without the per-file `results` list (control.omitTaskFileResults). */
  omitFileResults = false;
  private readonly tasks = new Map<string, Task>();
  /** Files the next batch task fails (control.failTaskItem): `space\ntoken` -> message. */
  private readonly itemFailures = new Map<string, string>();

  /** A task that does `run` as a whole: its return value is the result, a thrown KdError fails the task. */
  create(run: () => unknown): string {
    return this.add(() => ({ result: run() }));
  }

  /**
   * A batch task over `tokens` of `space`: `each(token)` does one file and returns what `result.files` lists for it;
   * a KdError it throws fails that file only (see the header for the result shape).
   */
  createBatch(space: SpaceName, tokens: string[], each: (token: string) => unknown): string {
    return this.add(() => {
      const files: unknown[] = [];
      const results: TaskFileResult[] = tokens.map((token) => {
        const injected = this.takeItemFailure(space, token);
        try {
          if (injected !== undefined) throw new KdError(500, 50000, injected);
          files.push(each(token));
          return { file_token: token, status: 'success', msg: '' };
        } catch (e) {
          const err = e instanceof KdError ? e : kerr.injected(500);
          return { file_token: token, status: 'failure', code: err.code, msg: err.message };
        }
      });
      const failures = results.filter((r) => r.status === 'failure');
      const error = failures.length ? `${failures.length} of ${results.length} files failed: ${failures[0].msg}` : undefined;
      return { result: this.omitFileResults ? { files } : { files, results }, error };
    });
  }

  poll(id: string): TaskStatus {
    const t = this.tasks.get(id);
    if (!t) throw kerr.notFound('task');
    if (t.done) return t.done;
    t.polls++;
    if (t.polls < t.steps) return { task_id: id, status: 'running', progress: Math.floor((t.polls / t.steps) * 100) };
    let out: Outcome;
    try {
      out = t.run();
    } catch (e) {
      out = { error: e instanceof KdError ? e.message : 'internal error' };
    }
    t.done = { task_id: id, status: out.error === undefined ? 'success' : 'failed', progress: 100 };
    if (out.result !== undefined) t.done.result = out.result;
    if (out.error !== undefined) t.done.error = out.error;
    return t.done;
  }

  /** control.failTaskItem: the next batch task in `space` that names `token` reports it failed with `message`. */
  failItem(space: SpaceName, token: string, message: string): void {
    this.itemFailures.set(`${space}\n${token}`, message);
  }

  /** Forgets pending failTaskItem marks (control.resetMisbehaviour). */
  resetItemFailures(): void {
    this.itemFailures.clear();
  }

  private takeItemFailure(space: SpaceName, token: string): string | undefined {
    const key = `${space}\n${token}`;
    const msg = this.itemFailures.get(key);
    this.itemFailures.delete(key);
    return msg;
  }

  private add(run: () => Outcome): string {
    const id = crypto.randomBytes(10).toString('hex');
    this.tasks.set(id, { id, polls: 0, steps: Math.max(1, this.steps), run });
    return id;
  }
}
