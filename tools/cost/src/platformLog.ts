/**
 * The lines Lambda itself writes to a function's log stream for every invocation, in its documented text
 * format (the deployment leaves the log format at its default, Text):
 *
 *   START RequestId: <uuid> Version: <n>
 *   END RequestId: <uuid>
 *   REPORT RequestId: <uuid>\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 95 MB\t
 *
 * with `Init Duration: 234.56 ms\t` added to the REPORT of a cold start. They are ingested by CloudWatch Logs
 * like the function's own lines, so they are priced with them.
 */
const sampleRequestId = '8f5b3b1e-2c4d-4e6f-8a9b-0c1d2e3f4a5b';
/** Versions are published by every deploy; two digits is a typical number. */
const sampleVersion = '12';
/** A Node.js function of this size typically reports two-digit, sometimes three-digit megabytes. */
const sampleMaxMemoryMb = '110';

export interface PlatformLogInput {
  readonly invocations: number;
  readonly coldStarts: number;
  /** Mean billed duration, ms (the REPORT line prints it with two decimals). */
  readonly meanDurationMs: number;
  /** Mean INIT phase of the cold starts, ms. */
  readonly meanInitMs: number;
  readonly memoryMb: number;
}

/** Bytes of Lambda's START, END and REPORT lines for `invocations` invocations. */
export function platformLogBytes(input: PlatformLogInput): number {
  if (input.invocations === 0) return 0;
  const start = `START RequestId: ${sampleRequestId} Version: ${sampleVersion}\n`;
  const end = `END RequestId: ${sampleRequestId}\n`;
  const report =
    `REPORT RequestId: ${sampleRequestId}\tDuration: ${input.meanDurationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${Math.ceil(input.meanDurationMs)} ms\tMemory Size: ${input.memoryMb} MB\t` +
    `Max Memory Used: ${sampleMaxMemoryMb} MB\t\n`;
  const init = `Init Duration: ${input.meanInitMs.toFixed(2)} ms\t`;
  const perInvocation = utf8(start) + utf8(end) + utf8(report);
  return input.invocations * perInvocation + input.coldStarts * utf8(init);
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
