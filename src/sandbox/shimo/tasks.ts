import * as crypto from 'node:crypto';
import { serr } from './errors';

/**
 * Import and export tasks (reference "(新) 获取导入进度 / 获取导出进度"). The task id comes back as `data.taskId`; the
 * progress routes take it as the query parameter `taskId` (reference, sdk-kit-go) or in a JSON body `{"taskId"}`
 * (sdk-kit-java posts its request object); the query wins when both are given.
 *
 * - A task reports 100 at its `polls`-th progress call (control.setTaskPolls, default 2, read when the task is made);
 *   the calls before report floor(100 · k / polls). Its result is made at that call (the import's file appears, the
 *   export's download URL is handed out) and is answered again by later calls.
 * - "Results are cached for 5 minutes": 5 minutes after a task finished (or failed), its id answers 404 40403.
 * - A task that cannot succeed (a fileUrl download failed, content the sandbox cannot read) answers its FIRST progress
 *   call with HTTP 200, `status` non-zero (40010 content not readable, 40011 fileUrl download failed), the reason in
 *   `message` and `data.progress` 0, as the reference describes `status`.
 * - Import task ids are 16 base62 characters (the reference's example "TnJdQS8Wk70wNHuB"); export ids follow the
 *   reference's example "3oo4vnBJgcG5HxMm:1:603:xmind": `<16 chars>:1:<n>:<format>` (colons included, so a client must
 *   encode them in a query string).
 */

export const TASK_TTL_MS = 5 * 60 * 1000;
export const UNREADABLE = 40010;
export const DOWNLOAD_FAILED = 40011;

export interface TaskFailure { status: number; message: string }

interface Task {
  id: string;
  kind: 'import' | 'export';
  polls: number;
  needed: number;
  failure?: TaskFailure;
  /** Runs once, at the call that reports 100; returns the download URL of an export. */
  finish: () => string | undefined;
  downloadUrl?: string;
  doneAt?: number;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(n: number): string {
  return [...crypto.randomBytes(n)].map((b) => BASE62[b % 62]).join('');
}

export interface Progress {
  status: number;
  message: string;
  data: { progress: number; downloadUrl?: string };
}

export class Tasks {
  /** Polls a new task needs before it reports 100. */
  pollsNeeded = 2;
  now: () => number = () => Date.now();
  private readonly tasks = new Map<string, Task>();
  private exportSeq = 600;

  add(kind: 'import' | 'export', finish: () => string | undefined, format = '', failure?: TaskFailure): string {
    this.sweep();
    const id = kind === 'import' ? base62(16) : `${base62(16)}:1:${++this.exportSeq}:${format}`;
    this.tasks.set(id, { id, kind, polls: 0, needed: Math.max(1, this.pollsNeeded), failure, finish });
    return id;
  }

  poll(id: string, kind: 'import' | 'export'): Progress {
    this.sweep();
    const t = this.tasks.get(id);
    if (!t || t.kind !== kind) throw serr.task();
    if (t.failure) {
      t.doneAt ??= this.now();
      return { status: t.failure.status, message: t.failure.message, data: { progress: 0 } };
    }
    if (t.doneAt === undefined) {
      t.polls++;
      if (t.polls < t.needed) return { status: 0, message: '', data: { progress: Math.floor((100 * t.polls) / t.needed) } };
      t.downloadUrl = t.finish();
      t.doneAt = this.now();
    }
    return { status: 0, message: '', data: t.downloadUrl !== undefined ? { progress: 100, downloadUrl: t.downloadUrl } : { progress: 100 } };
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, t] of this.tasks) if (t.doneAt !== undefined && now - t.doneAt > TASK_TTL_MS) this.tasks.delete(id);
  }
}
