import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoSeriesStore } from '@gapless/aws-adapters';
import { formatIsoDate, parseIsoDate, type QuarantinedItem, type SeriesStore } from '@gapless/pipeline-core';
import { startEmulators } from './emulators.js';
import { defaultChainOrEmulatorKeys, emulatorCredentials } from './toolCredentials.js';

export interface StoreLocation {
  readonly tableName: string;
  /** A local stack's data directory; absent: the endpoint the standard variables name, or AWS. */
  readonly dataDir?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Dates set aside for an operator in plain form, as `quarantine list` prints them: `QUARANTINED` (every
 * attempt failed) or `ABSENT` (the source never published the date, though it published those around it).
 */
export interface QuarantineListing {
  readonly infoType: string;
  readonly date: string;
  readonly status: 'QUARANTINED' | 'ABSENT';
  readonly retryCount: number;
  readonly lastError: string;
  readonly updatedAt?: string;
}

/** Lists the QUARANTINED and ABSENT dates (of one series, or all) through the store and its sparse index. */
export async function listQuarantine(location: StoreLocation, series?: string): Promise<QuarantineListing[]> {
  return withStore(location, async (store) => (await store.listQuarantined(series)).map(toListing));
}

/**
 * Puts QUARANTINED and ABSENT dates of `series` back into the retry path with a fresh budget (due now): those in
 * `[from, to]` (ISO, inclusive; either end open). The next run's retry_recheck re-enqueues them.
 * Returns the dates released.
 */
export async function releaseQuarantine(
  location: StoreLocation,
  series: string,
  range: { readonly from?: string; readonly to?: string },
): Promise<string[]> {
  const from = range.from === undefined ? -Infinity : parseIsoDate(range.from);
  const to = range.to === undefined ? Infinity : parseIsoDate(range.to);
  return withStore(location, async (store) => {
    const released: string[] = [];
    const due = new Date().toISOString();
    for (const item of await store.listQuarantined(series)) {
      if (item.day < from || item.day > to) continue;
      if (await store.release(item.infoType, item.day, due)) released.push(formatIsoDate(item.day));
    }
    return released;
  });
}

function toListing(item: QuarantinedItem): QuarantineListing {
  return {
    infoType: item.infoType,
    date: formatIsoDate(item.day),
    status: item.status,
    retryCount: item.retryCount,
    lastError: item.lastError ?? '',
    ...(item.updatedAt === undefined ? {} : { updatedAt: item.updatedAt }),
  };
}

async function withStore<T>(location: StoreLocation, work: (store: SeriesStore) => Promise<T>): Promise<T> {
  const env = location.env ?? process.env;
  const emulators = location.dataDir ? await startEmulators({ dataDir: location.dataDir }) : undefined;
  const region = env.AWS_REGION ?? 'us-east-1';
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL;
  const client = new DynamoDBClient({
    region,
    // Our own emulators: the keys the local stack gives its functions. Someone else's endpoint or a real
    // account: the keys the functions resolve from this environment (DynamoDB Local keeps tables per key).
    ...(emulators
      ? { endpoint: emulators.dynamoEndpoint, credentials: emulatorCredentials }
      : endpoint
        ? { endpoint, credentials: defaultChainOrEmulatorKeys(region) }
        : {}),
  });
  try {
    return await work(createDynamoSeriesStore({ tableName: location.tableName, client }));
  } finally {
    client.destroy();
    await emulators?.stop();
  }
}
