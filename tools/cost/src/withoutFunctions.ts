import type { RunUsage } from './usage.js';

/**
 * A usage without what `names` did: their Lambda usage, their DynamoDB and SQS units (from the
 * per-function counts), their metrics, and S3 when the lake export goes (it is the only S3 user of a run
 * without ingest files). For a design that does not have those functions.
 */
export function withoutFunctions(usage: RunUsage, names: readonly string[]): RunUsage {
  const dropped = new Set(names);
  const lambda = Object.fromEntries(Object.entries(usage.lambda).filter(([name]) => !dropped.has(name)));
  const sum = <T>(record: Readonly<Record<string, T>> | undefined, value: (entry: T) => number) =>
    Object.entries(record ?? {})
      .filter(([name]) => dropped.has(name))
      .reduce((total, [, entry]) => total + value(entry), 0);
  const d = usage.dynamodb;
  const removedReads = sum(d.byFunction, (entry) => entry.readUnits);
  const removedWrites = sum(d.byFunction, (entry) => entry.writeUnits);
  const removedInvocations = sum(usage.lambda, (entry) => entry.invocations);
  const keep = <T>(record: Readonly<Record<string, T>> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([name]) => !dropped.has(name)));
  const { s3, ...rest } = usage;
  return {
    ...rest,
    ...(s3 && !dropped.has('lake_export') ? { s3 } : {}),
    lambda,
    dynamodb: {
      ...d,
      readUnits: d.readUnits - removedReads,
      writeUnits: d.writeUnits - removedWrites,
      byFunction: keep(d.byFunction),
    },
    sqs: {
      ...usage.sqs,
      billedRequests: usage.sqs.billedRequests - sum(usage.sqs.byFunction, (entry) => entry.billedRequests),
      byFunction: keep(usage.sqs.byFunction),
    },
    scheduledInvocations: Math.max(0, usage.scheduledInvocations - removedInvocations),
    metrics: {
      distinct: usage.metrics.distinct.filter((id) => !names.some((name) => id.endsWith(`|service=${name}`))),
    },
  };
}
