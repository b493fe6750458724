/**
 * The work queue and its dead-letter queue, as data, shared by the local stack and the infrastructure code.
 * The visibility timeout is six times the scraper's timeout, as AWS advises for SQS event sources.
 */
export const queueDefinition = {
  workQueueName: 'gapless-work',
  deadLetterQueueName: 'gapless-work-dlq',
  scraperTimeoutSeconds: 60,
  visibilityTimeoutSeconds: 360,
  /** Deliveries before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: 3,
  /** Queue's MaximumMessageSize: SQS still defaults to 256 KiB even though it accepts up to 1 MiB. */
  maximumMessageBytes: 262_144,
  messageRetentionSeconds: 4 * 24 * 3600,
  deadLetterRetentionSeconds: 14 * 24 * 3600,
  /** Records per scraper invocation (event source mapping batch size). */
  batchSize: 10,
  /** SendMessageBatch accepts at most 10 entries. */
  sendBatchSize: 10,
} as const;

export type QueueDefinition = typeof queueDefinition;
