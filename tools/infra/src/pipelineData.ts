import { checkMaxMessageBytes, queueDefinition, tableDefinition } from '@gapless/aws-adapters';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The deployment's choices about the data. */
export interface PipelineDataProps {
  /**
   * The queues' MaximumMessageSize, in bytes; the functions get the same value as `MAX_MESSAGE_BYTES`.
   * Default `queueDefinition.maximumMessageBytes`; refused outside `queueDefinition.messageBytesRange`.
   */
  maxMessageBytes?: number;
}

/**
 * The table and the work queue with its dead-letter queue, declared from `tableDefinition` and
 * `queueDefinition` so the cloud, the local stack and the adapters cannot drift apart.
 */
export class PipelineData extends Construct {
  readonly table: dynamodb.Table;
  readonly workQueue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** The queues' MaximumMessageSize, which every function must get as `MAX_MESSAGE_BYTES`. */
  readonly maxMessageBytes: number;

  constructor(scope: Construct, id: string, props: PipelineDataProps = {}) {
    super(scope, id);
    assertQueueTimings();
    this.maxMessageBytes = checkMaxMessageBytes(
      props.maxMessageBytes ?? queueDefinition.maximumMessageBytes,
      'maxMessageBytes',
    );
    this.table = createTable(this);
    // The dead-letter queue takes the same size, so whatever the work queue held fits there too.
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: queueDefinition.deadLetterQueueName,
      retentionPeriod: Duration.seconds(queueDefinition.deadLetterRetentionSeconds),
      maxMessageSizeBytes: this.maxMessageBytes,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.workQueue = new sqs.Queue(this, 'WorkQueue', {
      queueName: queueDefinition.workQueueName,
      visibilityTimeout: Duration.seconds(queueDefinition.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(queueDefinition.messageRetentionSeconds),
      maxMessageSizeBytes: this.maxMessageBytes,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: queueDefinition.maxReceiveCount },
    });
  }
}

function createTable(scope: Construct): dynamodb.Table {
  const string = dynamodb.AttributeType.STRING;
  const table = new dynamodb.Table(scope, 'Table', {
    partitionKey: { name: tableDefinition.partitionKey, type: string },
    sortKey: { name: tableDefinition.sortKey, type: string },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    timeToLiveAttribute: tableDefinition.timeToLiveAttribute,
    // The table is the product: deleting the stack must never delete the data.
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of Object.values(tableDefinition.indexes)) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: string },
      sortKey: { name: index.sortKey, type: string },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: [...index.nonKeyAttributes],
    });
  }
  return table;
}

// AWS advises a visibility timeout of at least six times the consumer's timeout for SQS event sources;
// a shorter one redelivers messages that are still being processed.
function assertQueueTimings(): void {
  if (queueDefinition.visibilityTimeoutSeconds < 6 * queueDefinition.scraperTimeoutSeconds) {
    throw new Error(
      `queueDefinition.visibilityTimeoutSeconds (${queueDefinition.visibilityTimeoutSeconds}) must be at least ` +
        `6 x scraperTimeoutSeconds (${queueDefinition.scraperTimeoutSeconds})`,
    );
  }
}
