import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliUsageError } from './errors.js';
import { priceRegions } from './priceTable.js';

/** What `npm run cost` was asked for. */
export type CostCommand =
  { readonly kind: 'help' } | { readonly kind: 'estimate'; readonly options: CostCliOptions };

export interface CostCliOptions {
  readonly series?: number;
  readonly catalogFile?: string;
  readonly years: number;
  readonly region: string;
  readonly json: boolean;
  readonly sampleSeries: number;
  readonly windowDays: number;
}

const optionSpec = {
  help: { type: 'boolean', short: 'h' },
  series: { type: 'string' },
  years: { type: 'string' },
  region: { type: 'string' },
  catalog: { type: 'string' },
  json: { type: 'boolean' },
  'sample-series': { type: 'string' },
  'window-days': { type: 'string' },
} as const;

/** Parses argv (after `--`); every refusal is a {@link CliUsageError} that names the flag. */
export function parseCostCli(argv: readonly string[], cwd = process.cwd()): CostCommand {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: optionSpec, allowPositionals: false, strict: true });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.series !== undefined && values.catalog !== undefined) {
    throw new CliUsageError('give --series N or --catalog FILE, not both');
  }
  if (values.series === undefined && values.catalog === undefined) {
    throw new CliUsageError('--series N (a catalog of N series) or --catalog FILE is required');
  }
  if (values.years === undefined)
    throw new CliUsageError('--years Y is required (years of history to backfill)');
  const region = values.region ?? 'us-east-1';
  const regions = priceRegions();
  if (!regions.includes(region)) {
    throw new CliUsageError(
      `--region must be one with a price table (${regions.join(', ')}), got "${region}"`,
    );
  }
  return {
    kind: 'estimate',
    options: {
      ...(values.series === undefined ? {} : { series: integer('--series', values.series, 1, 100_000) }),
      ...(values.catalog === undefined ? {} : { catalogFile: resolve(cwd, values.catalog) }),
      years: positive('--years', values.years, 100),
      region,
      json: values.json === true,
      sampleSeries: integer('--sample-series', values['sample-series'] ?? '2', 1, 20),
      windowDays: integer('--window-days', values['window-days'] ?? '365', 14, 3_650),
    },
  };
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CliUsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

function positive(flag: string, text: string, max: number): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0) || value > max) {
    throw new CliUsageError(`${flag} must be a number of years above 0 and at most ${max}, got "${text}"`);
  }
  return value;
}

export const costUsage = `Usage: npm run cost -- (--series N | --catalog FILE) --years Y [--region R] [--json]

Estimates what a backfill of Y years and a month of steady state after it cost on AWS, for a catalog of N
series (like the first series of the built-in catalog) or the catalog in FILE (a JSON array), beside the
naive design (one source request, one message and one PutItem per date). Both designs are measured through
the local stack on a small sample (the catalog's first series, over two windows up to today), scaled to the
catalog and priced with the same model at the region's list prices (tools/cost/prices).

Options:
  --series N          a catalog of N series like the sample
  --catalog FILE      the catalog to estimate (its own series count)
  --years Y           years of history to backfill (e.g. 10, or 0.5)
  --region R          prices of this region (default us-east-1; tables: tools/cost/prices)
  --json              print one JSON document on stdout (progress goes to stderr)
  --sample-series K   series of the measuring runs (default 2)
  --window-days D     the shorter measuring window (default 365; the longer is twice it)
  -h, --help          this text
`;
