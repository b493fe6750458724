import type { Calendar } from './calendar.js';

/** How far one stream may reach: the source's request window and the queue's message size. */
export interface StreamLimits {
  /** Largest `last - first` of a stream, in days (the source's window; `Infinity` when unlimited). */
  readonly maxSpanDays: number;
  /** Most dates in one stream (what fits in one message; `Infinity` when unlimited). */
  readonly maxDatesPerStream: number;
}

/**
 * Groups ascending gap days into streams: each one a run of consecutive dates of `calendar` (a weekend
 * inside a business-day run does not break it), so one source request can fetch it. A run too wide for
 * the source or too long for one message is split into as few streams as the limits allow, with sizes
 * as even as those limits permit (deterministic: the same input always gives the same split).
 *
 * The streams are views (`subarray`) on `gaps` when it is an `Int32Array`, so the caller must not
 * change it while they are in use. Throws a `RangeError` (a caller's bug, not bad data) when `gaps` is
 * not strictly ascending or a limit is not a positive number.
 */
export function toStreams(
  gaps: Int32Array | readonly number[],
  calendar: Calendar,
  limits: StreamLimits,
): Int32Array[] {
  assertLimits(limits);
  const days = gaps instanceof Int32Array ? gaps : Int32Array.from(gaps);
  assertAscending(days);
  const streams: Int32Array[] = [];
  let runStart = 0;
  for (let i = 1; i <= days.length; i += 1) {
    if (i < days.length && calendar.next(days[i - 1] as number) === days[i]) continue;
    if (i > runStart) splitRun(days.subarray(runStart, i), limits, streams);
    runStart = i;
  }
  return streams;
}

/**
 * Splits one calendar-continuous run into the minimum number k of pieces, each as close to an equal
 * share of what is left as the limits allow. `minStart[j]` is the earliest index from which the last j
 * pieces can still cover the rest (greedy from the right, which is optimal for interval limits); piece
 * i may end anywhere in [minStart[k-i-1], farthest end from its start], a range that is never empty.
 */
function splitRun(run: Int32Array, limits: StreamLimits, out: Int32Array[]): void {
  const minStart = [run.length];
  while ((minStart.at(-1) as number) > 0)
    minStart.push(earliestStart(run, minStart.at(-1) as number, limits));
  const pieces = minStart.length - 1;
  let start = 0;
  for (let i = 0; i < pieces; i += 1) {
    const left = pieces - i;
    const even = start + Math.ceil((run.length - start) / left);
    const end = Math.max(minStart[left - 1] as number, Math.min(even, farthestEnd(run, start, limits)));
    out.push(run.subarray(start, end));
    start = end;
  }
}

/** The largest `end` such that `run[start..end)` is within the limits (at least `start + 1`). */
function farthestEnd(run: Int32Array, start: number, limits: StreamLimits): number {
  const lastDay = (run[start] as number) + limits.maxSpanDays;
  let low = start + 1;
  let high = Math.min(run.length, start + limits.maxDatesPerStream);
  // Binary search: the last index whose day is within the span; the day numbers are ascending.
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((run[middle - 1] as number) <= lastDay) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** The smallest `start` such that `run[start..end)` is within the limits (at most `end - 1`). */
function earliestStart(run: Int32Array, end: number, limits: StreamLimits): number {
  const firstDay = (run[end - 1] as number) - limits.maxSpanDays;
  let low = Math.max(0, end - limits.maxDatesPerStream);
  let high = end - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((run[middle] as number) >= firstDay) high = middle;
    else low = middle + 1;
  }
  return low;
}

function assertLimits(limits: StreamLimits): void {
  const { maxSpanDays, maxDatesPerStream } = limits;
  if (!(maxSpanDays >= 0)) throw new RangeError(`maxSpanDays must be >= 0, got ${maxSpanDays}`);
  if (
    !(maxDatesPerStream >= 1) ||
    (Number.isFinite(maxDatesPerStream) && !Number.isInteger(maxDatesPerStream))
  ) {
    throw new RangeError(`maxDatesPerStream must be an integer >= 1 or Infinity, got ${maxDatesPerStream}`);
  }
}

function assertAscending(days: Int32Array): void {
  for (let i = 1; i < days.length; i += 1) {
    if ((days[i] as number) <= (days[i - 1] as number)) {
      throw new RangeError(`gaps must be strictly ascending: index ${i} (${days[i]}) follows ${days[i - 1]}`);
    }
  }
}
