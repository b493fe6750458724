/** The services a cost estimate has one entry for, in the order they are shown. */
export const serviceNames = [
  'lambda',
  'dynamodb',
  'sqs',
  'eventbridge',
  'cloudwatch_logs',
  'cloudwatch_metrics',
  's3',
] as const;
export type ServiceName = (typeof serviceNames)[number];

/** One priced quantity: `quantity` units at `unit_usd` each. */
export interface CostLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** The price of one unit, or null where the region's table has none. */
  readonly unit_usd: number | null;
  readonly usd: number | null;
}

export interface ServiceCost {
  readonly service: ServiceName;
  /** The service's total, or null when a quantity it used has no price in this region. */
  readonly usd: number | null;
  /** The billed quantities, by name (requests, GB-seconds, write units, ...). */
  readonly units: Readonly<Record<string, number>>;
  readonly lines: readonly CostLine[];
}

/** The free allowance of one meter, and what it would be worth against this usage. */
export interface FreeTierLine {
  readonly service: ServiceName;
  readonly allowance: string;
  readonly used: number;
  readonly unit: string;
  /** The part of this usage's price the allowance covers (not subtracted anywhere). */
  readonly covers_usd: number;
}

export interface FreeTierView {
  readonly applied: false;
  readonly note: string;
  readonly lines: readonly FreeTierLine[];
  readonly covers_usd: number;
}

/** A priced usage: the `cost` of a run summary, or one side of an estimate. */
export interface CostEstimate {
  readonly region: string;
  readonly currency: 'USD';
  /** The date the region's table was last checked against its sources. */
  readonly prices_checked_on: string;
  /** Sum of the priced services (those with `usd: null` are named in the notes). */
  readonly total_usd: number;
  readonly services: readonly ServiceCost[];
  readonly free_tier: FreeTierView;
  readonly notes: readonly string[];
}

/** Dollars rounded to a nano-dollar: a run's cost is a few micro-dollars, so cents would show nothing. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e9) / 1e9;
}
