import * as assert from 'assert';
import nodeFetch from 'node-fetch';
import { Readable } from 'stream';
import {
  BadResponseError, CancelledError, NetworkError, RateLimitedError, ServerError, TimeoutError,
} from '../../src/core/errors';
import { backoffDelay, DEFAULT_RETRY, type FetchLike, HttpClient, parseRetryAfter } from '../../src/core/http';
import { RateLimiter } from '../../src/core/ratelimit';
import { memoryLogger, startServer, type TestServer, until } from './support';

const fast = { baseMs: 5, maxDelayMs: 20 };

describe('HttpClient', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('returns 2xx responses with body, headers and json()', async () => {
    server = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'x-a': 'b' }).end('{"ok":1}'));
    const r = await new HttpClient().request({ method: 'GET', url: server.url + '/x' });
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.headers.get('x-a'), 'b');
    assert.deepStrictEqual(r.json(), { ok: 1 });
  });

  it('hands 4xx (except 429) back to the caller without retrying', async () => {
    server = await startServer((_req, res) => res.writeHead(404).end('{"error_code":40401}'));
    const r = await new HttpClient({ retry: fast }).request({ method: 'GET', url: server.url });
    assert.strictEqual(r.status, 404);
    assert.strictEqual(server.hits.length, 1);
  });

  it('retries an idempotent request on 5xx and succeeds', async () => {
    server = await startServer((_req, res, _b, n) => (n < 3 ? res.writeHead(502).end() : res.writeHead(200).end('done')));
    const r = await new HttpClient({ retry: fast }).request({ method: 'GET', url: server.url });
    assert.strictEqual(r.text(), 'done');
    assert.strictEqual(server.hits.length, 3);
  });

  it('does not retry a non-idempotent POST on 500', async () => {
    server = await startServer((_req, res) => res.writeHead(500).end());
    await assert.rejects(new HttpClient({ retry: fast }).request({ method: 'POST', url: server.url, body: 'a=1' }), ServerError);
    assert.strictEqual(server.hits.length, 1);
  });

  it('retries a POST marked idempotent', async () => {
    server = await startServer((_req, res, _b, n) => (n < 2 ? res.writeHead(500).end() : res.writeHead(200).end()));
    const r = await new HttpClient({ retry: fast }).request({ method: 'POST', url: server.url, body: 'a=1', idempotent: true });
    assert.strictEqual(r.status, 200);
    assert.strictEqual(server.hits.length, 2);
    assert.strictEqual(server.hits[1].body.toString(), 'a=1');
  });

  it('retries a non-idempotent POST on 503 with Retry-After (not processed)', async () => {
    server = await startServer((_req, res, _b, n) => (n < 2 ? res.writeHead(503, { 'retry-after': '0' }).end() : res.writeHead(200).end()));
    const r = await new HttpClient({ retry: fast }).request({ method: 'POST', url: server.url, body: 'x' });
    assert.strictEqual(r.status, 200);
    assert.strictEqual(server.hits.length, 2);
  });

  it('a 503 that is not retried carries its Retry-After (callers that resume by themselves wait for it)', async () => {
    server = await startServer((_req, res) => res.writeHead(503, { 'retry-after': '7' }).end());
    await assert.rejects(
      new HttpClient({ retry: fast }).request({ method: 'PUT', url: server.url, body: 'part', retry: false }),
      (e: unknown) => e instanceof ServerError && e.status === 503 && e.retryAfterMs === 7000,
    );
    assert.strictEqual(server.hits.length, 1);
  });

  it('honours Retry-After in seconds on 429', async () => {
    server = await startServer((_req, res, _b, n) => (n < 2 ? res.writeHead(429, { 'retry-after': '1' }).end() : res.writeHead(200).end()));
    const t0 = Date.now();
    const r = await new HttpClient({ retry: fast }).request({ method: 'POST', url: server.url });
    assert.strictEqual(r.status, 200);
    assert.ok(Date.now() - t0 >= 950, `waited only ${Date.now() - t0} ms`);
  });

  it('throws RateLimitedError with retryAfterMs once 429s exhaust the attempts', async () => {
    server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '0' }).end('{"error_msg":"slow down"}'));
    const client = new HttpClient({ retry: { ...fast, maxAttempts: 3 }, errorDetail: (_s, b) => ({ message: JSON.parse(b.toString()).error_msg }) });
    await assert.rejects(client.request({ method: 'GET', url: server.url }), (e: unknown) => {
      assert.ok(e instanceof RateLimitedError);
      assert.strictEqual(e.retryAfterMs, 0);
      assert.match(e.message, /slow down/);
      assert.match(e.message, /after 3 attempts/);
      return true;
    });
    assert.strictEqual(server.hits.length, 3);
  });

  it('does not wait for a Retry-After beyond the cap', async () => {
    server = await startServer((_req, res) => res.writeHead(429, { 'retry-after': '3600' }).end());
    const client = new HttpClient({ retry: { ...fast, maxRetryAfterMs: 1000 } });
    await assert.rejects(client.request({ method: 'GET', url: server.url }), (e: unknown) => e instanceof RateLimitedError && e.retryAfterMs === 3_600_000);
    assert.strictEqual(server.hits.length, 1);
  });

  it('throws ServerError with status and vendor detail after exhausting 5xx retries', async () => {
    server = await startServer((_req, res) => res.writeHead(500).end('{"error_code":50000,"error_msg":"internal error"}'));
    const client = new HttpClient({
      retry: { ...fast, maxAttempts: 4 },
      errorDetail: (_s, b) => { const j = JSON.parse(b.toString()); return { message: j.error_msg, vendorCode: j.error_code }; },
    });
    await assert.rejects(client.request({ method: 'GET', url: server.url + '/p?sign=SECRET' }), (e: unknown) => {
      assert.ok(e instanceof ServerError);
      assert.strictEqual(e.status, 500);
      assert.strictEqual(e.vendorCode, 50000);
      assert.match(e.message, /internal error/);
      assert.ok(!e.message.includes('SECRET'));
      return true;
    });
    assert.strictEqual(server.hits.length, 4);
  });

  it('times out a stalled request with TimeoutError', async () => {
    server = await startServer(() => { /* never answers */ });
    await assert.rejects(
      new HttpClient().request({ method: 'GET', url: server.url, timeoutMs: 100, retry: false }),
      (e: unknown) => e instanceof TimeoutError && /100 ms/.test(e.message),
    );
  });

  it('retries an idempotent request after a timeout', async () => {
    server = await startServer((_req, res, _b, n) => { if (n > 1) res.writeHead(200).end('late ok'); });
    const r = await new HttpClient({ retry: fast }).request({ method: 'GET', url: server.url, timeoutMs: 100 });
    assert.strictEqual(r.text(), 'late ok');
  });

  it('cancels an in-flight request with CancelledError when the caller aborts', async () => {
    server = await startServer(() => { /* hold */ });
    const ctrl = new AbortController();
    const p = new HttpClient().request({ method: 'GET', url: server.url, signal: ctrl.signal });
    await until(() => server!.hits.length === 1);
    ctrl.abort();
    await assert.rejects(p, CancelledError);
  });

  it('cancels during the backoff wait', async () => {
    server = await startServer((_req, res) => res.writeHead(503, { 'retry-after': '30' }).end());
    const ctrl = new AbortController();
    const p = new HttpClient().request({ method: 'GET', url: server.url, signal: ctrl.signal });
    await until(() => server!.hits.length === 1);
    ctrl.abort();
    const t0 = Date.now();
    await assert.rejects(p, CancelledError);
    assert.ok(Date.now() - t0 < 1000);
    assert.strictEqual(server.hits.length, 1);
  });

  it('rejects with CancelledError at once when the signal is already aborted', async () => {
    const ctrl = new AbortController();
    ctrl.abort();
    await assert.rejects(new HttpClient().request({ method: 'GET', url: 'http://127.0.0.1:9/', signal: ctrl.signal }), CancelledError);
  });

  it('json() on malformed JSON throws BadResponseError', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end('{"list": [1, 2'));
    const r = await new HttpClient().request({ method: 'GET', url: server.url });
    assert.throws(() => r.json(), BadResponseError);
  });

  it('maps a dropped connection to NetworkError and does not retry a POST', async () => {
    server = await startServer((req) => req.socket.destroy());
    await assert.rejects(new HttpClient({ retry: fast }).request({ method: 'POST', url: server.url, body: 'a' }), NetworkError);
    assert.strictEqual(server.hits.length, 1);
  });

  it('retries a GET whose connection dropped', async () => {
    server = await startServer((req, res, _b, n) => (n < 2 ? req.socket.destroy() : res.writeHead(200).end('ok')));
    const r = await new HttpClient({ retry: fast }).request({ method: 'GET', url: server.url });
    assert.strictEqual(r.text(), 'ok');
  });

  it('retries even a POST when the connection was refused (nothing was sent)', async () => {
    const s = await startServer(() => undefined);
    const url = s.url;
    await s.close();
    let calls = 0;
    const counting: FetchLike = (u, init) => { calls++; return nodeFetch(u, init as never) as never; };
    await assert.rejects(new HttpClient({ retry: { ...fast, maxAttempts: 3 }, fetch: counting }).request({ method: 'POST', url, body: 'x' }), NetworkError);
    assert.strictEqual(calls, 3);
  });

  it('sends a plain stream body once and never retries it', async () => {
    server = await startServer((_req, res) => res.writeHead(503, { 'retry-after': '0' }).end());
    await assert.rejects(new HttpClient({ retry: fast }).request({ method: 'PUT', url: server.url, body: Readable.from([Buffer.from('abc')]) }), ServerError);
    assert.strictEqual(server.hits.length, 1);
    assert.strictEqual(server.hits[0].body.toString(), 'abc');
  });

  it('retries a stream body produced by a factory', async () => {
    server = await startServer((_req, res, _b, n) => (n < 2 ? res.writeHead(503).end() : res.writeHead(200).end()));
    const r = await new HttpClient({ retry: fast }).request({ method: 'PUT', url: server.url, body: () => Readable.from([Buffer.from('abc')]) });
    assert.strictEqual(r.status, 200);
    assert.deepStrictEqual(server.hits.map((h) => h.body.toString()), ['abc', 'abc']);
  });

  it('streams a 2xx response body when asked', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end(Buffer.alloc(100_000, 1)));
    const r = await new HttpClient().request({ method: 'GET', url: server.url, responseType: 'stream' });
    let n = 0;
    for await (const chunk of r.stream!) n += (chunk as Buffer).length;
    assert.strictEqual(n, 100_000);
    assert.strictEqual(r.body.length, 0);
  });

  describe('streamed body watchdog', () => {
    /** Server that sends headers and `first` bytes, then keeps the connection open without sending more. */
    async function stallingServer(first: number) {
      let closed = false;
      const srv = await startServer((req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(first, 7));
        req.socket.once('close', () => { closed = true; });
      });
      return { srv, closed: () => closed };
    }

    async function drain(stream: Readable): Promise<number> {
      let n = 0;
      for await (const chunk of stream) n += (chunk as Buffer).length;
      return n;
    }

    it('destroys a body that stalls mid-way with TimeoutError and closes the connection', async () => {
      const s = await stallingServer(100);
      server = s.srv;
      const r = await new HttpClient().request({ method: 'GET', url: server.url + '/dl', responseType: 'stream', idleTimeoutMs: 80 });
      const err = await drain(r.stream!).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof TimeoutError, String(err));
      assert.match((err as Error).message, /no data received for 80 ms/);
      assert.ok(r.stream!.destroyed);
      await until(s.closed);
    });

    it('bounds the gap between bytes, not the whole transfer (default: timeoutMs)', async () => {
      server = await startServer((_req, res) => {
        res.writeHead(200);
        let left = 6;
        const t = setInterval(() => {
          res.write(Buffer.alloc(10));
          if (--left === 0) {
            clearInterval(t);
            res.end();
          }
        }, 40);
      });
      const started = Date.now();
      const r = await new HttpClient().request({ method: 'GET', url: server.url, responseType: 'stream', timeoutMs: 150 });
      assert.strictEqual(await drain(r.stream!), 60);
      assert.ok(Date.now() - started > 150, 'the transfer outlived the per-request timeout');
    });

    it('fails the body with CancelledError when the caller aborts mid-way', async () => {
      const s = await stallingServer(10);
      server = s.srv;
      const ctrl = new AbortController();
      const r = await new HttpClient().request({ method: 'GET', url: server.url, responseType: 'stream', signal: ctrl.signal });
      const reading = drain(r.stream!);
      ctrl.abort();
      await assert.rejects(reading, CancelledError);
      await until(s.closed);
    });

    it('fails a chunked body with NetworkError when the connection drops mid-way', async () => {
      server = await startServer((req, res) => {
        res.writeHead(200); // no content-length: chunked
        res.write(Buffer.alloc(10), () => req.socket.destroy());
      });
      const r = await new HttpClient().request({ method: 'GET', url: server.url, responseType: 'stream' });
      await assert.rejects(drain(r.stream!), NetworkError);
    });

    it('ends a length-delimited body whose connection dropped via the watchdog (node-fetch never ends it)', async () => {
      server = await startServer((req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write(Buffer.alloc(10), () => req.socket.destroy());
      });
      const r = await new HttpClient().request({ method: 'GET', url: server.url, responseType: 'stream', idleTimeoutMs: 80 });
      await assert.rejects(drain(r.stream!), TimeoutError);
    });
  });

  it('logs method, redacted URL, status and time; never download query strings', async () => {
    server = await startServer((_req, res) => res.writeHead(200).end());
    const logger = memoryLogger();
    const client = new HttpClient({ logger });
    await client.request({ method: 'POST', url: `${server.url}/m-open/1/file/ls?sign=SeCrEt` });
    await client.request({ method: 'GET', url: `${server.url}/files/abc?X=opaque-credential`, hideQuery: true });
    const text = logger.lines.join('\n');
    assert.match(text, /POST http:\/\/127\.0\.0\.1:\d+\/m-open\/1\/file\/ls\?<redacted> -> 200 \(\d+ ms\)/);
    assert.match(text, /GET http:\/\/127\.0\.0\.1:\d+\/files\/abc\?<redacted> -> 200/);
    assert.ok(!text.includes('SeCrEt') && !text.includes('opaque-credential'), text);
  });

  it('caps concurrency per limiter key', async () => {
    let inFlight = 0;
    let peak = 0;
    const pending: Array<() => void> = [];
    server = await startServer((_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      pending.push(() => { inFlight--; res.writeHead(200).end(); });
    });
    const limiter = new RateLimiter();
    limiter.configure('k', { maxConcurrent: 1 });
    const client = new HttpClient({ limiter });
    const all = Promise.all([1, 2, 3].map(() => client.request({ method: 'GET', url: server!.url, limitKey: 'k' })));
    for (let served = 0; served < 3; served++) {
      await until(() => pending.length > 0);
      pending.shift()!();
    }
    await all;
    assert.strictEqual(peak, 1);
    assert.strictEqual(server.hits.length, 3);
  });
});

describe('retry helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    assert.strictEqual(parseRetryAfter('2'), 2000);
    assert.strictEqual(parseRetryAfter(null), undefined);
    assert.strictEqual(parseRetryAfter('soon'), undefined);
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    assert.strictEqual(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now), 5000);
    assert.strictEqual(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
  });

  it('backoffDelay is full jitter under an exponential, capped ceiling', () => {
    const p = { ...DEFAULT_RETRY, baseMs: 100, maxDelayMs: 1000 };
    assert.strictEqual(backoffDelay(1, p, () => 0.999999), 99);
    assert.strictEqual(backoffDelay(3, p, () => 0.5), 200);
    assert.strictEqual(backoffDelay(10, p, () => 0.5), 500);
    assert.strictEqual(backoffDelay(2, p, () => 0), 0);
  });
});
