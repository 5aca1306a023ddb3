import * as assert from 'assert';
import { CancelledError } from '../../src/core/errors';
import { RateLimiter } from '../../src/core/ratelimit';
import { until } from './support';

/** Lets every pending promise continuation run (no timers involved). */
const settle = () => new Promise((r) => setImmediate(r));

/** A limiter with one slot for key 'k', and helpers to watch who holds it. */
function oneSlot() {
  const limiter = new RateLimiter();
  limiter.configure('k', { maxConcurrent: 1 });
  const granted: string[] = [];
  const releases = new Map<string, () => void>();
  const take = (name: string, signal?: AbortSignal) => limiter.acquire('k', signal).then((release) => {
    granted.push(name);
    releases.set(name, release);
  });
  const release = (name: string) => releases.get(name)!();
  return { limiter, granted, take, release };
}

describe('rate limiter', () => {
  /** A limiter on a fake clock: `wait` moves it on at once and records how long each wait was. */
  function onFakeClock() {
    const clock = { t: 0 };
    const waits: number[] = [];
    const limiter = new RateLimiter(undefined, () => clock.t, async (ms) => {
      waits.push(ms);
      clock.t += ms;
    });
    return { limiter, clock, waits };
  }

  it('spaces requests beyond the burst at the configured rate', async () => {
    const { limiter, clock, waits } = onFakeClock();
    limiter.configure('h', { perSecond: 50, burst: 2 });
    const grantedAt: number[] = [];
    for (let i = 0; i < 6; i++) {
      (await limiter.acquire('h'))();
      grantedAt.push(clock.t);
    }
    // 2 from the burst at once, then one per 20 ms (50/s), each after exactly one wait for the next token
    assert.deepStrictEqual(grantedAt, [0, 0, 20, 40, 60, 80]);
    assert.deepStrictEqual(waits, [20, 20, 20, 20]);
  });

  it('sliding window: never more than N requests in any second, counted from start until a second after the answer', async () => {
    const { limiter, clock } = onFakeClock();
    limiter.configure('dst', { perSecond: 5, sliding: true });
    // each request takes 30 ms: it starts when granted and its answer arrives 30 ms later
    const spans: Array<[number, number]> = [];
    for (let i = 0; i < 12; i++) {
      const release = await limiter.acquire('dst');
      const start = clock.t;
      clock.t += 30;
      release();
      spans.push([start, clock.t]);
    }
    // the server counts arrivals, somewhere in [start, end]: take the worst case for us, every 6th request's start
    // against the answer of the one 5 before it
    for (let i = 5; i < spans.length; i++) assert.ok(spans[i][0] >= spans[i - 5][1] + 1000, `request ${i} starts ${spans[i][0]}`);
    // and it is not slower than that: request 5 starts exactly a second after request 0 was answered
    assert.strictEqual(spans[5][0], spans[0][1] + 1000);
  });

  it('sliding window: callers beyond N wait for one in flight to end, and a cancelled waiter leaves the queue', async () => {
    const { limiter } = onFakeClock();
    limiter.configure('dst', { perSecond: 2, sliding: true });
    const a = await limiter.acquire('dst');
    await limiter.acquire('dst');
    const ctrl = new AbortController();
    const third = limiter.acquire('dst', ctrl.signal);
    ctrl.abort();
    await assert.rejects(third, CancelledError);
    let fourth = false;
    const p = limiter.acquire('dst').then(() => { fourth = true; });
    await settle();
    assert.strictEqual(fourth, false, 'two in flight: the third waits');
    a();
    await p;
    assert.strictEqual(fourth, true);
  });

  it('passes unconfigured keys straight through: no cap, no queue, no waiting', async () => {
    const { limiter, clock, waits } = onFakeClock();
    limiter.configure('k', { perSecond: 1, burst: 1, maxConcurrent: 1 }); // a tight limit on another key
    await limiter.acquire('k');
    const granted: number[] = [];
    for (let i = 0; i < 100; i++) void limiter.acquire('anything').then(() => granted.push(i)); // none released
    await settle();
    assert.strictEqual(granted.length, 100, 'every caller holds a slot at once');
    assert.deepStrictEqual(waits, []);
    assert.strictEqual(clock.t, 0);
    // the tight key is not loosened by them: its next caller still waits for the one in flight
    let second = false;
    void limiter.acquire('k').then(() => { second = true; });
    await settle();
    assert.strictEqual(second, false);
  });

  describe('concurrency cap', () => {
    it('a caller that cancels while queued rejects at once and does not take the next free slot', async () => {
      const s = oneSlot();
      await s.take('a');
      const ctrl = new AbortController();
      const b = s.take('b', ctrl.signal);
      const c = s.take('c');
      ctrl.abort();
      await assert.rejects(b, CancelledError); // while 'a' still holds the slot
      s.release('a');
      await until(() => s.granted.includes('c'), 1000);
      await c;
      assert.deepStrictEqual(s.granted, ['a', 'c']);
    });

    it('when every queued caller cancelled, the freed slot is free for the next caller (and only one)', async () => {
      const s = oneSlot();
      await s.take('a');
      const ctrl = new AbortController();
      const b = s.take('b', ctrl.signal);
      ctrl.abort();
      await assert.rejects(b, CancelledError);
      s.release('a');
      await s.take('d');
      void s.take('e');
      await settle();
      assert.deepStrictEqual(s.granted, ['a', 'd'], 'the cap still holds: e waits for d');
      s.release('d');
      await until(() => s.granted.includes('e'), 1000);
    });

    it('serves queued callers in arrival order, one at a time', async () => {
      const s = oneSlot();
      await s.take('a');
      for (const n of ['b', 'c', 'd']) void s.take(n);
      for (const [holder, next] of [['a', 'b'], ['b', 'c'], ['c', 'd']]) {
        await settle();
        assert.strictEqual(s.granted[s.granted.length - 1], holder);
        s.release(holder);
        await until(() => s.granted.includes(next), 1000);
      }
      assert.deepStrictEqual(s.granted, ['a', 'b', 'c', 'd']);
    });

    it('releasing twice frees the slot once', async () => {
      const s = oneSlot();
      await s.take('a');
      void s.take('b');
      void s.take('c');
      s.release('a');
      s.release('a');
      await until(() => s.granted.includes('b'), 1000);
      await settle();
      assert.deepStrictEqual(s.granted, ['a', 'b']);
    });

    it('an already cancelled signal is refused without queueing', async () => {
      const s = oneSlot();
      const ctrl = new AbortController();
      ctrl.abort();
      await assert.rejects(s.take('a', ctrl.signal), CancelledError);
      await s.take('b'); // the slot was never taken
    });
  });
});
