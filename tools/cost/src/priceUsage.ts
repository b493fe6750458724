import { type CostEstimate, type CostLine, roundUsd, type ServiceCost } from './costEstimate.js';
import { costNotes } from './costNotes.js';
import { daysPerMonth, type Deployment, hoursPerMonth } from './deployment.js';
import { UsageError } from './errors.js';
import { freeTierView } from './freeTier.js';
import { gbSeconds } from './lambdaBilling.js';
import { platformLogBytes } from './platformLog.js';
import { type FigureKey, type PriceTable, unitPrice } from './priceTable.js';
import type { RunUsage } from './usage.js';

/** Bytes in the GB AWS bills storage and log ingestion by. */
export const bytesPerGb = 1024 ** 3;

/** The billed quantities of a usage, before any price: what the services and the free tier are computed from. */
export interface BilledQuantities {
  readonly lambdaRequests: number;
  readonly lambdaGbSeconds: number;
  readonly lambdaInitGbSeconds: number;
  readonly logIngestGb: number;
  readonly logStorageGbMonths: number;
  readonly platformLogBytes: number;
  readonly metricMonths: number;
  readonly dynamoStorageGbMonths: number;
  readonly s3StorageGbMonths: number;
}

/**
 * Prices one usage with one region's table: every service once, each with its billed quantities and
 * lines; the free tier beside it (never subtracted); notes on what is estimated and what is left out.
 * Storage (DynamoDB items, S3 objects, archived logs) is priced for one month of what the usage left.
 */
export function priceUsage(usage: RunUsage, table: PriceTable, deployment: Deployment): CostEstimate {
  const quantities = billedQuantities(usage, table, deployment);
  const line = (item: string, quantity: number, unit: string, key: FigureKey): CostLine => {
    const price = unitPrice(table, key);
    return { item, quantity, unit, unit_usd: price, usd: price === null ? null : quantity * price };
  };
  const duration = `lambda.duration.${deployment.architecture}` as const;
  const d = usage.dynamodb;
  const services: ServiceCost[] = [
    service(
      'lambda',
      {
        requests: quantities.lambdaRequests,
        gb_seconds: quantities.lambdaGbSeconds,
        init_gb_seconds: quantities.lambdaInitGbSeconds,
      },
      [
        line('requests', quantities.lambdaRequests, 'requests', 'lambda.requests'),
        line(
          `duration (${deployment.architecture}, INIT included)`,
          quantities.lambdaGbSeconds,
          'GB-seconds',
          duration,
        ),
      ],
    ),
    service(
      'dynamodb',
      {
        write_request_units: d.writeUnits,
        read_request_units: d.readUnits,
        index_write_units: d.indexWriteUnits,
        storage_gb_months: quantities.dynamoStorageGbMonths,
      },
      [
        line('write request units', d.writeUnits, 'WRU', 'dynamodb.write_request_units'),
        line('read request units', d.readUnits, 'RRU', 'dynamodb.read_request_units'),
        line('storage, one month', quantities.dynamoStorageGbMonths, 'GB-month', 'dynamodb.storage'),
      ],
    ),
    service('sqs', { billed_requests: usage.sqs.billedRequests }, [
      line('requests (per 64 KB chunk)', usage.sqs.billedRequests, 'requests', 'sqs.standard_requests'),
    ]),
    service('eventbridge', { scheduled_invocations: usage.scheduledInvocations }, [
      line(
        'scheduled rule events',
        usage.scheduledInvocations,
        'events',
        'eventbridge.scheduled_rule_events',
      ),
    ]),
    service(
      'cloudwatch_logs',
      { ingested_gb: quantities.logIngestGb, stored_gb_months: quantities.logStorageGbMonths },
      [
        line('ingestion', quantities.logIngestGb, 'GB', 'cloudwatch.logs_ingestion'),
        line('storage, one month', quantities.logStorageGbMonths, 'GB-month', 'cloudwatch.logs_storage'),
      ],
    ),
    service('cloudwatch_metrics', { metric_months: quantities.metricMonths }, [
      line('custom metrics (EMF)', quantities.metricMonths, 'metric-months', 'cloudwatch.custom_metrics'),
    ]),
  ];
  if (usage.s3) {
    services.push(
      service(
        's3',
        {
          put_requests: usage.s3.putRequests,
          get_requests: usage.s3.getRequests,
          storage_gb_months: quantities.s3StorageGbMonths,
        },
        [
          line('PUT, COPY, POST, LIST', usage.s3.putRequests, 'requests', 's3.put_requests'),
          line('GET and other', usage.s3.getRequests, 'requests', 's3.get_requests'),
          line('storage, one month', quantities.s3StorageGbMonths, 'GB-month', 's3.storage_standard'),
        ],
      ),
    );
  }
  const total = services.reduce((sum, entry) => sum + (entry.usd ?? 0), 0);
  return {
    region: table.region,
    currency: 'USD',
    prices_checked_on: table.checked_on,
    total_usd: roundUsd(total),
    services,
    free_tier: freeTierView(usage, quantities, table, deployment.architecture),
    notes: costNotes(usage, table, deployment, services),
  };
}

