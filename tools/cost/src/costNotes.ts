import type { ServiceCost } from './costEstimate.js';
import type { Deployment } from './deployment.js';
import type { PriceTable } from './priceTable.js';
import type { RunUsage } from './usage.js';

/**
 * What an estimate is and is not: list prices, what it leaves out, where the local measurement differs
 * from Lambda, which units were computed rather than read, and which services have no price in the region.
 */
export function costNotes(
  usage: RunUsage,
  table: PriceTable,
  deployment: Deployment,
  services: readonly ServiceCost[],
): string[] {
  const notes = [
    `An estimate at the list prices of ${table.region} (${table.region_name}) checked on ${table.checked_on} ` +
      '(tools/cost/prices): not a bill; no tax, credits, Savings Plans or negotiated discounts.',
    'Left out: data transfer (the sources answer over the internet: data in is free; nothing leaves the ' +
      "region), KMS (none when the table and queues use AWS-owned keys), the alarms' own price " +
      '(about $0.10 per alarm a month), dashboards, Logs Insights queries, DynamoDB backups, the deploy ' +
      "and CI, and the requests Lambda's SQS event source mapping makes while the queue is idle (it keeps " +
      'long-polling; the same for any design on this queue).',
    'Lambda durations were measured on this machine: each invocation timed from the event sent to the ' +
      "answer in the local host process, on this machine's CPU, not Lambda's share at the configured " +
      `memory (${memoryList(deployment)}, ${deployment.architecture}), and the simulated source answers ` +
      'without network round trips; real durations differ (requests to the BCB add their round trip). ' +
      'INIT phases (cold starts) are billed since 1 August 2025 and included.',
    `Logs counted at the deployed level (${deployment.logLevel}), plus Lambda's START/END/REPORT lines in ` +
      "their documented format; stored for the log groups' retention " +
      `(${deployment.logRetentionDays} days) and priced uncompressed, an upper bound.`,
    'Custom metrics: each distinct metric (namespace, name, dimensions) priced for the hours the run ' +
      'published it, as CloudWatch prorates metrics by the hour (the prorating is from the pricing page ' +
      'and was not confirmed from a stored copy).',
    'Storage (DynamoDB items with 100 bytes of overhead each and their index entries, archived logs' +
      `${usage.s3 ? ', S3 objects' : ''}) is priced for one month of what the run left.`,
  ];
  const d = usage.dynamodb;
  const units = d.writeUnits + d.readUnits;
  if (units > 0) {
    notes.push(
      `DynamoDB units: ${round(units - d.computedUnits)} of ${round(units)} read from the emulator's ` +
        `ConsumedCapacity answers; ${round(d.computedUnits)} computed from item sizes (conditional writes ` +
        `DynamoDB refused still consume a unit; ${round(d.indexWriteUnits)} index write units computed from ` +
        'the writes that add, change or remove index entries).',
    );
  }
  const unpriced = services.filter((entry) => entry.usd === null).map((entry) => entry.service);
  if (unpriced.length > 0) {
    notes.push(
      `Not priced in ${table.region}: ${unpriced.join(', ')} (no confirmed price in the table; see its ` +
        'notes). total_usd leaves them out.',
    );
  }
  return notes;
}

function memoryList(deployment: Deployment): string {
  return Object.entries(deployment.memoryMb)
    .map(([name, mb]) => `${name} ${mb} MB`)
    .join(', ');
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
