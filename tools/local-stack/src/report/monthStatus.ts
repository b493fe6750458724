/** What one coverage cell (a series' month) shows, from the mix of its dates' statuses. */
export const MonthStatus = {
  /** Every expected date is `OK`. */
  Ok: 'ok',
  /** At least one date is quarantined: it needs a person. */
  Quarantined: 'quarantined',
  /** Dates still pending or retrying: the pipeline is on it. */
  Attention: 'attention',
  /** Dates with no item at all, and nothing worse. */
  Missing: 'missing',
  /** No expected date in that month (before the series starts, after it ends). */
  None: 'none',
} as const;
export type MonthStatus = (typeof MonthStatus)[keyof typeof MonthStatus];

/** The counts of one month of one series, as the run summary gives them. */
export interface MonthCounts {
  readonly expected: number;
  readonly ok: number;
  readonly pending: number;
  readonly retrying: number;
  readonly quarantined: number;
  readonly missing: number;
}

/**
 * The status a month is drawn with. The worst state wins, because the picture exists to point at what
 * needs looking at: quarantined (needs a person) over pending/retrying (still in flight) over missing.
 */
export function monthStatus(counts: MonthCounts | undefined): MonthStatus {
  if (!counts || counts.expected <= 0) return MonthStatus.None;
  if (counts.quarantined > 0) return MonthStatus.Quarantined;
  if (counts.pending + counts.retrying > 0) return MonthStatus.Attention;
  if (counts.missing > 0 || counts.ok < counts.expected) return MonthStatus.Missing;
  return MonthStatus.Ok;
}

/** The id of the coverage picture's quarantine pattern ({@link hatchPattern}); the quarantined fill refers to it. */
export const quarantineHatchId = 'hatch-quarantined';

/** How each status is drawn and named in the legend. */
export interface MonthStatusStyle {
  readonly label: string;
  /** A CSS colour, or an SVG paint reference (`url(#id)`) for the hatched ones. */
  readonly fill: string;
}

/**
 * Colours picked so the states differ in lightness, not only in hue, and the red is hatched besides:
 * a reader who cannot tell red from green still tells quarantined from OK.
 */
export const monthStatusStyles: Readonly<Record<MonthStatus, MonthStatusStyle>> = {
  [MonthStatus.Ok]: { label: 'all OK', fill: '#1a7f37' },
  [MonthStatus.Quarantined]: { label: 'some quarantined', fill: `url(#${quarantineHatchId})` },
  [MonthStatus.Attention]: { label: 'pending or retrying', fill: '#f0b429' },
  [MonthStatus.Missing]: { label: 'missing', fill: '#a3acb5' },
  [MonthStatus.None]: { label: 'no expected date', fill: '#f0f2f4' },
};
