import { fc, test } from '@fast-check/vitest';
import { describe, expect, it, vi } from 'vitest';
import { type WriteWithRetryOptions, writeWithRetry } from './writeWithRetry.js';

/** Chunks of `size`, in order. */
const chunksOf =
  (size: number) =>
  <T>(items: T[]): T[][] => {
    const chunks: T[][] = [];
    for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
    return chunks;
  };

/** A clock that only moves when the loop sleeps (or a fake send says so). */
function fakeClock() {
  let time = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
    sleep: async (ms: number) => {
      sleeps.push(ms);
      time += ms;
    },
    sleeps,
  };
}

function options(
  clock: ReturnType<typeof fakeClock>,
  overrides: Partial<WriteWithRetryOptions<number>> = {},
): WriteWithRetryOptions<number> {
  return { chunk: chunksOf(25), now: clock.now, sleep: clock.sleep, random: () => 0.5, ...overrides };
}

const range = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

describe('writeWithRetry', () => {
  it('writes everything in one round when nothing comes back', async () => {
    // Prepare
    const clock = fakeClock();
    const send = vi.fn(async (_chunk: number[]) => [] as number[]);

    // Act
    const result = await writeWithRetry(range(60), send, options(clock));

    // Assess
    expect(result).toEqual({ unwritten: [], calls: 3, retriedItems: 0, errors: [] });
    expect(send.mock.calls.map(([chunk]) => chunk.length)).toEqual([25, 25, 10]);
    expect(clock.sleeps).toEqual([]);
  });

  it('sends the unprocessed items again after a jittered exponential back-off', async () => {
    // Prepare: the first two calls leave the odd items unprocessed.
    const clock = fakeClock();
    let call = 0;
    const send = vi.fn(async (chunk: number[]) => (call++ < 2 ? chunk.filter((item) => item % 2 === 1) : []));
    const onRetry = vi.fn();

    // Act
    const result = await writeWithRetry(range(10), send, options(clock, { onRetry }));

    // Assess
    expect(result.unwritten).toEqual([]);
    expect(send.mock.calls.map(([chunk]) => chunk)).toEqual([range(10), [1, 3, 5, 7, 9], [1, 3, 5, 7, 9]]);
    expect(result).toMatchObject({ calls: 3, retriedItems: 10 });
    // random 0.5 of min(5000, 50 * 2^retry)
    expect(clock.sleeps).toEqual([25, 50]);
    expect(onRetry).toHaveBeenCalledWith({ retry: 1, pending: 5, delayMs: 25 });
  });

  it('caps the back-off at maxDelayMs', async () => {
    // Prepare
    const clock = fakeClock();
    const send = async (chunk: number[]) => chunk;

    // Act
    await writeWithRetry(
      [1],
      send,
      options(clock, { maxAttempts: 10, random: () => 0.999_999, maxDelayMs: 1000 }),
    );

    // Assess
    expect(clock.sleeps).toEqual([49, 99, 199, 399, 799, 999, 999, 999, 999]);
  });

  it('keeps the items of a call that threw, and the error, for the next round', async () => {
    // Prepare
    const clock = fakeClock();
    const failure = new Error('ProvisionedThroughputExceededException');
    const send = vi.fn().mockRejectedValueOnce(failure).mockResolvedValue([]);

    // Act
    const result = await writeWithRetry(range(3), send, options(clock));

    // Assess
    expect(result).toEqual({ unwritten: [], calls: 2, retriedItems: 3, errors: [failure] });
  });

  it('returns what is still pending after maxAttempts rounds, each item sent at most that often', async () => {
    // Prepare
    const clock = fakeClock();
    const send = vi.fn(async (chunk: number[]) => chunk.filter((item) => item === 7));

    // Act
    const result = await writeWithRetry(range(30), send, options(clock, { maxAttempts: 3 }));

    // Assess
    expect(result.unwritten).toEqual([7]);
    expect(send.mock.calls.filter(([chunk]) => chunk.includes(7))).toHaveLength(3);
  });

  it('stops before a back-off that would pass maxElapsedMs, returning the rest', async () => {
    // Prepare: every call takes 400 ms and writes nothing.
    const clock = fakeClock();
    const send = async (chunk: number[]) => {
      clock.advance(400);
      return chunk;
    };

    // Act
    const result = await writeWithRetry(
      range(5),
      send,
      options(clock, { maxElapsedMs: 1000, random: () => 0.99 }),
    );

    // Assess: calls at 0, 449 (after 400 + 49) and 948 (after 849 + 99); the next back-off (198) would end
    // at 1546, past the deadline, so it is not taken and the items come back.
    expect(result.unwritten).toEqual(range(5));
    expect(result.calls).toBe(3);
    expect(clock.sleeps).toEqual([49, 99]);
  });

  it('does not start a chunk once the deadline has passed within a round', async () => {
    // Prepare
    const clock = fakeClock();
    const send = vi.fn(async (_chunk: number[]) => {
      clock.advance(600);
      return [] as number[];
    });

    // Act
    const result = await writeWithRetry(range(60), send, options(clock, { maxElapsedMs: 1000 }));

    // Assess
    expect(send).toHaveBeenCalledTimes(2);
    expect(result.unwritten).toEqual(range(60).slice(50));
  });

  it('refuses a chunker that drops items', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const attempt = writeWithRetry(
      range(3),
      async () => [],
      options(clock, { chunk: (items) => [items.slice(1)] }),
    );

    // Assess
    await expect(attempt).rejects.toThrow(/chunk returned 2 items for 3/);
  });

  it('refuses maxAttempts below 1', async () => {
    // Prepare
    const clock = fakeClock();

    // Act
    const attempt = writeWithRetry([1], async () => [], options(clock, { maxAttempts: 0 }));

    // Assess
    await expect(attempt).rejects.toThrow(RangeError);
  });

  it('sleeps for real by default', async () => {
    // Act
    const result = await writeWithRetry([1], vi.fn().mockResolvedValueOnce([1]).mockResolvedValue([]), {
      chunk: chunksOf(25),
      baseDelayMs: 1,
    });

    // Assess
    expect(result.unwritten).toEqual([]);
  });

  /** What a fake BatchWriteItem does with each call: write some, return some unprocessed, or throw. */
  const callPlan = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('throw' as const), advanceMs: fc.nat({ max: 300 }) }),
      fc.record({
        kind: fc.constant('partial' as const),
        keep: fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        advanceMs: fc.nat({ max: 300 }),
      }),
    ),
    { maxLength: 60 },
  );

  test.prop([
    fc.integer({ min: 0, max: 120 }),
    callPlan,
    fc.integer({ min: 1, max: 8 }),
    fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
    fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  ])(
    'never loses an item: each is written once or returned unwritten, within maxAttempts and maxElapsedMs',
    async (count, plan, maxAttempts, maxElapsedMs, jitter) => {
      // Prepare
      const clock = fakeClock();
      const start = clock.now();
      const written = new Map<number, number>();
      const sends = new Map<number, number>();
      const callStarts: number[] = [];
      let call = 0;
      const send = async (chunk: number[]): Promise<number[]> => {
        callStarts.push(clock.now() - start);
        for (const item of chunk) sends.set(item, (sends.get(item) ?? 0) + 1);
        const step = plan[call++ % Math.max(plan.length, 1)] ?? {
          kind: 'partial' as const,
          keep: [],
          advanceMs: 0,
        };
        clock.advance(step.advanceMs);
        if (step.kind === 'throw') throw new Error('throttled');
        const unprocessed = chunk.filter((_, index) => step.keep[index] === true);
        for (const item of chunk)
          if (!unprocessed.includes(item)) written.set(item, (written.get(item) ?? 0) + 1);
        return unprocessed;
      };
      const loopOptions = options(clock, { maxAttempts, random: () => jitter });

      // Act
      const result = await writeWithRetry(
        range(count),
        send,
        maxElapsedMs === undefined ? loopOptions : { ...loopOptions, maxElapsedMs },
      );

      // Assess: written and unwritten partition the input, nobody written twice.
      const unwritten = new Set(result.unwritten);
      expect(unwritten.size).toBe(result.unwritten.length);
      for (const item of range(count)) {
        expect(written.has(item) !== unwritten.has(item)).toBe(true);
        expect(written.get(item) ?? 1).toBe(1);
        expect(sends.get(item) ?? 0).toBeLessThanOrEqual(maxAttempts);
      }
      expect(result.calls).toBe(callStarts.length);
      if (maxElapsedMs !== undefined)
        for (const started of callStarts) expect(started).toBeLessThan(maxElapsedMs);
      const errorCount =
        plan.length === 0
          ? 0
          : callStarts.filter((_, index) => plan[index % plan.length]?.kind === 'throw').length;
      expect(result.errors).toHaveLength(errorCount);
    },
  );
});
