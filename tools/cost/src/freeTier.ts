import { type FreeTierLine, type FreeTierView, roundUsd, type ServiceName } from './costEstimate.js';
import type { BilledQuantities } from './priceUsage.js';
import { type FigureKey, type FreeTierKey, type PriceTable, unitPrice } from './priceTable.js';
import type { RunUsage } from './usage.js';

/**
 * What AWS's monthly free allowances would cover of this usage, shown apart: they are per account (DynamoDB
 * storage: per region) and per month, shared with everything else the account runs, so the estimate's
 * totals never subtract them.
 */
export function freeTierView(
  usage: RunUsage,
  quantities: BilledQuantities,
  table: PriceTable,
  architecture: 'arm64' | 'x86_64',
): FreeTierView {
  const lines: FreeTierLine[] = [];
  const add = (
    service: ServiceName,
    key: FreeTierKey,
    used: number,
    unit: string,
    worth: (allowance: number) => number | null,
  ) => {
    const allowance = table.free_tier[key];
    if (allowance === undefined) return;
    const covers = worth(allowance.quantity);
    if (covers === null) return;
    lines.push({
      service,
      allowance: `${allowance.quantity.toLocaleString('en')} ${allowance.unit}`,
      used,
      unit,
      covers_usd: roundUsd(covers),
    });
  };
  const priced = (key: FigureKey, quantity: number) => {
    const price = unitPrice(table, key);
    return price === null ? null : quantity * price;
  };
  add('lambda', 'lambda.requests', quantities.lambdaRequests, 'requests', (free) =>
    priced('lambda.requests', Math.min(free, quantities.lambdaRequests)),
  );
  const duration: FigureKey = `lambda.duration.${architecture}`;
  add('lambda', 'lambda.duration', quantities.lambdaGbSeconds, 'GB-seconds', (free) =>
    priced(duration, Math.min(free, quantities.lambdaGbSeconds)),
  );
  add('dynamodb', 'dynamodb.storage', quantities.dynamoStorageGbMonths, 'GB-month', (free) =>
    priced('dynamodb.storage', Math.min(free, quantities.dynamoStorageGbMonths)),
  );
  add('sqs', 'sqs.requests', usage.sqs.billedRequests, 'requests', (free) =>
    priced('sqs.standard_requests', Math.min(free, usage.sqs.billedRequests)),
  );
  add(
    'cloudwatch_logs',
    'cloudwatch.logs',
    quantities.logIngestGb + quantities.logStorageGbMonths,
    'GB',
    (free) => {
      const ingest = Math.min(free, quantities.logIngestGb);
      const storage = Math.min(free - ingest, quantities.logStorageGbMonths);
      const a = priced('cloudwatch.logs_ingestion', ingest);
      const b = priced('cloudwatch.logs_storage', storage);
      return a === null || b === null ? null : a + b;
    },
  );
  add('cloudwatch_metrics', 'cloudwatch.custom_metrics', quantities.metricMonths, 'metric-months', (free) =>
    priced('cloudwatch.custom_metrics', Math.min(free, quantities.metricMonths)),
  );
  return {
    applied: false,
    note:
      "AWS's always-free monthly allowances (account-wide; DynamoDB storage per region), shared with " +
      'everything else the account runs: shown apart, never subtracted from the totals.',
    lines,
    covers_usd: roundUsd(lines.reduce((sum, entry) => sum + entry.covers_usd, 0)),
  };
}
