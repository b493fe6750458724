import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { buildFunctionParts, type RuntimeOverrides } from '@gapless/lambda-runtime';
import {
  describeError,
  InvalidMessageError,
  MetricName,
  retryBackoffMs,
  type Env,
} from '@gapless/pipeline-core';
import { createSources, readSourceConfig, type SourceOptions } from '@gapless/sources';
import { scrapeRecord, type ScrapeDeps, type ScrapeOutcome } from './scrape.js';

/** What the scraper's tests may replace besides the shared runtime parts: how its sources are built. */
export interface ScraperOverrides extends RuntimeOverrides {
  readonly sources?: Omit<SourceOptions, 'mode'>;
}

/** Time kept back from the invocation's deadline for writing results after the source answered. */
const WRITE_RESERVE_MS = 5_000;

/**
 * Builds the scraper's handler once, at init. Records are processed independently and failures reported
 * per record (`batchItemFailures`), so one bad record never makes SQS redeliver the good ones. A poison body
 * fails on every delivery and reaches the dead-letter queue after `maxReceiveCount`, with a log line saying why.
 */
export function createScraperHandler(env: Env = process.env, overrides: ScraperOverrides = {}) {
  const parts = buildFunctionParts('scraper', { requireQueue: false, env, overrides });
  const { logger, metrics } = parts.powertools;
  const { timing } = parts.config;
  const deps: ScrapeDeps = {
    catalog: parts.catalogIndex,
    store: parts.store,
    sourceFor: createSources(readSourceConfig(env), { ...overrides.sources, mode: parts.config.sourceMode }),
    maxRetries: parts.config.maxRetries,
    maxMessageBytes: parts.config.maxMessageBytes,
    retryBackoffMs: (retryCount) =>
      retryBackoffMs(retryCount, { baseMs: timing.retryBackoffBaseMs, capMs: timing.retryBackoffCapMs }),
    inflightTimeoutMs: timing.inflightTimeoutMs,
    now: parts.now,
    telemetry: parts.telemetry,
  };

  return async (
    event: SQSEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse> => {
    // The deploy's smoke event: an SQS event with no records. Answered here, before Powertools (whose batch
    // processor has counted an empty batch as entirely failed in some versions), with no call and no metric.
    if (Array.isArray(event.Records) && event.Records.length === 0) return { batchItemFailures: [] };
    const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - WRITE_RESERVE_MS);
    const processRecord = async (record: SQSRecord): Promise<ScrapeOutcome> => {
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1') || 1;
      try {
        return await scrapeRecord(deps, { body: record.body, receiveCount }, deadline);
      } catch (error) {
        reportFailure(record, receiveCount, error);
        throw error;
      }
    };
    const reportFailure = (record: SQSRecord, receiveCount: number, error: unknown): void => {
      if (error instanceof InvalidMessageError) {
        metrics.addMetric(MetricName.PoisonMessages, 'Count', 1);
        logger.error('poison message: refused on every delivery, it ends in the dead-letter queue', {
          messageId: record.messageId,
          receiveCount,
          problem: error.problem,
          path: error.path,
          error: error.message,
        });
      } else {
        logger.error('record failed; SQS will deliver it again', {
          messageId: record.messageId,
          receiveCount,
          error: describeError(error),
        });
      }
    };
    try {
      return await processPartialResponse(event, processRecord, new BatchProcessor(EventType.SQS), {
        context: context as Context,
      });
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}
