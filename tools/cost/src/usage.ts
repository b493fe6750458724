/**
 * What a run did, in the units AWS bills, as the local stack counted it. Everything here is a count from
 * the wire, the hosts or the logs; the model (priceUsage.ts) turns it into dollars. Keep the shape stable:
 * it is part of `npm start -- --json` (`usage`), and the cost CLI reads it back from there.
 */
export interface RunUsage {
  /** Per function, by its name (the app directory). */
  readonly lambda: Readonly<Record<string, FunctionUsage>>;
  readonly dynamodb: DynamoUsage;
  readonly sqs: SqsUsage;
  /** Invocations made by the schedule (EventBridge rules in the deployment). */
  readonly scheduledInvocations: number;
  readonly logs: LogUsage;
  readonly metrics: MetricUsage;
  /** S3, when the run used it (the ingest and lake buckets). */
  readonly s3?: S3Usage;
  /** Wall-clock hours the run spanned, rounded up: the hours in which its metrics were published. */
  readonly hours: number;
}

export interface FunctionUsage {
  readonly invocations: number;
  /** Sum over invocations of each duration rounded up to the next millisecond (Lambda's billed duration). */
  readonly billedMs: number;
  /** Execution environments started (cold starts). */
  readonly coldStarts: number;
  /** Sum of the INIT phases, each rounded up to the next millisecond (billed since 1 August 2025). */
  readonly initBilledMs: number;
  /** Bytes the function wrote to its log stream at the deployed log level (EMF lines included). */
  readonly logBytes: number;
}

export interface DynamoUsage {
  /** Write request units, table and index writes together. */
  readonly writeUnits: number;
  /** Read request units. */
  readonly readUnits: number;
  /** Of `writeUnits`, those written to the secondary indexes (computed from the writes; see the proxy). */
  readonly indexWriteUnits: number;
  /**
   * Of the units, how many were computed from item sizes (failed conditional writes, calls the emulator
   * answered without `ConsumedCapacity`) rather than read from the emulator's `ConsumedCapacity`.
   */
  readonly computedUnits: number;
  /** Requests by operation (`BatchWriteItem`, `Query`, ...), as the functions sent them. */
  readonly requests: Readonly<Record<string, number>>;
  /** The table at the end of the run: items and their bytes (DynamoDB's sizing, without the overhead). */
  readonly items: number;
  readonly itemBytes: number;
  /** Entries of the secondary indexes at the end, and their bytes. */
  readonly indexEntries: number;
  readonly indexBytes: number;
  /** The request units per calling function (write units with the index writes and computed ones). */
  readonly byFunction?: Readonly<Record<string, { readonly readUnits: number; readonly writeUnits: number }>>;
}

export interface SqsUsage {
  /** Requests by action, the functions' and the event source mapping's together. */
  readonly requests: Readonly<Record<string, number>>;
  /** Requests as billed: each request counts once per started 64 KB of its payload. */
  readonly billedRequests: number;
  /** Message bytes sent and received (bodies and attributes). */
  readonly payloadBytes: number;
  /** Billed requests per function (the event source mapping's deliveries count for the function it feeds). */
  readonly byFunction?: Readonly<Record<string, { readonly billedRequests: number }>>;
}

export interface LogUsage {
  /** The deployed log level the bytes were counted at. */
  readonly level: string;
  /** Of the functions' log bytes, those of EMF metric lines. */
  readonly emfBytes: number;
}

export interface MetricUsage {
  /** The distinct custom metrics (namespace, name and dimensions), each once. */
  readonly distinct: readonly string[];
  /**
   * Hours with data, summed over the metrics, when they differ per metric (a month's estimate: a metric of a
   * function that runs daily has about 30 hours of data, one of a function every 30 minutes every hour);
   * absent, each metric counts the run's `hours`.
   */
  readonly metricHours?: number;
}

export interface S3Usage {
  /** PUT, COPY, POST and LIST requests. */
  readonly putRequests: number;
  /** GET, HEAD and the other requests. */
  readonly getRequests: number;
  /** Object bytes stored at the end of the run. */
  readonly storedBytes: number;
}

/** No usage at all: the start of a sum. */
export function emptyUsage(): RunUsage {
  return {
    lambda: {},
    dynamodb: {
      writeUnits: 0,
      readUnits: 0,
      indexWriteUnits: 0,
      computedUnits: 0,
      requests: {},
      items: 0,
      itemBytes: 0,
      indexEntries: 0,
      indexBytes: 0,
    },
    sqs: { requests: {}, billedRequests: 0, payloadBytes: 0 },
    scheduledInvocations: 0,
    logs: { level: 'INFO', emfBytes: 0 },
    metrics: { distinct: [] },
    hours: 0,
  };
}
