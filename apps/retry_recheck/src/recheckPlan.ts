import { type Day, decideDueItem, type SeriesDefinition } from '@gapless/pipeline-core';
import { type RecheckDeps, retryStreams } from './recheck.js';

/** What a run would do now, as read from the retry index alone. */
export interface RecheckPlan {
  readonly mode: 'plan';
  /** Due dates in the index. */
  readonly due: number;
  /** Due dates a run would re-enqueue: their budget allows another attempt. */
  readonly reenqueue: number;
  /** Due dates a run would quarantine: every attempt was made. */
  readonly quarantine: number;
  /** Due dates of series no longer in the catalog, whose retries a run would retire. */
  readonly retire: number;
  /** Retry messages the re-enqueued dates would make. */
  readonly messages: number;
  /** Due leases a run would take up. */
  readonly leases: number;
}

/**
 * The dry run (`{"mode":"plan"}`), the deploy's smoke event: reads every shard of the `retry-due` index
 * and plans what {@link runRecheck} would do with it, writing and sending nothing. A date the store would
 * refuse to quarantine (one a release gave its budget back since the index was read) counts here as
 * quarantined, and due leases are counted, not read: the plan needs the index only.
 */
export async function planRecheck(
  deps: Pick<RecheckDeps, 'catalog' | 'store' | 'maxRetries' | 'maxWindowDays' | 'maxMessageBytes' | 'now'>,
): Promise<RecheckPlan> {
  const due = await deps.store.dueItems(deps.now().toISOString());
  const tally = { reenqueue: 0, quarantine: 0, retire: 0 };
  const groups = new Map<string, { series: SeriesDefinition; days: Day[] }>();
  for (const item of due.dates) {
    const series = deps.catalog.get(item.infoType);
    if (series === undefined) tally.retire += 1;
    else if (decideDueItem(item.retryCount, deps.maxRetries) === 'quarantine') tally.quarantine += 1;
    else {
      tally.reenqueue += 1;
      const key = `${item.infoType}\u0000${item.retryCount + 1}`;
      const group = groups.get(key) ?? { series, days: [] };
      group.days.push(item.day);
      groups.set(key, group);
    }
  }
  let messages = 0;
  for (const { series, days } of groups.values()) messages += retryStreams(deps, series, days).length;
  return { mode: 'plan', due: due.dates.length, ...tally, messages, leases: due.leases.length };
}
