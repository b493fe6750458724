import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../tests/fixtures/bcb/fixtureServer.js';
import { sourceFailure } from '../tests/sourceFailure.js';
import { fetchWithRetry, summarizeBody, type FetchWithRetryOptions } from './http.js';

type Step = Response | Error;

/** A fake clock whose `sleep` only moves time forward, recording each wait. */
function fakeClock(start = 1_000_000) {
  let time = start;
  const waits: number[] = [];
  return {
    now: () => time,
    sleep: async (ms: number) => {
      waits.push(ms);
      time += ms;
    },
    waits,
  };
}

/** A fetch that plays `steps` in order and counts calls. */
function scriptedFetch(steps: Step[]) {
  const calls: string[] = [];
  const fetchImpl = (async (input: string | URL | Request) => {
    calls.push(String(input));
    const step = steps.shift();
    if (step === undefined) throw new Error('no step left');
    if (step instanceof Error) throw step;
    return step;
  }) as typeof fetch;
  return { fetchImpl, calls };
}

function options(overrides: Partial<FetchWithRetryOptions> = {}): FetchWithRetryOptions {
  return { source: 'test', maxAttempts: 4, baseDelayMs: 100, random: () => 1, ...overrides };
}

const networkError = () =>
  new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });

describe('fetchWithRetry', () => {
  it('returns a 2xx answer with its body', async () => {
    // Prepare
    const { fetchImpl } = scriptedFetch([
      new Response('[1]', { status: 200, headers: { 'content-type': 'application/json' } }),
    ]);

    // Act
    const answer = await fetchWithRetry('http://x/a', options({ fetchImpl }));

    // Assess
    expect(answer).toEqual({ status: 200, body: '[1]', contentType: 'application/json' });
  });

  it('retries network errors and transient statuses with exponential back-off, then succeeds', async () => {
    // Prepare
    const clock = fakeClock();
    const { fetchImpl, calls } = scriptedFetch([
      networkError(),
      new Response('<html><title>Bad Gateway</title></html>', { status: 502 }),
      new Response('busy', { status: 503 }),
      new Response('ok', { status: 200 }),
    ]);

    // Act
    const answer = await fetchWithRetry('http://x/a', options({ fetchImpl, ...clock }));

    // Assess
    expect(answer.body).toBe('ok');
    expect(calls).toHaveLength(4);
    expect(clock.waits).toEqual([100, 200, 400]);
  });

  it('throws a retryable SourceError carrying the last status when the attempts run out', async () => {
    // Prepare
    const clock = fakeClock();
    const { fetchImpl, calls } = scriptedFetch([
      new Response('a', { status: 500 }),
      new Response('b', { status: 504 }),
      new Response('<html><body><h1>504 Gateway Time-out</h1></body></html>', { status: 504 }),
    ]);

    // Act
    const error = await sourceFailure(
      fetchWithRetry('http://x/a', options({ fetchImpl, ...clock, maxAttempts: 3 })),
    );

    // Assess
    expect(calls).toHaveLength(3);
    expect(error.retryable).toBe(true);
    expect(error.status).toBe(504);
    expect(error.message).toBe(
      'test: GET http://x/a: HTTP 504: 504 Gateway Time-out (gave up after 3 attempts)',
    );
  });

  it('never starts a retry whose back-off would end after the deadline', async () => {
    // Prepare
    const clock = fakeClock();
    const { fetchImpl, calls } = scriptedFetch([
      new Response('', { status: 503 }),
      new Response('', { status: 503 }),
    ]);

    // Act: the first wait (100 ms) fits, the second (200 ms) would end 50 ms late.
    const error = await sourceFailure(
      fetchWithRetry('http://x/a', options({ fetchImpl, ...clock, deadline: clock.now() + 250 })),
    );

    // Assess
    expect(calls).toHaveLength(2);
    expect(clock.waits).toEqual([100]);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/no time left for another before the deadline/);
  });

  it('does not start at all once the deadline has passed', async () => {
    // Prepare
    const clock = fakeClock();
    const { fetchImpl, calls } = scriptedFetch([]);

    // Act
    const error = await sourceFailure(
      fetchWithRetry('http://x/a', options({ fetchImpl, ...clock, deadline: clock.now() })),
    );

    // Assess
    expect(calls).toHaveLength(0);
    expect(error.retryable).toBe(true);
  });

  it('honours Retry-After on 429 when it fits the deadline, and gives up when it does not', async () => {
    // Prepare
    const clock = fakeClock();
    const throttled = () => new Response('slow down', { status: 429, headers: { 'retry-after': '2' } });
    const first = scriptedFetch([throttled(), new Response('ok', { status: 200 })]);
    const second = scriptedFetch([throttled()]);

    // Act
    const answer = await fetchWithRetry(
      'http://x/a',
      options({ ...first, ...clock, deadline: clock.now() + 5_000 }),
    );
    const error = await sourceFailure(
      fetchWithRetry('http://x/a', options({ ...second, ...clock, deadline: clock.now() + 1_000 })),
    );

    // Assess
    expect(answer.body).toBe('ok');
    expect(clock.waits).toEqual([2_000]);
    expect(error.status).toBe(429);
    expect(error.retryable).toBe(true);
  });

  it.each([
    [400, false],
    [403, false],
    [404, false],
    [406, false],
    [501, true],
  ])('does not retry HTTP %i (retryable later: %s)', async (status, retryable) => {
    // Prepare
    const { fetchImpl, calls } = scriptedFetch([new Response('{"erro":{"detail":"nope"}}', { status })]);

    // Act
    const error = await sourceFailure(fetchWithRetry('http://x/a', options({ fetchImpl })));

    // Assess
    expect(calls).toHaveLength(1);
    expect(error.retryable).toBe(retryable);
    expect(error.status).toBe(status);
    expect(error.message).toBe(`test: GET http://x/a: HTTP ${status}: nope`);
  });

  it('hands back the statuses the caller accepts', async () => {
    // Prepare
    const { fetchImpl } = scriptedFetch([new Response('gone', { status: 404 })]);

    // Act
    const answer = await fetchWithRetry('http://x/a', options({ fetchImpl, acceptStatus: [404] }));

    // Assess
    expect(answer.status).toBe(404);
  });

  test.prop([
    fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 5, maxLength: 5 }),
  ])('keeps every wait within [0, min(cap, base * 2^retry)] (full jitter)', async (draws) => {
    // Prepare
    const clock = fakeClock();
    const randoms = [...draws];
    const { fetchImpl } = scriptedFetch(Array.from({ length: 6 }, () => new Response('', { status: 500 })));
    const random = () => randoms.shift() ?? 0;

    // Act
    await sourceFailure(
      fetchWithRetry('http://x/a', {
        source: 't',
        fetchImpl,
        ...clock,
        random,
        maxAttempts: 6,
        baseDelayMs: 300,
        maxDelayMs: 2_000,
      }),
    );

    // Assess
    expect(clock.waits).toHaveLength(5);
    clock.waits.forEach((wait, retry) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(Math.min(2_000, 300 * 2 ** retry));
    });
  });
});

