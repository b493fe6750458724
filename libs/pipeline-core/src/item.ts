import type { Day } from './dates.js';
import { IllegalTransitionError } from './errors.js';

/**
 * Where a date stands: a good value, waiting for a retry, or given up on: `QUARANTINED` when its attempts
 * failed, `ABSENT` when the source answered every attempt without it while publishing the dates around it
 * (a closure no calendar knew of). `PENDING` is only found on tables written before the work ledger (a
 * placeholder for a first attempt) and behaves as `RETRY`.
 */
export const ItemStatus = {
  Ok: 'OK',
  Pending: 'PENDING',
  Retry: 'RETRY',
  Quarantined: 'QUARANTINED',
  Absent: 'ABSENT',
} as const;
export type ItemStatus = (typeof ItemStatus)[keyof typeof ItemStatus];

/** One date of one series, as the domain sees it (plain data: the adapters map it to their storage). */
export interface SeriesItem {
  readonly infoType: string;
  readonly day: Day;
  /** The observation; null while missing. */
  readonly value: number | null;
  readonly status: ItemStatus;
  /** Retries spent (the first attempt is not one). */
  readonly retryCount: number;
  readonly lastError?: string;
  /** ISO timestamp of the last write. */
  readonly updatedAt: string;
  /** The source that gave the value. */
  readonly source?: string;
  /** ISO timestamp from which retry_recheck may pick the item up; required for PENDING and RETRY. */
  readonly retryDue?: string;
}

// The state machine of DESIGN.md. A good value is always welcome (any status may become OK), and nothing
// ever leaves OK: a missing value must not replace a good one. QUARANTINED and ABSENT only leave by release
// (RETRY) or a value.
const ALLOWED: Readonly<Record<ItemStatus | 'NONE', readonly ItemStatus[]>> = {
  // A date without an item gets its value, a failed or claimed attempt, or a terminal status when its only
  // attempt was its last (MAX_RETRIES = 0).
  NONE: [ItemStatus.Ok, ItemStatus.Retry, ItemStatus.Quarantined, ItemStatus.Absent],
  [ItemStatus.Pending]: [
    ItemStatus.Pending,
    ItemStatus.Ok,
    ItemStatus.Retry,
    ItemStatus.Quarantined,
    ItemStatus.Absent,
  ],
  [ItemStatus.Retry]: [ItemStatus.Retry, ItemStatus.Ok, ItemStatus.Quarantined, ItemStatus.Absent],
  [ItemStatus.Quarantined]: [ItemStatus.Quarantined, ItemStatus.Retry, ItemStatus.Ok],
  [ItemStatus.Absent]: [ItemStatus.Absent, ItemStatus.Retry, ItemStatus.Ok],
  [ItemStatus.Ok]: [ItemStatus.Ok],
};

/** Whether an item in status `from` (undefined: no item yet) may be written with status `to`. */
export function canTransition(from: ItemStatus | undefined, to: ItemStatus): boolean {
  return ALLOWED[from ?? 'NONE']?.includes(to) ?? false;
}

/** Checks a status change; throws {@link IllegalTransitionError} naming `key` when the machine forbids it. */
export function transition(from: ItemStatus | undefined, to: ItemStatus, key: string): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from ?? '(none)', to, key);
}

/** A good value, as the scraper writes it. */
export function okItem(fields: {
  infoType: string;
  day: Day;
  value: number;
  updatedAt: string;
  source?: string;
  retryCount?: number;
}): SeriesItem {
  const { retryCount = 0, ...rest } = fields;
  return { ...rest, status: ItemStatus.Ok, retryCount };
}
