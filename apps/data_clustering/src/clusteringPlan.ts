import { describeError, mapConcurrently, type Day } from '@gapless/pipeline-core';
import { CLUSTERING_CONCURRENCY, findSeriesWork, type ClusteringDeps } from './clustering.js';

/** What a routine run would do now, per series, as read from the table. */
export interface ClusteringPlan {
  readonly mode: 'plan';
  readonly series: readonly {
    readonly infoType: string;
    /** Dates a routine run would enqueue (missing, not in flight). */
    readonly gaps: number;
    /** Messages (one per stream, each under a new lease) it would send. */
    readonly messages: number;
    readonly error?: string;
  }[];
}

/**
 * The dry run (`{"mode":"plan"}`), the deploy's smoke event: reads the watermarks and each series as a
 * routine run would and answers what it would enqueue, opening no lease, sending nothing and moving no
 * watermark. A series whose reads fail is reported in the plan; the plan itself fails only when the
 * watermarks cannot be read.
 */
export async function planClustering(
  deps: Pick<
    ClusteringDeps,
    'catalog' | 'store' | 'maxWindowDays' | 'maxMessageBytes' | 'now' | 'concurrency'
  >,
): Promise<ClusteringPlan> {
  const watermarks: ReadonlyMap<string, Day> = await deps.store.readWatermarks();
  const series = await mapConcurrently(
    deps.catalog,
    deps.concurrency ?? CLUSTERING_CONCURRENCY,
    async (one) => {
      try {
        const work = await findSeriesWork(deps, one, watermarks.get(one.infoType));
        return { infoType: one.infoType, gaps: work?.gaps.length ?? 0, messages: work?.streams.length ?? 0 };
      } catch (error) {
        return { infoType: one.infoType, gaps: 0, messages: 0, error: describeError(error) };
      }
    },
  );
  return { mode: 'plan', series };
}
