import type { CostEstimate, RunUsage } from '@gapless/cost';
import type { IngestSummary } from './ingestFiles.js';
import type { LakeExportSummary } from './lakeExportStep.js';

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
    /** Dates the source never published while publishing those around them (ABSENT; not alarmed). */
    absent: number;
    /** Requests the sources received (see SeriesSummary); null when any series' source was not counted. */
    sourceRequests: number | null;
    batchWriteCalls: number;
    itemsWritten: number;
    messagesSent: number;
    deadLetters: number;
  };
  /** Dates set aside for an operator: QUARANTINED (errors) and ABSENT (never published). */
  quarantine: {
    infoType: string;
    date: string;
    status?: 'QUARANTINED' | 'ABSENT';
    retryCount: number;
    lastError: string;
  }[];
  /** The files given with `--ingest`, loaded by csv_ingest before the first cycle (empty without it). */
  ingest?: IngestSummary;
  /** The lake export (lake_export) that ends every run; absent when the run did none (stopped, or turned off). */
  lakeExport?: LakeExportSummary;
  /** What the run used, in the units AWS bills (see tools/cost/src/usage.ts). */
  usage?: RunUsage;
  /** The run's estimated AWS cost by service, at the list prices of one region (tools/cost). */
  cost?: CostEstimate;
  reportPath?: string;
}

/** Expected dates by where they stand: stored OK, waiting, in the retry path, set aside, or missing. */
export interface DateCounts {
  expected: number;
  ok: number;
  pending: number;
  retrying: number;
  quarantined: number;
  /** ABSENT: the source answered every attempt without the date while publishing the dates around it. */
  absent: number;
  /** Expected dates with no item at all. */
  missing: number;
}

/** Counts of no dates, to count into. */
export function zeroDateCounts(): DateCounts {
  return { expected: 0, ok: 0, pending: 0, retrying: 0, quarantined: 0, absent: 0, missing: 0 };
}

/** One series at the end of a run: its expected dates by status, overall and per calendar month. */
export interface SeriesSummary extends DateCounts {
  infoType: string;
  source: string;
  calendar: string;
  /** First and last expected date (ISO). */
  start: string;
  end: string;
  /**
   * Requests the source received for this series during this run, counted by the simulated source itself;
   * null when a real source served the series (live mode): the local stack cannot see its requests.
   */
  sourceRequests: number | null;
  /** BatchWriteItem calls made for this series during this run. */
  batchWriteCalls: number;
  months: MonthSummary[];
}

/** The expected dates of one series in one month (`YYYY-MM`), by status. */
export interface MonthSummary extends DateCounts {
  month: string;
}
