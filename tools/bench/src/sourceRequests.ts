import { runLocalPipeline } from '@gapless/local-stack';
import { DEFAULT_CATALOG } from '@gapless/catalog';
import {
  calendarFor,
  expectedDates,
  SourceMode,
  toStreams,
  lastExpectedDay,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import {
  createSources,
  defaultPtaxBaseUrl,
  defaultIpeaBaseUrl,
  defaultSgsBaseUrl,
  noSimulatedFaults,
  type SourceRegistry,
} from '@gapless/sources';
import { round, verdict } from './figures.js';
import type { SectionResult } from './section.js';

const SEED = 42;
const TARGET_RATIO = 1;

/**
 * Source requests of a full backfill of the default catalog through the local stack (the functions' built
 * zips, simulated source, no faults), against the lower bound: the number of maximal calendar gaps of an
 * empty table after splitting at each source's request window. The requests are counted at the source: the
 * simulated source's own log of the requests it received, checked against the scraper's `SourceRequests`
 * metric (the pipeline's word for it, which must agree on a run without crashes). The windows are those of the sources the
 * run really calls (in simulated mode every series is served by the simulated source); the bound with the
 * real BCB sources' windows is shown beside it. The naive figure is one request per date.
 */
export async function sourceRequests(): Promise<SectionResult> {
  const started = new Date();
  const result = await runLocalPipeline({ seed: SEED, logPath: null, maxCycles: 5 });
  const lastDays = (at: Date) => DEFAULT_CATALOG.map((series) => lastExpectedDay(series, at)).join();
  if (lastDays(new Date()) !== lastDays(started))
    throw new Error("the run crossed midnight in a series' time zone: the lower bound is stale, run again");
  if (!result.converged || result.totals.ok !== result.totals.expected) {
    throw new Error(`the backfill did not complete: ${result.totals.ok} of ${result.totals.expected} OK`);
  }
  const simulated = createSources(sourceConfig, { mode: SourceMode.Simulated });
  const real = createSources(sourceConfig);
  const lowerBound = countStreams(DEFAULT_CATALOG, started, simulated);
  const realLowerBound = countStreams(DEFAULT_CATALOG, started, real);
  const dates = DEFAULT_CATALOG.reduce((total, series) => total + expectedDates(series, started).length, 0);
  if (dates !== result.totals.expected) {
    throw new Error(`the run expected ${result.totals.expected} dates, the bound counts ${dates}`);
  }
  const requests = result.totals.sourceRequests;
  if (requests === null) throw new Error('the source requests were not counted (a real source served)');
  // The summary's per-series counts are the log's lines of the catalog's series: a line of another series
  // would be a request the summary does not show.
  if (requests !== result.sourceRequestLog.length) {
    throw new Error(
      `the summary counts ${requests} requests, the source logged ${result.sourceRequestLog.length}`,
    );
  }
  const reported = result.metrics['SourceRequests'] ?? 0;
  if (reported !== requests) {
    throw new Error(`the scraper reports ${reported} source requests, the source received ${requests}`);
  }
  const ratio = requests / lowerBound;
  const naiveRatio = dates / requests;
  const met = ratio <= TARGET_RATIO;
  return {
    title: `source requests: full backfill of the default catalog (${DEFAULT_CATALOG.length} series) through the local stack`,
    rows: [
      ['dates backfilled (all OK)', dates.toLocaleString('en')],
      ['source requests received (the simulated source\u2019s own log)', String(requests)],
      ['lower bound (maximal gaps, split at the windows used)', String(lowerBound)],
      ['ratio to lower bound', `${ratio.toFixed(2)} ${verdict(met, '= 1.00')}`],
      ['naive: one request per date', `${dates.toLocaleString('en')} requests`],
      ['naive ratio (naive / ours)', `${naiveRatio.toFixed(0)}x (reported)`],
      ['lower bound with the real sources\u2019 windows (SGS 10 years)', String(realLowerBound)],
      [
        'run (stack start to teardown)',
        `${(result.durationMs / 1000).toFixed(1)} s, ${result.cycles} cycle(s)`,
      ],
    ],
    figures: {
      ratio_to_lower_bound: round(ratio, 2),
      naive_ratio: round(naiveRatio, 1),
      requests,
      lower_bound: lowerBound,
      lower_bound_real_source_windows: realLowerBound,
      dates,
      targets: { ratio_to_lower_bound: TARGET_RATIO },
      met: { ratio_to_lower_bound: met },
    },
  };
}

/** Building the sources makes no request: only their window answers are used here. */
const sourceConfig = {
  sgsBaseUrl: defaultSgsBaseUrl,
  ptaxBaseUrl: defaultPtaxBaseUrl,
  ipeaBaseUrl: defaultIpeaBaseUrl,
  simulatedFaults: noSimulatedFaults,
};

/** Streams of an empty table: every expected date is a gap; split only at the source's window. */
function countStreams(catalog: readonly SeriesDefinition[], now: Date, sources: SourceRegistry): number {
  return catalog.reduce((total, series) => {
    const gaps = expectedDates(series, now);
    const maxSpanDays = sources(series.source).maxWindowDays(series);
    return (
      total +
      toStreams(gaps, calendarFor(series.calendar), { maxSpanDays, maxDatesPerStream: Infinity }).length
    );
  }, 0);
}