describe('fetchWithRetry against a local server', () => {
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('times a slow answer out and retries it', async () => {
    // Prepare
    server = await startFixtureServer('', [
      { status: 200, body: '"late"', delayMs: 2_000 },
      { status: 200, body: '"on time"' },
    ]);

    // Act
    const answer = await fetchWithRetry(
      `${server.baseUrl}/x`,
      options({ timeoutMs: 100, sleep: async () => {} }),
    );

    // Assess
    expect(answer.body).toBe('"on time"');
    expect(server.requests).toEqual(['/x', '/x']);
  });

  it('says it timed out when every attempt is too slow', async () => {
    // Prepare
    server = await startFixtureServer('', [
      { status: 200, body: '1', delayMs: 2_000 },
      { status: 200, body: '2', delayMs: 2_000 },
    ]);

    // Act
    const error = await sourceFailure(
      fetchWithRetry(
        `${server.baseUrl}/x`,
        options({ timeoutMs: 50, maxAttempts: 2, sleep: async () => {} }),
      ),
    );

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/timed out after 50 ms \(gave up after 2 attempts\)/);
  });

  it('reports a refused connection as a retryable network error', async () => {
    // Prepare: a port that was just free.
    const closed = await startFixtureServer('', []);
    await closed.close();

    // Act
    const error = await sourceFailure(
      fetchWithRetry(`${closed.baseUrl}/x`, options({ maxAttempts: 2, sleep: async () => {} })),
    );

    // Assess
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/network error/);
  });
});

describe('summarizeBody', () => {
  it.each([
    ['', '(empty body)'],
    ['{"error":"janela de 10 anos"}', 'janela de 10 anos'],
    ['{"erro":{"statusCode":404,"detail":"Value(s) not found"}}', 'Value(s) not found'],
    ['{"error":{"code":"","message":"bad @moeda"}}', 'bad @moeda'],
    ['<html><head><title> Erro 500 </title></head></html>', 'Erro 500'],
    ['<?xml version="1.0"?><a>b</a>', 'XML document: b'],
    ['plain\n text', 'plain text'],
  ])('summarizes %j', (body, summary) => {
    // Act
    const summarized = summarizeBody(body);

    // Assess
    expect(summarized).toBe(summary);
  });
});