/** Turns counts into the quantities AWS bills: GB-seconds, GB, metric-months, GB-months. */
export function billedQuantities(
  usage: RunUsage,
  table: PriceTable,
  deployment: Deployment,
): BilledQuantities {
  const initBilled = table.rules['lambda.init_billed'].value === true;
  let requests = 0;
  let invokeGbs = 0;
  let initGbs = 0;
  let functionLogBytes = 0;
  let platformBytes = 0;
  for (const [name, fn] of Object.entries(usage.lambda)) {
    const memoryMb = deployment.memoryMb[name];
    if (memoryMb === undefined) {
      throw new UsageError(
        `function ${name} has no deployed memory setting (known: ${Object.keys(deployment.memoryMb).join(', ')})`,
      );
    }
    for (const [field, count] of Object.entries(fn)) {
      if (!(count >= 0)) throw new UsageError(`function ${name}: ${field} must be >= 0, got ${count}`);
    }
    requests += fn.invocations;
    invokeGbs += gbSeconds(fn.billedMs, memoryMb);
    if (initBilled) initGbs += gbSeconds(fn.initBilledMs, memoryMb);
    functionLogBytes += fn.logBytes;
    platformBytes += platformLogBytes({
      invocations: fn.invocations,
      coldStarts: fn.coldStarts,
      meanDurationMs: fn.invocations === 0 ? 0 : fn.billedMs / fn.invocations,
      meanInitMs: fn.coldStarts === 0 ? 0 : fn.initBilledMs / fn.coldStarts,
      memoryMb,
    });
  }
  const logIngestGb = (functionLogBytes + platformBytes) / bytesPerGb;
  const overhead = Number(table.rules['dynamodb.item_overhead_bytes'].value);
  const d = usage.dynamodb;
  const dynamoBytes = d.itemBytes + d.items * overhead + d.indexBytes + d.indexEntries * overhead;
  return {
    lambdaRequests: requests,
    lambdaGbSeconds: invokeGbs + initGbs,
    lambdaInitGbSeconds: initGbs,
    logIngestGb,
    // Kept for the log groups' retention, at most the month priced.
    logStorageGbMonths: logIngestGb * Math.min(1, deployment.logRetentionDays / daysPerMonth),
    platformLogBytes: platformBytes,
    metricMonths:
      usage.metrics.metricHours === undefined
        ? usage.metrics.distinct.length * (Math.min(usage.hours, hoursPerMonth) / hoursPerMonth)
        : usage.metrics.metricHours / hoursPerMonth,
    dynamoStorageGbMonths: dynamoBytes / bytesPerGb,
    s3StorageGbMonths: (usage.s3?.storedBytes ?? 0) / bytesPerGb,
  };
}

/** A service entry: null when a quantity it used has no price in this region, else the sum of its lines. */
function service(
  name: ServiceCost['service'],
  units: Record<string, number>,
  lines: CostLine[],
): ServiceCost {
  const unpriced = lines.some((entry) => entry.usd === null && entry.quantity > 0);
  const usd = unpriced ? null : roundUsd(lines.reduce((sum, entry) => sum + (entry.usd ?? 0), 0));
  return {
    service: name,
    usd,
    units,
    lines: lines.map((entry) => ({ ...entry, usd: entry.usd === null ? null : roundUsd(entry.usd) })),
  };
}
