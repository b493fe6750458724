/** How often and how patiently a Lambda call is retried. `sleep` and `random` are injectable for tests. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

// Throttling (the account's control-plane rate) and an update already in progress clear up by waiting.
const retryableNames = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'ResourceConflictException',
]);

/** True for the errors worth retrying: throttling and `ResourceConflictException`. */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const retryable = (error as { $retryable?: { throttling?: boolean } }).$retryable;
  return retryableNames.has(error.name) || retryable?.throttling === true;
}

/**
 * Runs `operation`, retrying retryable errors with exponential back-off and jitter (half fixed, half
 * random, so parallel deploys do not retry in lock-step). Other errors, and the last one, propagate.
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy = defaultRetryPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= policy.maxAttempts || !isRetryable(error)) throw error;
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await policy.sleep(ceiling / 2 + (policy.random() * ceiling) / 2);
    }
  }
}
