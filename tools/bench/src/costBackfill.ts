import { deployment, loadPriceTable, type CostEstimate } from '@gapless/cost';
import { buildNaiveDist, estimateCost, type LocalRunner } from '@gapless/cost/estimate';
import { runLocalPipeline } from '@gapless/local-stack';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, verdict } from './figures.js';
import type { SectionResult, SectionRow } from './section.js';

/** The issue's question: 300 series, 10 years of history, us-east-1. */
const SERIES = 300;
const YEARS = 10;
const REGION = 'us-east-1';
/** The issue's target for ours / naive on the same backfill. */
const TARGET = 0.1;

const distDir = fileURLToPath(new URL('../../../dist/apps', import.meta.url));

/**
 * What a backfill of {@link SERIES} series over {@link YEARS} years costs, ours beside the naive design (one
 * source request, one message and one PutItem per date), both measured side by side in this run through the
 * local stack (in this process) on the same sample and windows, scaled and priced by the same model
 * (tools/cost). The figure is the ratio of the two backfills, with each one's cost per service.
 */
export async function costBackfill(): Promise<SectionResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'gapless-bench-cost-'));
  try {
    const doc = await estimateCost({
      series: SERIES,
      years: YEARS,
      sampleSeries: 2,
      windowDays: 365,
      prices: loadPriceTable(REGION),
      deployment,
      distDir,
      naiveDistDir: await buildNaiveDist(join(workDir, 'naive-dist'), distDir),
      workDir,
      runner: inProcessRunner,
      progress: () => {},
      now: new Date(),
    });
    const ratio = doc.backfill_ratio_to_naive;
    const met = ratio !== null && ratio <= TARGET;
    const rows: SectionRow[] = [
      [
        'catalog',
        `${SERIES} series like ${doc.sample.series.join(', ')}, ${YEARS} years, ${REGION} list prices`,
      ],
      ['dates backfilled', Math.round(doc.target.dates).toLocaleString('en')],
      ['backfill, ours', `$${doc.backfill_usd.toFixed(4)}  (${breakdown(doc.ours.backfill)})`],
      ['backfill, naive', `$${doc.naive.backfill_usd.toFixed(4)}  (${breakdown(doc.naive.backfill)})`],
      ['backfill ratio, ours / naive', `${ratio ?? '-'} ${verdict(met, `<= ${TARGET}`)}`],
      [
        'a month after, ours / naive',
        `$${doc.monthly_usd.toFixed(4)} / $${doc.naive.monthly_usd.toFixed(4)}`,
      ],
    ];
    return {
      title: `cost: a backfill of ${SERIES} series x ${YEARS} years, ours beside the naive design (measured, then priced)`,
      rows,
      figures: {
        backfill_ratio_to_naive: ratio,
        backfill_usd: round(doc.backfill_usd, 4),
        naive_backfill_usd: round(doc.naive.backfill_usd, 4),
        monthly_usd: round(doc.monthly_usd, 4),
        naive_monthly_usd: round(doc.naive.monthly_usd, 4),
        backfill_by_service: byService(doc.ours.backfill),
        naive_backfill_by_service: byService(doc.naive.backfill),
        targets: { backfill_ratio_to_naive: TARGET },
        met: { backfill_ratio_to_naive: met },
      },
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** The local stack in this process, with the catalog file the estimate wrote. */
const inProcessRunner: LocalRunner = async (request) => {
  const catalog = JSON.parse(await readFile(request.catalogFile, 'utf8')) as unknown[];
  const result = await runLocalPipeline({
    catalog,
    from: request.from,
    distDir: request.distDir,
    dataDir: request.dataDir,
    logPath: null,
  });
  if (!result.usage) throw new Error('the local run returned no usage');
  return {
    usage: result.usage,
    expected: result.totals.expected,
    ok: result.totals.ok,
    converged: result.converged,
  };
};

function byService(cost: CostEstimate): Record<string, number | null> {
  return Object.fromEntries(
    cost.services.map((service) => [service.service, service.usd === null ? null : round(service.usd, 6)]),
  );
}

function breakdown(cost: CostEstimate): string {
  return cost.services
    .filter((service) => (service.usd ?? 0) >= 0.0001)
    .map((service) => `${service.service} $${(service.usd ?? 0).toFixed(4)}`)
    .join(', ');
}
