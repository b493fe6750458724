import type { SeriesDefinition } from '@gapless/pipeline-core';
import { queueDefinition } from '@gapless/aws-adapters';
import { setTimeout as delay } from 'node:timers/promises';
import type { LocalStack } from './localStack.js';
import { earliestRetryDue } from './retryIndex.js';
import { createSqsPoller, type DeliveryLog, type PollerChaos } from './sqsPoller.js';
import { summarizeSeries } from './summarize.js';

export interface CycleOptions {
  readonly maxCycles: number;
  readonly visibilityTimeoutSeconds: number;
  readonly concurrency: number;
  readonly chaos: PollerChaos;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CycleProgress) => void;
}

/** What the progress display shows while a run works. */
export interface CycleProgress {
  readonly cycle: number;
  readonly phase: 'clustering' | 'scraping' | 'recheck' | 'waiting' | 'done';
  readonly ok: number;
  readonly expected: number;
  readonly queueDepth: number;
}

export interface CycleOutcome {
  readonly cycles: number;
  readonly converged: boolean;
  readonly interrupted: boolean;
  readonly stats: Record<string, number>;
  readonly deliveries: DeliveryLog;
}

/** How long a stop waits for invocations already running before the hosts are ended anyway. */
const stopGraceMs = 10_000;
/** The longest pause while only future retries are left (they are seconds away with the local clocks). */
const maxWaitMs = 10_000;
const progressEveryMs = 1_000;

/** EventBridge's scheduled event, as the scheduled functions receive it. */
export function scheduledEvent(region: string, functionName: string) {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/gapless-${functionName}`],
    detail: {},
  };
}

/**
 * The emulated schedule: each cycle invokes data_clustering, drains the work queue through the poller and
 * invokes retry_recheck. The run is done when the queue is empty (in-flight messages included) and the
 * retry-due index holds nothing, due now or later; while only later retries remain, it waits for them.
 */
export async function runCycles(
  stack: LocalStack,
  catalog: readonly SeriesDefinition[],
  options: CycleOptions,
): Promise<CycleOutcome> {
  const { signal } = options;
  const poller = createSqsPoller({
    sqs: stack.sqs,
    queueUrl: stack.queueUrl,
    queueArn: stack.queueArn,
    region: stack.region,
    invoke: (event, invokeOptions) => stack.functions.scraper.invoke(event, invokeOptions),
    batchSize: queueDefinition.batchSize,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    concurrency: options.concurrency,
    chaos: options.chaos,
  });
  const progress = progressReporter(stack, catalog, poller.depth, options.onProgress);
  const memory = sampleMemory();
  const scheduled = scheduledInvoker(stack);
  // Wall time per phase, summed over the cycles: where a run's time went (the backfill benchmark shows it).
  const phaseMs = { clustering: 0, scraping: 0, recheck: 0, waiting: 0 };
  let cycle = 0;
  let converged = false;
  try {
    while (cycle < options.maxCycles && !signal?.aborted && !converged) {
      cycle += 1;
      const step = async (phase: keyof typeof phaseMs, work: () => Promise<unknown>) => {
        if (signal?.aborted) return;
        progress.phase(cycle, phase);
        const started = performance.now();
        await work();
        phaseMs[phase] += performance.now() - started;
      };
      await step('clustering', () => scheduled.invoke('data_clustering'));
      await step('scraping', () => withGrace(poller.drain(signal), signal));
      await step('recheck', () => scheduled.invoke('retry_recheck'));
      if (signal?.aborted) break;
      const due = await nextWork(stack, poller.depth);
      converged = due === 'nothing';
      if (typeof due === 'number' && cycle < options.maxCycles) {
        await step('waiting', () =>
          delay(Math.min(maxWaitMs, due - Date.now() + 100), undefined, { signal }).catch(() => {}),
        );
      }
    }
  } finally {
    memory.stop();
    await progress.stop(cycle);
  }
  const runner = stack.functions.scraper.stats();
  return {
    cycles: cycle,
    converged,
    interrupted: signal?.aborted === true,
    deliveries: poller.deliveries(),
    stats: {
      ...poller.stats(),
      scraperColdStarts: runner.coldStarts,
      scraperCrashes: runner.crashes,
      scheduledErrors: scheduled.errors(),
      peakRssBytes: memory.peak(),
      clusteringMs: Math.round(phaseMs.clustering),
      scrapingMs: Math.round(phaseMs.scraping),
      recheckMs: Math.round(phaseMs.recheck),
      waitingMs: Math.round(phaseMs.waiting),
    },
  };
}

/**
 * What is left after a cycle: `queued` (messages wait, in flight or not), the time (epoch ms) the earliest
 * retry comes due, or `nothing`: the queue is empty and the retry-due index holds nothing, now or later.
 */
async function nextWork(
  stack: LocalStack,
  depth: () => Promise<{ visible: number; inFlight: number }>,
): Promise<'queued' | 'nothing' | number> {
  const queue = await depth();
  if (queue.visible + queue.inFlight > 0) return 'queued';
  const due = await earliestRetryDue(stack.dynamo, stack.tableName);
  return due === undefined ? 'nothing' : Date.parse(due);
}

/** Invokes the scheduled functions; a failed run is in the function log and the next cycle runs it again. */
function scheduledInvoker(stack: LocalStack) {
  let errors = 0;
  return {
    async invoke(name: 'data_clustering' | 'retry_recheck') {
      try {
        await stack.functions[name].invoke(scheduledEvent(stack.region, name));
      } catch {
        errors += 1;
      }
    },
    errors: () => errors,
  };
}

/** The stack's own peak memory (emulators, poller, proxy), for the load test's "memory stays bounded". */
function sampleMemory() {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 250);
  timer.unref();
  return { peak: () => Math.max(peak, process.memoryUsage.rss()), stop: () => clearInterval(timer) };
}

/** Waits for `work`, but after an abort no longer than {@link stopGraceMs}. */
async function withGrace(work: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return work;
  const aborted = new Promise<void>((resolve) => {
    const onAbort = () => setTimeout(resolve, stopGraceMs).unref();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  await Promise.race([work, aborted]);
}

function progressReporter(
  stack: LocalStack,
  catalog: readonly SeriesDefinition[],
  depth: () => Promise<{ visible: number; inFlight: number }>,
  onProgress: ((progress: CycleProgress) => void) | undefined,
) {
  let current = { cycle: 0, phase: 'clustering' as CycleProgress['phase'] };
  let busy = false;
  const report = async () => {
    if (!onProgress || busy) return;
    busy = true;
    try {
      const state = await summarizeSeries(stack.dynamo, stack.tableName, catalog, new Date(), new Map());
      const queue = await depth();
      onProgress({
        ...current,
        ok: state.summaries.reduce((total, series) => total + series.ok, 0),
        expected: state.summaries.reduce((total, series) => total + series.expected, 0),
        queueDepth: queue.visible + queue.inFlight,
      });
    } catch {
      // Progress is a nicety; a failed read must not fail the run.
    } finally {
      busy = false;
    }
  };
  const timer = onProgress ? setInterval(() => void report(), progressEveryMs) : undefined;
  timer?.unref();
  return {
    phase(cycle: number, phase: CycleProgress['phase']) {
      current = { cycle, phase };
      void report();
    },
    async stop(cycle: number) {
      clearInterval(timer);
      while (busy) await delay(20);
      current = { cycle, phase: 'done' };
      await report();
    },
  };
}
