/** What a caller learns about each back-off before it is taken (for logs and metrics). */
export interface RetryInfo {
  /** 1 for the first retry round. */
  readonly retry: number;
  /** Items still to write. */
  readonly pending: number;
  readonly delayMs: number;
}

export interface WriteWithRetryOptions<T> {
  /** Splits the pending items into calls, e.g. `(items) => chunkForBatchWrite(items, size)`. */
  readonly chunk: (items: T[]) => T[][];
  /** Rounds in all, the first included: no item is sent more often than this. Default 8. */
  readonly maxAttempts?: number;
  /** No call starts, and no back-off is taken that would end, later than this after the start. */
  readonly maxElapsedMs?: number;
  /** Default 50. */
  readonly baseDelayMs?: number;
  /** Default 5000. */
  readonly maxDelayMs?: number;
  /** In [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Milliseconds; default Date.now. */
  readonly now?: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface WriteWithRetryResult<T> {
  /** Items not written when the bounds ran out: the caller must record or re-queue them. */
  readonly unwritten: T[];
  /** Calls to `send`, failed ones included. */
  readonly calls: number;
  /** Items sent again after an unprocessed answer or a failed call (an item counts once per resend). */
  readonly retriedItems: number;
  /** What `send` threw, in order; those chunks stayed pending. */
  readonly errors: unknown[];
}

const sleepFor = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface LoopState<T> {
  pending: T[];
  calls: number;
  retriedItems: number;
  readonly errors: unknown[];
}

/**
 * Writes items through a batch API that may leave some unprocessed (DynamoDB BatchWriteItem, SQS
 * SendMessageBatch...): `send` returns the subset it did not write. Unprocessed items, and every item of a
 * call that threw, are sent again in the next round after an exponential back-off with full jitter
 * (`random() * min(maxDelayMs, baseDelayMs * 2^retry)`, so that throttled callers do not retry in step).
 * Bounded in rounds and in elapsed time; what is still pending then is returned in `unwritten`, never lost.
 */
export async function writeWithRetry<T>(
  items: readonly T[],
  send: (chunk: T[]) => Promise<T[]>,
  options: WriteWithRetryOptions<T>,
): Promise<WriteWithRetryResult<T>> {
  const maxAttempts = options.maxAttempts ?? 8;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${maxAttempts}`);
  }
  const now = options.now ?? Date.now;
  const deadline = now() + (options.maxElapsedMs ?? Number.POSITIVE_INFINITY);
  const state: LoopState<T> = { pending: [...items], calls: 0, retriedItems: 0, errors: [] };
  for (let round = 0; round < maxAttempts && state.pending.length > 0; round += 1) {
    if (round > 0) {
      const delayMs = backOff(round - 1, options);
      if (now() + delayMs >= deadline) break;
      options.onRetry?.({ retry: round, pending: state.pending.length, delayMs });
      await (options.sleep ?? sleepFor)(delayMs);
    }
    await sendRound(state, send, options.chunk, () => now() < deadline, round > 0);
  }
  return {
    unwritten: state.pending,
    calls: state.calls,
    retriedItems: state.retriedItems,
    errors: state.errors,
  };
}

/** Full jitter: a uniformly random wait below the exponential cap. */
function backOff(
  retry: number,
  options: Pick<WriteWithRetryOptions<unknown>, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const base = options.baseDelayMs ?? 50;
  const cap = Math.min(options.maxDelayMs ?? 5000, base * 2 ** retry);
  return Math.floor((options.random ?? Math.random)() * cap);
}

/** One call per chunk, in order; what is not written (unprocessed, failed or not reached) stays pending. */
async function sendRound<T>(
  state: LoopState<T>,
  send: (chunk: T[]) => Promise<T[]>,
  chunk: (items: T[]) => T[][],
  inTime: () => boolean,
  isRetry: boolean,
): Promise<void> {
  const chunks = chunk(state.pending).filter((part) => part.length > 0);
  // A chunker that drops an item would lose it silently; refuse rather than trust it.
  const chunked = chunks.reduce((sum, part) => sum + part.length, 0);
  if (chunked !== state.pending.length) {
    throw new RangeError(
      `chunk returned ${chunked} items for ${state.pending.length}; it must keep every item`,
    );
  }
  const stillPending: T[] = [];
  for (const [index, part] of chunks.entries()) {
    if (!inTime()) {
      stillPending.push(...chunks.slice(index).flat());
      break;
    }
    state.calls += 1;
    if (isRetry) state.retriedItems += part.length;
    try {
      stillPending.push(...(await send(part)));
    } catch (error) {
      state.errors.push(error);
      stillPending.push(...part);
    }
  }
  state.pending = stillPending;
}
