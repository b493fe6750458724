/**
 * Attempts per DynamoDB call of the functions' client, the first included: how far the SDK's own retry
 * goes for a throttled call (`ProvisionedThroughputExceededException`, `ThrottlingException`) or a transient
 * error before the store sees a failure.
 *
 * Why six. With a share `p` of attempts throttled independently, a call fails only when all `n` are, with
 * probability `p^n`. At `p` = 10%, the SDK's DynamoDB default (`n` = 4) fails one call in 10,000: a routine
 * data_clustering run over 1,000 series makes about 1,050 calls, so about one run in ten would report a
 * series failed. With `n` = 6 one call in a million fails, about one 1,000-series run in a thousand, and
 * that series is reported and read again by the next run.
 *
 * Why not more. The SDK waits a random time below `min(20 s, 1 s x 2^retry)` before each retry of a
 * throttled call, so the five waits before a sixth attempt add up to at most 1 + 2 + 4 + 8 + 16 = 31 s
 * (half that on average): within the scraper's 60 s timeout, which this client also serves (eight attempts
 * could wait 71 s). The SDK's retry quota (500 tokens, 5 per throttled retry, refilled by successful calls)
 * still stops retrying when throttling is sustained rather than occasional.
 */
export const DYNAMO_MAX_ATTEMPTS = 6;
