import type { SQSEvent, SQSRecord } from 'aws-lambda';

/** The series the scraper tests configure (`SERIES_CATALOG`). */
export const testCatalog = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: '2015-01-02' },
  {
    info_type: 'CURRENCY#EUR',
    source: 'bcb-ptax',
    currency: 'EUR',
    calendar: 'weekdays',
    start: '2015-01-02',
  },
];

export const queueArn = 'arn:aws:sqs:us-east-1:123456789012:gapless-work';

/** One SQS record as Lambda's event source mapping delivers it. */
export function sqsRecord(body: string, options: { messageId: string; receiveCount?: number }): SQSRecord {
  return {
    messageId: options.messageId,
    receiptHandle: `AQEB${options.messageId}/handle`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1706781600000',
      SenderId: 'AROAEXAMPLE:data_clustering',
      ApproximateFirstReceiveTimestamp: '1706781600500',
    },
    messageAttributes: {},
    md5OfBody: '0cc175b9c0f1b6a831c399e269772661',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/**
 * A work message body in the contract's form: a gap message under the lease `leaseId` (the lease starts on
 * the first date) when one is given, a retry message when `attempt` > 0, an old-format gap message otherwise.
 */
export function workBody(partitionKey: string, dates: string[], attempt = 0, leaseId?: string): string {
  return JSON.stringify({
    partition_key: partitionKey,
    dates_to_download: dates,
    reason: attempt === 0 ? 'gap' : 'retry',
    attempt,
    ...(leaseId === undefined ? {} : { lease: `${dates[0]}/${leaseId}` }),
  });
}

/** The part of the Lambda context the handler reads. */
export const lambdaContext = { getRemainingTimeInMillis: () => 60_000 };

/** The scraper's environment for tests: simulated source, silent logs and metrics. */
export const scraperEnvironment: Record<string, string> = {
  TABLE_NAME: 'gapless-test',
  SOURCE_MODE: 'simulated',
  SERIES_CATALOG: JSON.stringify(testCatalog),
  AWS_REGION: 'us-east-1',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
};
