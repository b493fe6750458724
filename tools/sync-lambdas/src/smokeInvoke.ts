import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { describeFailure } from './describeFailure.js';
import { type RetryPolicy, withRetry } from './withRetry.js';

/** How a smoke invocation went: passed, or why not (the function's error, or the call's). */
export type SmokeResult = { passed: true } | { passed: false; reason: string };

/**
 * How long a throttled smoke invocation keeps trying: the schedulers run with reserved concurrency 1, so a
 * smoke invocation that meets a scheduled run is throttled until that run ends (up to its 300 s timeout).
 * About five minutes in all; the smoke event writes nothing, so retrying it is always safe.
 */
export const smokeRetryPolicy = (base: RetryPolicy): RetryPolicy => ({
  ...base,
  maxAttempts: 10,
  baseDelayMs: 2_000,
  maxDelayMs: 60_000,
});

const longestReason = 300;

/**
 * Invokes one published version, synchronously, with the function's smoke event. Any answer without a
 * function error passes: the event is one the function answers without writing or sending, so the check
 * is that the new code starts (init: configuration, catalog, bundle) and handles an event end to end.
 */
export async function smokeInvoke(
  name: string,
  version: string,
  event: string,
  context: { lambda: LambdaClient; smokeRetry: RetryPolicy },
): Promise<SmokeResult> {
  const input = {
    FunctionName: name,
    Qualifier: version,
    InvocationType: 'RequestResponse' as const,
    Payload: new TextEncoder().encode(event),
  };
  let answer;
  try {
    answer = await withRetry(() => context.lambda.send(new InvokeCommand(input)), context.smokeRetry);
  } catch (error) {
    return { passed: false, reason: shorten(`Invoke failed: ${describeFailure(error)}`) };
  }
  if (answer.FunctionError !== undefined) {
    return { passed: false, reason: shorten(`${answer.FunctionError}: ${errorOfPayload(answer.Payload)}`) };
  }
  if (answer.StatusCode !== 200) {
    return { passed: false, reason: `Invoke answered status ${answer.StatusCode ?? 'none'}` };
  }
  return { passed: true };
}

// Lambda's error payload: {"errorType": "...", "errorMessage": "...", "trace": [...]}.
function errorOfPayload(payload: Uint8Array | undefined): string {
  const text = payload === undefined ? '' : new TextDecoder().decode(payload);
  try {
    const parsed = JSON.parse(text) as { errorType?: unknown; errorMessage?: unknown };
    return [parsed.errorType, parsed.errorMessage].filter((part) => typeof part === 'string').join(': ');
  } catch {
    return text;
  }
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > longestReason ? `${oneLine.slice(0, longestReason - 1)}…` : oneLine;
}
