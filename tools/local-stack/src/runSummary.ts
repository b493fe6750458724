/**
 * What one run of the local stack did and where every series stands at its end. The CLI prints it, `--json`
 * emits it, and the HTML report renders it: keep the shape stable (add fields, never rename them).
 */
export interface RunSummary {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  cycles: number;
  /** True when the run ended because nothing was left to do, false when it hit the cycle limit or was stopped. */
  converged: boolean;
  options: Record<string, unknown>;
  series: SeriesSummary[];
  totals: {
    expected: number;
    ok: number;
    pending: number;
    retrying: number;
    quarantined: number;
    sourceRequests: number;
    batchWriteCalls: number;
    itemsWritten: number;
    messagesSent: number;
    deadLetters: number;
  };
  quarantine: { infoType: string; date: string; retryCount: number; lastError: string }[];
  reportPath?: string;
}

/** Expected dates by where they stand: stored OK, waiting, in the retry path, quarantined, or absent. */
export interface DateCounts {
  expected: number;
  ok: number;
  pending: number;
  retrying: number;
  quarantined: number;
  /** Expected dates with no item at all. */
  missing: number;
}

/** Counts of no dates, to count into. */
export function zeroDateCounts(): DateCounts {
  return { expected: 0, ok: 0, pending: 0, retrying: 0, quarantined: 0, missing: 0 };
}

/** One series at the end of a run: its expected dates by status, overall and per calendar month. */
export interface SeriesSummary extends DateCounts {
  infoType: string;
  source: string;
  calendar: string;
  /** First and last expected date (ISO). */
  start: string;
  end: string;
  /** Source requests and BatchWriteItem calls made for this series during this run. */
  sourceRequests: number;
  batchWriteCalls: number;
  months: MonthSummary[];
}

/** The expected dates of one series in one month (`YYYY-MM`), by status. */
export interface MonthSummary extends DateCounts {
  month: string;
}
