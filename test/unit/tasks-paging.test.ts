import * as assert from 'assert';
import { CancelledError, TimeoutError } from '../../src/core/errors';
import type { Page } from '../../src/core/model';
import { collectPages, iterateItems, offsetPager, parseCursor } from '../../src/core/paging';
import { pollTask } from '../../src/core/tasks';

describe('pollTask', () => {
  it('polls until done and returns the value', async () => {
    let calls = 0;
    const v = await pollTask(async () => (++calls < 3 ? { done: false } : { done: true, value: 'ok' }), { intervalMs: 1 });
    assert.strictEqual(v, 'ok');
    assert.strictEqual(calls, 3);
  });

  it('grows the wait between polls up to the cap', async () => {
    const stamps: number[] = [];
    await pollTask(async () => {
      stamps.push(Date.now());
      return stamps.length < 4 ? { done: false } : { done: true, value: 1 };
    }, { intervalMs: 20, factor: 2, maxIntervalMs: 40 });
    const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
    assert.ok(gaps[0] >= 15, `first wait ${gaps[0]}`);
    assert.ok(gaps[1] >= 35, `second wait ${gaps[1]}`); // 20 * 2
    assert.ok(gaps[2] >= 35 && gaps[2] < 200, `third wait ${gaps[2]} is capped at 40`);
  });

  it('times out with TimeoutError naming the task', async () => {
    await assert.rejects(
      pollTask(async () => ({ done: false }), { intervalMs: 5, timeoutMs: 30, what: 'copy queue' }),
      (e: unknown) => e instanceof TimeoutError && /copy queue/.test(e.message),
    );
  });

  it('stops with CancelledError when aborted while waiting', async () => {
    const ctrl = new AbortController();
    let calls = 0;
    const p = pollTask(async () => {
      if (++calls === 1) queueMicrotask(() => ctrl.abort());
      return { done: false };
    }, { intervalMs: 10_000, signal: ctrl.signal });
    await assert.rejects(p, CancelledError);
    assert.strictEqual(calls, 1);
  });

  it('propagates errors thrown by the poll function', async () => {
    await assert.rejects(pollTask(async () => { throw new Error('boom'); }), /boom/);
  });
});

describe('paging', () => {
  const data = Array.from({ length: 25 }, (_, i) => i);
  const ranges: Array<[number, number]> = [];
  const withTotal = offsetPager(async (start, size) => {
    ranges.push([start, size]);
    return { items: data.slice(start, start + size), total: data.length };
  }, 10);

  beforeEach(() => { ranges.length = 0; });

  it('collectPages follows offset cursors to the end', async () => {
    assert.deepStrictEqual(await collectPages(withTotal), data);
    assert.deepStrictEqual(ranges, [[0, 10], [10, 10], [20, 10]]);
  });

  it('offsetPager without a total stops at the first short page', async () => {
    const noTotal = offsetPager(async (start, size) => ({ items: data.slice(start, start + size) }), 5);
    assert.deepStrictEqual(await collectPages(noTotal), data);
  });

  it('offsetPager returns the next start as cursor and none at the end', async () => {
    assert.strictEqual((await withTotal(undefined)).next, '10');
    assert.strictEqual((await withTotal('20')).next, undefined);
  });

  it('iterateItems yields items lazily in order', async () => {
    const seen: number[] = [];
    for await (const x of iterateItems(withTotal)) {
      seen.push(x);
      if (seen.length === 12) break;
    }
    assert.deepStrictEqual(seen, data.slice(0, 12));
    assert.strictEqual(ranges.length, 2);
  });

  it('stops when a server repeats a cursor', async () => {
    const stuck = async (): Promise<Page<number>> => ({ items: [1], next: 'same' });
    assert.deepStrictEqual(await collectPages(stuck), [1, 1]);
  });

  it('parseCursor tolerates garbage', () => {
    assert.strictEqual(parseCursor(undefined), 0);
    assert.strictEqual(parseCursor('abc'), 0);
    assert.strictEqual(parseCursor('-5'), 0);
    assert.strictEqual(parseCursor('42'), 42);
  });
});
