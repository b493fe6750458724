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
  /**
   * The default message size limit, in bytes. One value sets both the queues' MaximumMessageSize and every
   * function's `MAX_MESSAGE_BYTES`: the senders split messages at it, the scraper refuses larger ones, and
   * the queue must accept whatever the senders send. Always set explicitly on the queues: the default is
   * not the same everywhere (the SQS emulator's is 1 MiB, older queues and tools assume 256 KiB).
   */
  maximumMessageBytes: 262_144,
  /**
   * What a deployment may choose instead: what SQS accepts as MaximumMessageSize, 1,024 bytes (1 KiB) to
   * 1,048,576 bytes (1 MiB), the maximum since August 2025. Sources: the Amazon SQS API Reference,
   * SetQueueAttributes, "MaximumMessageSize":
   * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
   * and the AWS Compute Blog, "More room to build: serverless services now support payloads up to 1 MB":
   * https://aws.amazon.com/blogs/compute/more-room-to-build-serverless-services-now-support-payloads-up-to-1-mb
   * The minimum still leaves room for dozens of dates in a message.
   */
  messageBytesRange: { min: 1_024, max: 1_048_576 },
  messageRetentionSeconds: 4 * 24 * 3600,
  deadLetterRetentionSeconds: 14 * 24 * 3600,
  /** Records per scraper invocation (event source mapping batch size). */
  batchSize: 10,
  /** SendMessageBatch accepts at most 10 entries. */
  sendBatchSize: 10,
} as const;

export type QueueDefinition = typeof queueDefinition;
