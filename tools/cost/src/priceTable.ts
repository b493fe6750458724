import { readdirSync, readFileSync } from 'node:fs';
import { PriceTableError } from './errors.js';

/** One price as the table holds it: `usd` per `per` units, or null where no source confirmed it. */
export interface PriceFigure {
  readonly usd: number | null;
  readonly per: number;
  readonly unit: string;
  /** The date the figure is known to hold (ISO), or null for an unconfirmed one. */
  readonly as_of: string | null;
  /** The public AWS pricing page the figure belongs to. */
  readonly source: string;
  /** Where the figure was read, when not on the page itself (a price list offer file, a dated page). */
  readonly seen_in?: string;
  readonly note?: string;
}

/** A billing rule (not a price): a flag or a number, with its source. */
export interface PriceRule {
  readonly value: boolean | number;
  readonly as_of: string;
  readonly source: string;
  readonly note?: string;
}

/** A monthly free allowance, shown apart from the prices and never subtracted from them. */
export interface FreeAllowance {
  readonly quantity: number;
  readonly unit: string;
  readonly as_of: string;
  readonly source: string;
  readonly seen_in?: string;
}

/** The figures every table has (their value may be null in a region where none was confirmed). */
export const figureKeys = [
  'lambda.requests',
  'lambda.duration.arm64',
  'lambda.duration.x86_64',
  'dynamodb.write_request_units',
  'dynamodb.read_request_units',
  'dynamodb.storage',
  'sqs.standard_requests',
  'eventbridge.scheduled_rule_events',
  'eventbridge.scheduler_invocations',
  'cloudwatch.logs_ingestion',
  'cloudwatch.logs_storage',
  'cloudwatch.custom_metrics',
  's3.storage_standard',
  's3.put_requests',
  's3.get_requests',
] as const;
export type FigureKey = (typeof figureKeys)[number];

export const ruleKeys = [
  'lambda.init_billed',
  'lambda.duration_rounding_ms',
  'sqs.billing_chunk_bytes',
  'dynamodb.item_overhead_bytes',
] as const;
export type RuleKey = (typeof ruleKeys)[number];

export type FreeTierKey =
  | 'lambda.requests'
  | 'lambda.duration'
  | 'dynamodb.storage'
  | 'sqs.requests'
  | 'cloudwatch.custom_metrics'
  | 'cloudwatch.logs'
  | 'eventbridge.scheduler_invocations';

/** One region's dated price table (`tools/cost/prices/<region>.json`). */
export interface PriceTable {
  readonly region: string;
  readonly region_name: string;
  readonly currency: 'USD';
  /** When every figure was last compared with its source (ISO date). */
  readonly checked_on: string;
  readonly notes: readonly string[];
  readonly figures: Readonly<Record<FigureKey, PriceFigure>>;
  readonly rules: Readonly<Record<RuleKey, PriceRule>>;
  readonly free_tier: Readonly<Partial<Record<FreeTierKey, FreeAllowance>>>;
}

const pricesDir = new URL('../prices/', import.meta.url);

/** The regions that have a table, sorted. */
export function priceRegions(): string[] {
  return readdirSync(pricesDir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => name.slice(0, -'.json'.length))
    .sort();
}

/** Reads and checks `prices/<region>.json`; an unknown region names the ones there are. */
export function loadPriceTable(region: string): PriceTable {
  const regions = priceRegions();
  if (!regions.includes(region)) {
    throw new PriceTableError(region, `no price table (tables: ${regions.join(', ')})`);
  }
  const text = readFileSync(new URL(`${region}.json`, pricesDir), 'utf8');
  return checkPriceTable(JSON.parse(text) as unknown, region);
}

/** Checks the shape of a parsed table: every figure present, each with a source and a date when it has a price. */
export function checkPriceTable(value: unknown, region: string): PriceTable {
  const table = value as Partial<PriceTable> | null;
  const fail = (reason: string) => new PriceTableError(region, reason);
  if (table === null || typeof table !== 'object') throw fail('is not a JSON object');
  if (table.region !== region) throw fail(`says region "${String(table.region)}"`);
  if (table.currency !== 'USD') throw fail('currency must be USD');
  if (!isIsoDate(table.checked_on)) throw fail('checked_on must be a date YYYY-MM-DD');
  for (const key of figureKeys) {
    const figure = table.figures?.[key];
    if (figure === undefined) throw fail(`figure ${key} is missing`);
    if (figure.usd !== null && !(typeof figure.usd === 'number' && figure.usd >= 0)) {
      throw fail(`figure ${key}: usd must be a number >= 0 or null`);
    }
    if (!(figure.per > 0)) throw fail(`figure ${key}: per must be > 0`);
    if (typeof figure.source !== 'string' || !figure.source.startsWith('https://')) {
      throw fail(`figure ${key}: source must be the https address of its pricing page`);
    }
    if (figure.usd !== null && !isIsoDate(figure.as_of)) throw fail(`figure ${key}: as_of must be a date`);
    if (figure.usd === null && !figure.note) throw fail(`figure ${key}: an unpriced figure needs a note`);
  }
  for (const key of ruleKeys) {
    const rule = table.rules?.[key];
    if (rule === undefined || !isIsoDate(rule.as_of)) throw fail(`rule ${key} is missing or undated`);
  }
  for (const [key, allowance] of Object.entries(table.free_tier ?? {})) {
    if (!(allowance.quantity >= 0) || !isIsoDate(allowance.as_of))
      throw fail(`free tier ${key} is malformed`);
  }
  return table as PriceTable;
}

/** The price of one unit, or null when the table has none for this region. */
export function unitPrice(table: PriceTable, key: FigureKey): number | null {
  const figure = table.figures[key];
  return figure.usd === null ? null : figure.usd / figure.per;
}

/** Whole days from `checkedOn` to `today` (both ISO dates). */
export function tableAgeDays(table: Pick<PriceTable, 'checked_on'>, today: Date): number {
  const checked = Date.parse(`${table.checked_on}T00:00:00Z`);
  const now = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Math.floor((now - checked) / 86_400_000);
}

function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));
}
