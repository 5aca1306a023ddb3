import * as crypto from 'node:crypto';
import { KdError, kerr } from './errors';

/**
 * Asynchronous tasks (batch copy/move/delete, async upload). A task advances one step per status poll, not by time,
 * so tests need no sleeps: with `steps` = 3 the first two polls answer `running` and the third runs the work and
 * answers `success` (or `failed` with the error message).
 */
export interface TaskStatus {
  task_id: string;
  status: 'running' | 'success' | 'failed';
  progress: number;
  result?: unknown;
  error?: string;
}

interface Task { id: string; polls: number; steps: number; run: () => unknown; done?: TaskStatus }

export class Tasks {
  /** Polls until completion (control.setTaskSteps), at least 1. */
  steps = 3;
  private readonly tasks = new Map<string, Task>();

  create(run: () => unknown): string {
    const id = crypto.randomBytes(10).toString('hex');
    this.tasks.set(id, { id, polls: 0, steps: Math.max(1, this.steps), run });
    return id;
  }

  poll(id: string): TaskStatus {
    const t = this.tasks.get(id);
    if (!t) throw kerr.notFound('task');
    if (t.done) return t.done;
    t.polls++;
    if (t.polls < t.steps) return { task_id: id, status: 'running', progress: Math.floor((t.polls / t.steps) * 100) };
    try {
      t.done = { task_id: id, status: 'success', progress: 100, result: t.run() };
    } catch (e) {
      t.done = { task_id: id, status: 'failed', progress: 100, error: e instanceof KdError ? e.message : 'internal error' };
    }
    return t.done;
  }
}
