import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expectedDates, formatIsoDate, parseIsoDate, type SeriesDefinition } from '@gapless/pipeline-core';
import type { ItemWriteRecord } from '../../src/chaosProxy.js';
import type { LocalStackHandle } from '../../src/runLocalPipeline.js';
import type { SourceRequestRecord } from '../../src/sourceRequestLog.js';
import type { PlainItem } from '../../src/tableReader.js';

/** An SQS client on the stack's emulator (fauxqs' `*.localhost` queue URLs are not used as endpoints). */
export function sqsClientOf(stack: LocalStackHandle): SQSClient {
  return new SQSClient({
    endpoint: stack.endpoints.sqs,
    region: stack.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    useQueueUrlAsEndpoint: false,
  });
}

/** Sends the bodies to the work queue with SendMessageBatch, ten at a time, several batches at once. */
export async function sendBodies(stack: LocalStackHandle, bodies: readonly string[]): Promise<void> {
  const sqs = sqsClientOf(stack);
  try {
    const batches: string[][] = [];
    for (let start = 0; start < bodies.length; start += 10) batches.push(bodies.slice(start, start + 10));
    let next = 0;
    const sender = async () => {
      for (let batch = batches[next++]; batch !== undefined; batch = batches[next++]) {
        const result = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: stack.queueUrl,
            Entries: batch.map((body, index) => ({ Id: String(index), MessageBody: body })),
          }),
        );
        if ((result.Failed ?? []).length > 0)
          throw new Error(`send failed: ${JSON.stringify(result.Failed)}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
  } finally {
    sqs.destroy();
  }
}

/** Every expected date of every series (catalog starts already moved to the run's `from`), as keys. */
export function expectedKeys(
  catalog: readonly SeriesDefinition[],
): { series: SeriesDefinition; day: number }[] {
  return catalog.flatMap((series) => [...expectedDates(series)].map((day) => ({ series, day })));
}

/** The table's items by `info_type|date`. */
export function itemsByKey(items: readonly PlainItem[] | undefined): Map<string, PlainItem> {
  return new Map((items ?? []).map((item) => [`${String(item.info_type)}|${String(item.date)}`, item]));
}

export function keyOf(infoType: string, day: number): string {
  return `${infoType}|${formatIsoDate(day)}`;
}

/**
 * Writes that changed an item after it held a good value: anything but the same OK value again.
 * The log is in the order DynamoDB answered, per item.
 */
export function overwrittenGoodValues(log: readonly ItemWriteRecord[]): string[] {
  const good = new Map<string, number | null | undefined>();
  const problems: string[] = [];
  for (const write of log) {
    const key = `${write.infoType}|${write.date}`;
    if (good.has(key)) {
      if (write.status !== 'OK' || write.value !== good.get(key)) {
        problems.push(
          `${key}: OK ${String(good.get(key))} then ${write.operation} ${write.status} ${write.value}`,
        );
      }
    } else if (write.status === 'OK') {
      good.set(key, write.value);
    }
  }
  return problems;
}

/**
 * How many requests the source received that covered each date, by `info_type|date` (ISO), from the
 * source's own log: every date between a request's `from` and `to` counts once per request.
 */
export function asksByDate(log: readonly SourceRequestRecord[]): Map<string, number> {
  const asks = new Map<string, number>();
  for (const request of log) {
    for (let day = parseIsoDate(request.from); day <= parseIsoDate(request.to); day += 1) {
      const key = keyOf(request.infoType, day);
      asks.set(key, (asks.get(key) ?? 0) + 1);
    }
  }
  return asks;
}

/** Counts of each string, for comparing multisets. */
export function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
