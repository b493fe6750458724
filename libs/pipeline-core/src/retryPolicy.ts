/**
 * The retry budget's pure decisions: how long a failed date waits, and whether retry_recheck re-enqueues or
 * quarantines a due one. The bound of `1 + maxRetries` attempts per date itself is kept by the work ledger
 * (DESIGN.md "The work ledger"): every request is counted, conditionally, before it is made.
 */

/** Retries after the first attempt before a date is quarantined, when `MAX_RETRIES` is not set. */
export const DEFAULT_MAX_RETRIES = 5;

/** What retry_recheck does with a date that has come due. */
export const DueItemDecision = {
  Reenqueue: 'reenqueue',
  Quarantine: 'quarantine',
} as const;
export type DueItemDecision = (typeof DueItemDecision)[keyof typeof DueItemDecision];

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

/** A due PENDING/RETRY date is re-enqueued while it has retries left, quarantined once it has spent them. */
export function decideDueItem(retryCount: number, maxRetries: number): DueItemDecision {
  return retryCount < maxRetries ? DueItemDecision.Reenqueue : DueItemDecision.Quarantine;
}

export interface RetryBackoffOptions {
  /** Wait before the first retry; default 5 minutes. */
  readonly baseMs?: number;
  /** Longest wait; default 6 hours. */
  readonly capMs?: number;
  /**
   * In [0, 1). When given, the wait is jittered between half and all of the deterministic one ("equal
   * jitter"): dates that failed together spread out, yet none comes due almost at once.
   */
  readonly random?: () => number;
}

const MINUTE_MS = 60_000;

/** How long a date waits after its `retryCount`-th failure: `baseMs * 2^retryCount`, at most `capMs`. */
export function retryBackoffMs(retryCount: number, options: RetryBackoffOptions = {}): number {
  checkCount('retryCount', retryCount, 0);
  const { baseMs = 5 * MINUTE_MS, capMs = 360 * MINUTE_MS, random } = options;
  // 2^retryCount overflows to Infinity for huge counts; Math.min still gives the cap.
  const wait = Math.min(capMs, baseMs * 2 ** retryCount);
  return random === undefined ? wait : Math.floor(wait / 2 + random() * (wait / 2));
}
