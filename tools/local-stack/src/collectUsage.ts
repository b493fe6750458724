import { deployment, type FunctionUsage, type RunUsage, type S3Usage } from '@gapless/cost';
import type { LocalStack } from './localStack.js';
import type { S3RequestKind } from './s3RequestKind.js';
import { bucketBytes, tableBytes } from './storedBytes.js';

/** S3's request classes: Tier 1 (PUT, COPY, POST, LIST) and Tier 2 (GET and the rest); DELETEs are free. */
const tier1: ReadonlySet<S3RequestKind> = new Set([
  'PutObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'ListObjects',
  'ListObjectsV2',
  'ListBuckets',
  'CreateBucket',
]);
const free: ReadonlySet<S3RequestKind> = new Set([
  'DeleteObject',
  'DeleteObjects',
  'AbortMultipartUpload',
  'DeleteBucket',
]);

/** What the poller counted for the event source mapping (see PollerStats). */
type MappingStats = Readonly<Record<string, number>>;

/**
 * The run's usage in billed units, from every counter of the stack: the hosts' timings, the functions' log
 * at the deployed level, the DynamoDB proxy's request units, the SQS emulator's count of the functions'
 * requests plus the event source mapping's deliveries (the poller's), the S3 emulator's count, and the
 * table and buckets as the run left them.
 */
export async function collectUsage(
  stack: LocalStack,
  mapping: MappingStats,
  durationMs: number,
): Promise<RunUsage> {
  const volume = stack.log.volume();
  const lambda: Record<string, FunctionUsage> = {};
  for (const [name, runner] of Object.entries(stack.functions)) {
    const timed = runner?.usage();
    if (!timed || timed.invocations + timed.coldStarts === 0) continue;
    lambda[name] = { ...timed, logBytes: volume.bytes[name] ?? 0 };
  }
  const capacity = stack.proxy.capacity();
  const stored = await tableBytes(stack.dynamo, stack.tableName);
  const functionsSqs = stack.functionSqsRequests();
  const esm = (key: string) => mapping[key] ?? 0;
  const s3 = await s3Usage(stack);
  return {
    lambda,
    dynamodb: {
      writeUnits: capacity.writeUnits + capacity.indexWriteUnits,
      readUnits: capacity.readUnits,
      indexWriteUnits: capacity.indexWriteUnits,
      computedUnits: capacity.computedUnits + capacity.indexWriteUnits,
      requests: Object.fromEntries(stack.proxy.calls()),
      ...stored,
      byFunction: Object.fromEntries(
        [...stack.proxy.capacityByFunction()].map(([name, units]) => [
          name,
          { readUnits: units.readUnits, writeUnits: units.writeUnits + units.indexWriteUnits },
        ]),
      ),
    },
    sqs: {
      requests: {
        ...functionsSqs.requests,
        ReceiveMessage: (functionsSqs.requests.ReceiveMessage ?? 0) + esm('esmReceiveRequests'),
        DeleteMessageBatch: (functionsSqs.requests.DeleteMessageBatch ?? 0) + esm('esmDeleteRequests'),
      },
      billedRequests: functionsSqs.billedRequests + esm('esmBilledRequests'),
      payloadBytes: functionsSqs.payloadBytes + esm('esmPayloadBytes'),
      byFunction: sqsByFunction(stack, esm('esmBilledRequests')),
    },
    scheduledInvocations: Object.keys(deployment.scheduledRunsPerMonth).reduce(
      (sum, name) => sum + (lambda[name]?.invocations ?? 0),
      0,
    ),
    logs: { level: deployment.logLevel, emfBytes: volume.emfBytes },
    metrics: { distinct: volume.metrics },
    ...(s3 ? { s3 } : {}),
    hours: Math.max(1, Math.ceil(durationMs / 3_600_000)),
  };
}

/** Billed SQS requests per function: its own calls, and for the scraper the mapping's deliveries to it. */
function sqsByFunction(stack: LocalStack, mappingBilled: number): Record<string, { billedRequests: number }> {
  const result: Record<string, { billedRequests: number }> = {};
  for (const [name, counts] of stack.functionSqsRequestsByFunction())
    result[name] = { billedRequests: counts.billedRequests };
  if (mappingBilled > 0) {
    result.scraper = { billedRequests: (result.scraper?.billedRequests ?? 0) + mappingBilled };
  }
  return result;
}

/** The functions' S3 requests by class and the buckets' bytes; undefined when the run used no S3. */
async function s3Usage(stack: LocalStack): Promise<S3Usage | undefined> {
  const requests = Object.entries(stack.s3Requests()) as [S3RequestKind, number][];
  const storedBytes = await bucketBytes(stack.s3, [stack.buckets.ingest, stack.buckets.lake]);
  if (requests.length === 0 && storedBytes === 0) return undefined;
  let putRequests = 0;
  let getRequests = 0;
  for (const [kind, count] of requests) {
    if (tier1.has(kind)) putRequests += count;
    else if (!free.has(kind)) getRequests += count;
  }
  return { putRequests, getRequests, storedBytes };
}
