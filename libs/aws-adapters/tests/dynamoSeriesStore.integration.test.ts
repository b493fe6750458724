import {
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatIsoDate,
  ItemStatus,
  parseIsoDate,
  type DateClaimRequest,
  type Day,
  type DueItem,
  type DueLease,
  type SeriesStore,
} from '@gapless/pipeline-core';
import { createDynamoSeriesStore } from '../src/dynamoSeriesStore.js';
import { toAttributeMap } from '../src/itemAttributes.js';
import { shardOf } from '../src/shard.js';
import { createPipelineTable } from './createPipelineTable.js';

// dynalite (the DynamoDB API in Node) in this process, on loopback, spoken to over HTTP by the real SDK.
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: { createTableMs: number }) => Server;
const server = dynalite({ createTableMs: 0 });
const tableName = 'gapless-integration';
const due = '2024-03-01T12:00:00.000Z';
const afterDue = '2024-03-01T13:00:00.000Z';
const beforeDue = '2024-03-01T11:00:00.000Z';
/** Where a claim pushes a date or a lease while its delivery works on it. */
const inflightDue = '2024-03-01T14:00:00.000Z';
let endpoint: string;
let client: DynamoDBClient;
let store: SeriesStore;
const extraClients: DynamoDBClient[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpoint = `http://127.0.0.1:${port}`;
  client = makeClient();
  await createPipelineTable(client, tableName);
  store = createDynamoSeriesStore({ tableName, client, sleep: async () => {} });
});

afterAll(async () => {
  client.destroy();
  for (const extra of extraClients) extra.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function makeClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
}

/** A store on a client of its own, so a test can put middleware on the calls that store makes. */
function makeStoreWithClient(): { store: SeriesStore; client: DynamoDBClient } {
  const own = makeClient();
  extraClients.push(own);
  return { store: createDynamoSeriesStore({ tableName, client: own, sleep: async () => {} }), client: own };
}

/** Holds each party after its Query answered until every party has read: racers that read the same state. */
function readTogether(target: DynamoDBClient, barrier: () => Promise<void>): void {
  target.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') await barrier();
      return result;
    },
    { step: 'initialize', name: 'readTogether' },
  );
}

function makeBarrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  return async () => {
    arrived += 1;
    if (arrived === parties) open();
    await opened;
  };
}

/**
 * Loses the answer of the next UpdateItem the client sends, as when the SDK retries a write that had
 * committed: the write is sent again, and that second send (refused by its own condition) is the answer.
 * The returned record says what the repeated send got, so a test knows the refusal path really ran.
 */
function loseNextUpdateAnswer(target: DynamoDBClient): { refusal?: string } {
  const record: { refusal?: string } = {};
  let pending = 1;
  target.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'UpdateItemCommand' || pending === 0) return next(args);
      pending -= 1;
      await next(args);
      try {
        return await next(args);
      } catch (error) {
        record.refusal = error instanceof Error ? error.name : String(error);
        throw error;
      }
    },
    { step: 'initialize', name: 'loseNextUpdateAnswer' },
  );
  return record;
}

function makeDays(iso: string, count: number): Day[] {
  const first = parseIsoDate(iso);
  return Array.from({ length: count }, (_, index) => first + index);
}

async function readItem(infoType: string, day: Day): Promise<Record<string, AttributeValue> | undefined> {
  const key = { info_type: { S: infoType }, date: { S: formatIsoDate(day) } };
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** Due dates of one series, from every shard of the retry-due index. */
async function dueOf(infoType: string, nowIso: string): Promise<DueItem[]> {
  const { dates } = await store.dueItems(nowIso);
  return dates.filter((item) => item.infoType === infoType).sort((a, b) => a.day - b.day);
}

/** Due leases of one series. */
async function dueLeasesOf(infoType: string, nowIso: string): Promise<DueLease[]> {
  const { leases } = await store.dueItems(nowIso);
  return leases.filter((lease) => lease.infoType === infoType);
}

/** A PENDING placeholder as data_clustering wrote them before the work ledger: no `attempts`. */
async function putLegacyItem(
  infoType: string,
  day: Day,
  status: ItemStatus,
  retryCount: number,
): Promise<void> {
  const item = toAttributeMap({
    infoType,
    day,
    value: null,
    status,
    retryCount,
    updatedAt: '2024-02-01T00:00:00.000Z',
    retryDue: due,
  });
  await client.send(new PutItemCommand({ TableName: tableName, Item: item }));
}

function claimRequest(token: string, overrides: Partial<DateClaimRequest> = {}): DateClaimRequest {
  return { token, maxAttempts: 6, attemptsWithoutItem: 1, retryDue: inflightDue, ...overrides };
}

describe('createDynamoSeriesStore against dynalite', () => {
  it('writes good values as OK items off both indexes, and presentDays bounds the range', async () => {
    // Prepare
    const series = 'TEST#PRESENT';
    const days = makeDays('2024-01-01', 60);
    const values = days.map((day, index) => ({ day, value: 4 + index / 100 }));

    // Act
    const written = await store.writeValues(series, 'simulated', values);

    // Assess
    expect(written).toEqual({ unwritten: [], calls: 3, unprocessedRetries: 0 });
    expect(Array.from(await store.presentDays(series))).toEqual(days);
    expect(Array.from(await store.presentDays(series, days[50]))).toEqual(days.slice(50));
    expect(Array.from(await store.presentDays(series, days[10], days[19]))).toEqual(days.slice(10, 20));
    expect(Array.from(await store.presentDays(series, undefined, days[4]))).toEqual(days.slice(0, 5));
    expect(await dueOf(series, afterDue)).toEqual([]);
    const ok = await readItem(series, days[0] as Day);
    expect(ok).toMatchObject({ status: { S: 'OK' }, value: { N: '4' }, source: { S: 'simulated' } });
    expect(ok).not.toHaveProperty('retry_shard');
    expect(ok).not.toHaveProperty('quarantine_shard');
  });

  it('walks (none) -> RETRY -> QUARANTINED -> RETRY with conditional updates, never touching OK', async () => {
    // Prepare
    const series = 'TEST#MACHINE';
    const [good, failing, missing] = makeDays('2024-01-01', 3) as [Day, Day, Day];
    await store.writeValues(series, 'simulated', [{ day: good, value: 1.5 }]);
    const okBefore = await readItem(series, good);
    const failure = (day: Day, attempts: number) => ({
      day,
      error: 'HTTP 504',
      attempts,
      retryDue: due,
      token: 'delivery-a',
    });

    // Act
    const failures = [
      await store.recordFailure(series, failure(good, 1)),
      await store.recordFailure(series, failure(failing, 1)),
      await store.recordFailure(series, failure(failing, 2)),
      await store.recordFailure(series, failure(failing, 1)),
      await store.recordFailure(series, failure(failing, 2)),
    ];
    const failed = await readItem(series, failing);
    const dueEarly = await dueOf(series, beforeDue);
    const dueLate = await dueOf(series, afterDue);
    const deferrals = [
      await store.deferRetry(series, failing, 0, afterDue, inflightDue),
      await store.deferRetry(series, failing, 1, beforeDue, inflightDue),
      await store.deferRetry(series, failing, 1, afterDue, inflightDue),
      await store.deferRetry(series, failing, 1, afterDue, inflightDue),
      await store.deferRetry(series, good, 0, afterDue, inflightDue),
    ];
    const deferred = await readItem(series, failing);
    const quarantines = [
      await store.quarantine(series, failing, 'HTTP 500', 3),
      await store.quarantine(series, failing, 'HTTP 500', 2),
      await store.quarantine(series, good, 'HTTP 500', 2),
      await store.quarantine(series, missing, 'never answered', 6),
      await store.quarantine(series, missing, 'never answered', 6),
      await store.recordFailure(series, failure(failing, 6)),
    ];
    const quarantined = {
      failing: await readItem(series, failing),
      missing: await readItem(series, missing),
      listed: (await store.listQuarantined(series)).map((item) => item.day),
      due: await dueOf(series, afterDue),
    };
    const releases = [
      await store.release(series, failing, due),
      await store.release(series, failing, due),
      await store.release(series, good, due),
    ];
    const released = {
      failing: await readItem(series, failing),
      listed: await store.listQuarantined(series),
      due: (await dueOf(series, afterDue)).map((item) => [item.day, item.retryCount]),
    };

    // Assess
    expect(failures).toEqual(['left-alone', 'recorded', 'recorded', 'left-alone', 'recorded']);
    expect(failed).toMatchObject({
      status: { S: 'RETRY' },
      value: { NULL: true },
      attempts: { N: '2' },
      retry_count: { N: '1' },
      last_error: { S: 'HTTP 504' },
      retry_shard: { S: `RETRY#${shardOf(series, formatIsoDate(failing))}` },
      retry_due: { S: due },
    });
    expect(dueEarly).toEqual([]);
    expect(dueLate).toEqual([
      { infoType: series, day: failing, status: 'RETRY', retryCount: 1, lastError: 'HTTP 504' },
    ]);
    expect(deferrals).toEqual([false, false, true, false, false]);
    expect(deferred).toMatchObject({
      retry_due: { S: inflightDue },
      retry_count: { N: '1' },
      attempts: { N: '2' },
    });
    expect(quarantines).toEqual([false, true, false, true, false, 'left-alone']);
    expect(quarantined.failing).toMatchObject({
      status: { S: 'QUARANTINED' },
      retry_count: { N: '1' },
      last_error: { S: 'HTTP 500' },
      quarantine_shard: { S: `QUARANTINE#${shardOf(series, formatIsoDate(failing))}` },
      quarantine_key: { S: `${series}#${formatIsoDate(failing)}` },
    });
    expect(quarantined.failing).not.toHaveProperty('retry_due');
    expect(quarantined.missing).toMatchObject({
      status: { S: 'QUARANTINED' },
      value: { NULL: true },
      retry_count: { N: '5' },
      last_error: { S: 'never answered' },
    });
    expect(quarantined.listed).toEqual([failing, missing]);
    expect(quarantined.due).toEqual([]);
    expect(releases).toEqual([true, false, false]);
    expect(released.failing).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '0' },
      retry_count: { N: '0' },
      last_error: { S: 'HTTP 500' },
      claim_token: { S: expect.stringMatching(/^released:\d{4}-\d{2}-\d{2}T/) },
    });
    expect(released.failing).not.toHaveProperty('quarantine_key');
    expect(released.listed).toEqual([
      {
        infoType: series,
        day: missing,
        status: 'QUARANTINED',
        retryCount: 5,
        lastError: 'never answered',
        updatedAt: expect.any(String),
      },
    ]);
    expect(released.due).toEqual([[failing, 0]]);
    expect(await readItem(series, good)).toEqual(okBefore);
  });

  it('lists quarantined dates per series (prefix on the index sort key) and across series', async () => {
    // Prepare
    const days = makeDays('2024-02-01', 12);
    for (const series of ['TEST#Q', 'TEST#QX']) {
      for (const day of days)
        expect(await store.quarantine(series, day, `gave up on ${series}`, 6)).toBe(true);
    }

    // Act
    const one = await store.listQuarantined('TEST#Q');
    const all = await store.listQuarantined();

    // Assess
    expect(one.map((item) => item.day)).toEqual(days);
    expect(one.every((item) => item.infoType === 'TEST#Q' && item.retryCount === 5)).toBe(true);
    expect(one[0]).toMatchObject({ lastError: 'gave up on TEST#Q', updatedAt: expect.any(String) });
    const mine = all.filter((item) => item.infoType.startsWith('TEST#Q'));
    expect(mine.map((item) => `${item.infoType} ${formatIsoDate(item.day)}`)).toEqual([
      ...days.map((day) => `TEST#Q ${formatIsoDate(day)}`),
      ...days.map((day) => `TEST#QX ${formatIsoDate(day)}`),
    ]);
  });

  it('round-trips the watermarks in their one partition, ignoring the per-series items of older tables', async () => {
    // Prepare: a watermark item as tables before the watermarks' partition hold it.
    const series = 'TEST#WATERMARK';
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { info_type: { S: `META#${series}` }, date: { S: 'watermark' }, through: { S: '2024-03-05' } },
      }),
    );

    // Act
    const before = (await store.readWatermarks()).get(series);
    await store.writeWatermarks(new Map([[series, parseIsoDate('2024-02-29')]]));
    await store.writeWatermarks(new Map([[series, parseIsoDate('2024-03-01')]]));

    // Assess
    expect(before).toBeUndefined();
    expect((await store.readWatermarks()).get(series)).toBe(parseIsoDate('2024-03-01'));
    expect(Array.from(await store.presentDays(series))).toEqual([]);
    const stored = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { info_type: { S: 'META#WATERMARK' }, date: { S: series } },
      }),
    );
    expect(stored.Item?.['through']).toEqual({ S: '2024-03-01' });
  });
});

describe('the work ledger against dynalite: leases', () => {
  it('lives a lease: opened once, listed and due, claimed once, deferred only when due, closed', async () => {
    // Prepare
    const series = 'TEST#LEASE';
    const [first, last] = [parseIsoDate('2024-01-02'), parseIsoDate('2024-01-31')];
    const lease = { infoType: series, id: 'lease-1', first, last, retryDue: due };
    const later = '2024-03-01T15:00:00.000Z';
    const whenDue = '2024-03-01T14:30:00.000Z';

    // Act
    const opens = [await store.openLease(lease), await store.openLease({ ...lease, id: 'lease-2' })];
    const opened = {
      listed: await store.listLeases(series),
      read: await store.getLease(series, first),
      present: Array.from(await store.presentDays(series)),
      dueEarly: await dueLeasesOf(series, beforeDue),
      dueLate: await dueLeasesOf(series, afterDue),
      datesDue: await dueOf(series, afterDue),
    };
    const claims = [
      await store.claimLease(series, first, 'lease-2', 'delivery-a', inflightDue),
      await store.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue),
      await store.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue),
      await store.claimLease(series, first, 'lease-1', 'delivery-b', inflightDue),
    ];
    const claimed = { read: await store.getLease(series, first), due: await dueLeasesOf(series, afterDue) };
    const deferrals = [
      await store.deferLease(series, first, 'lease-1', afterDue, later),
      await store.deferLease(series, first, 'lease-2', whenDue, later),
      await store.deferLease(series, first, 'lease-1', whenDue, later),
      await store.deferLease(series, first, 'lease-1', whenDue, later),
    ];
    const deferred = await store.getLease(series, first);
    await store.closeLease(series, first, 'lease-2');
    const afterOtherClose = await store.getLease(series, first);
    await store.closeLease(series, first, 'lease-1');
    await store.closeLease(series, first, 'lease-1');
    const closed = {
      read: await store.getLease(series, first),
      listed: await store.listLeases(series),
      claim: await store.claimLease(series, first, 'lease-1', 'delivery-c', inflightDue),
      deferral: await store.deferLease(series, first, 'lease-1', whenDue, later),
      reopened: await store.openLease({ ...lease, id: 'lease-3' }),
    };

    // Assess
    expect(opens).toEqual([true, false]);
    expect(opened).toEqual({
      listed: [{ ...lease, asks: 0 }],
      read: { ...lease, asks: 0 },
      present: [],
      dueEarly: [],
      dueLate: [{ infoType: series, first }],
      datesDue: [],
    });
    expect(claims).toEqual([
      { kind: 'gone' },
      { kind: 'claimed' },
      { kind: 'claimed' },
      { kind: 'taken', asks: 1 },
    ]);
    expect(claimed).toEqual({ read: { ...lease, asks: 1, retryDue: inflightDue }, due: [] });
    expect(deferrals).toEqual([false, false, true, false]);
    expect(deferred?.retryDue).toBe(later);
    expect(afterOtherClose).toBeDefined();
    expect(closed).toEqual({
      read: undefined,
      listed: [],
      claim: { kind: 'gone' },
      deferral: false,
      reopened: true,
    });
  });

  it("recognises a lease claim whose answer was lost (the SDK's retry refused) as the delivery's own", async () => {
    // Prepare
    const series = 'TEST#LEASE-LOST';
    const first = parseIsoDate('2024-01-02');
    await store.openLease({ infoType: series, id: 'lease-1', first, last: first, retryDue: due });
    const lossy = makeStoreWithClient();
    const replay = loseNextUpdateAnswer(lossy.client);

    // Act
    const claim = await lossy.store.claimLease(series, first, 'lease-1', 'delivery-a', inflightDue);

    // Assess
    expect(replay.refusal).toBe('ConditionalCheckFailedException');
    expect(claim).toEqual({ kind: 'claimed' });
    expect(await store.claimLease(series, first, 'lease-1', 'delivery-b', inflightDue)).toEqual({
      kind: 'taken',
      asks: 1,
    });
  });
});

describe('the work ledger against dynalite: date claims', () => {
  it('gives each date to exactly one of two deliveries that claim it at the same moment', async () => {
    // Prepare
    const series = 'TEST#RACE';
    const days = makeDays('2024-01-01', 8);
    const [good, failed] = days as [Day, Day];
    await store.writeValues(series, 'simulated', [{ day: good, value: 2.5 }]);
    await store.recordFailure(series, {
      day: failed,
      error: 'HTTP 504',
      attempts: 1,
      retryDue: due,
      token: 'delivery-0',
    });
    const barrier = makeBarrier(2);
    const racers = [makeStoreWithClient(), makeStoreWithClient()];
    for (const racer of racers) readTogether(racer.client, barrier);

    // Act
    const [claimsA, claimsB] = await Promise.all([
      racers[0]?.store.claimDates(series, days, claimRequest('delivery-a')),
      racers[1]?.store.claimDates(series, days, claimRequest('delivery-b')),
    ]);

    // Assess
    expect(claimsA?.get(good)).toEqual({ kind: 'done' });
    expect(claimsB?.get(good)).toEqual({ kind: 'done' });
    for (const day of days.slice(1)) {
      const outcomes = [claimsA?.get(day), claimsB?.get(day)];
      const winners = outcomes.filter((claim) => claim?.kind === 'claimed');
      expect(winners).toEqual([{ kind: 'claimed', attempts: 2 }]);
      expect(outcomes.filter((claim) => claim?.kind === 'busy')).toHaveLength(1);
      const winner = claimsA?.get(day)?.kind === 'claimed' ? 'delivery-a' : 'delivery-b';
      expect(await readItem(series, day)).toMatchObject({
        status: { S: 'RETRY' },
        attempts: { N: '2' },
        retry_count: { N: '1' },
        claim_token: { S: winner },
        retry_due: { S: inflightDue },
      });
    }
  });

  it("recognises a date claim whose answer was lost as the delivery's own, and a token never claims twice", async () => {
    // Prepare
    const series = 'TEST#CLAIM-LOST';
    const day = parseIsoDate('2024-01-02');
    const lossy = makeStoreWithClient();
    const replay = loseNextUpdateAnswer(lossy.client);

    // Act
    const lost = await lossy.store.claimDates(series, [day], claimRequest('delivery-a'));
    const again = await store.claimDates(series, [day], claimRequest('delivery-a'));
    const afterIt = await readItem(series, day);
    const other = await store.claimDates(series, [day], claimRequest('delivery-b'));

    // Assess
    expect(replay.refusal).toBe('ConditionalCheckFailedException');
    expect(lost.get(day)).toEqual({ kind: 'claimed', attempts: 2 });
    expect(again.get(day)).toEqual({ kind: 'claimed', attempts: 2 });
    expect(afterIt).toMatchObject({ attempts: { N: '2' }, claim_token: { S: 'delivery-a' } });
    expect(other.get(day)).toEqual({ kind: 'claimed', attempts: 3 });
    expect(await readItem(series, day)).toMatchObject({
      attempts: { N: '3' },
      claim_token: { S: 'delivery-b' },
    });
  });

  it('claims at most maxAttempts attempts on a date, then answers spent with its last error', async () => {
    // Prepare
    const series = 'TEST#BUDGET';
    const day = parseIsoDate('2024-01-02');
    const maxAttempts = 3;
    const claims: unknown[] = [];

    // Act
    for (let delivery = 1; delivery <= maxAttempts + 1; delivery += 1) {
      const claim = (
        await store.claimDates(
          series,
          [day],
          claimRequest(`delivery-${delivery}`, { maxAttempts, attemptsWithoutItem: 0 }),
        )
      ).get(day);
      claims.push(claim);
      if (claim?.kind === 'claimed')
        await store.recordFailure(series, {
          day,
          error: `HTTP 50${delivery}`,
          attempts: claim.attempts,
          retryDue: due,
          token: `delivery-${delivery}`,
        });
    }

    // Assess
    expect(claims).toEqual([
      { kind: 'claimed', attempts: 1 },
      { kind: 'claimed', attempts: 2 },
      { kind: 'claimed', attempts: 3 },
      { kind: 'spent', attempts: 3, lastError: 'HTTP 503' },
    ]);
    expect(await readItem(series, day)).toMatchObject({ attempts: { N: '3' }, retry_count: { N: '2' } });
  });

  it('gives a released date its full budget: the next claim is attempt 1', async () => {
    // Prepare
    const series = 'TEST#RELEASE';
    const day = parseIsoDate('2024-01-02');
    await store.recordFailure(series, {
      day,
      error: 'HTTP 500',
      attempts: 6,
      retryDue: due,
      token: 'delivery-0',
    });
    const spent = (await store.claimDates(series, [day], claimRequest('delivery-a'))).get(day);
    const quarantined = await store.quarantine(series, day, 'HTTP 500', 6);

    // Act
    const released = await store.release(series, day, due);
    const claim = (await store.claimDates(series, [day], claimRequest('delivery-b'))).get(day);

    // Assess
    expect(spent).toEqual({ kind: 'spent', attempts: 6, lastError: 'HTTP 500' });
    expect(quarantined).toBe(true);
    expect(released).toBe(true);
    expect(claim).toEqual({ kind: 'claimed', attempts: 1 });
    expect(await readItem(series, day)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '1' },
      retry_count: { N: '0' },
      claim_token: { S: 'delivery-b' },
    });
  });

  it('treats a PENDING item of a table before the ledger as one attempt made: it comes due and claims attempt 2', async () => {
    // Prepare
    const series = 'TEST#LEGACY';
    const [pending, retried] = makeDays('2024-01-02', 2) as [Day, Day];
    await putLegacyItem(series, pending, ItemStatus.Pending, 0);
    await putLegacyItem(series, retried, ItemStatus.Retry, 2);
    const dueBefore = await dueOf(series, afterDue);

    // Act
    const claims = await store.claimDates(series, [pending, retried], claimRequest('delivery-a'));

    // Assess
    expect(dueBefore).toEqual([
      { infoType: series, day: pending, status: 'PENDING', retryCount: 0 },
      { infoType: series, day: retried, status: 'RETRY', retryCount: 2 },
    ]);
    expect(claims).toEqual(
      new Map([
        [pending, { kind: 'claimed', attempts: 2 }],
        [retried, { kind: 'claimed', attempts: 4 }],
      ]),
    );
    expect(await readItem(series, pending)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '2' },
      retry_count: { N: '1' },
      claim_token: { S: 'delivery-a' },
    });
    const report = { day: pending, retryDue: due, token: 'delivery-a' };
    expect(await store.recordFailure(series, { ...report, error: 'late', attempts: 1 })).toBe('left-alone');
    expect(await store.recordFailure(series, { ...report, error: 'HTTP 504', attempts: 2 })).toBe('recorded');
  });

  it('records a failure on an item before the ledger only if it is not behind its retries spent', async () => {
    // Prepare
    const series = 'TEST#LEGACY-FAILURE';
    const day = parseIsoDate('2024-01-02');
    await putLegacyItem(series, day, ItemStatus.Retry, 2);
    const failure = (attempts: number) => ({
      day,
      error: 'HTTP 504',
      attempts,
      retryDue: due,
      token: 'delivery-a',
    });

    // Act
    const older = await store.recordFailure(series, failure(2));
    const current = await store.recordFailure(series, failure(3));

    // Assess
    expect([older, current]).toEqual(['left-alone', 'recorded']);
    expect(await readItem(series, day)).toMatchObject({ attempts: { N: '3' }, retry_count: { N: '2' } });
  });
});

describe('the work ledger against dynalite: a good value stays good', () => {
  it('no bookkeeping write ever turns an OK item into anything else', async () => {
    // Prepare
    const series = 'TEST#OK';
    const day = parseIsoDate('2024-01-02');
    await store.writeValues(series, 'simulated', [{ day, value: 5.25 }]);
    const okBefore = await readItem(series, day);
    const lease = { infoType: series, id: 'lease-1', first: day, last: day, retryDue: due };

    // Act
    const outcomes = [
      await store.recordFailure(series, { day, error: 'HTTP 504', attempts: 1, retryDue: due, token: 'd-a' }),
      await store.recordFailure(series, {
        day,
        error: 'HTTP 504',
        attempts: 99,
        retryDue: due,
        token: 'd-b',
      }),
      await store.deferRetry(series, day, 0, afterDue, inflightDue),
      await store.quarantine(series, day, 'HTTP 500', 6),
      await store.quarantine(series, day, 'HTTP 500', 0),
      await store.release(series, day, due),
      (await store.claimDates(series, [day], claimRequest('delivery-a'))).get(day),
      (await store.claimDates(series, [day], claimRequest('delivery-b', { attemptsWithoutItem: 9 }))).get(
        day,
      ),
      await store.openLease(lease),
      await store.claimLease(series, day, 'lease-1', 'delivery-a', inflightDue),
      await store.deferLease(series, day, 'lease-1', '2024-03-01T14:30:00.000Z', '2024-03-01T15:00:00.000Z'),
      await store.closeLease(series, day, 'lease-1'),
    ];

    // Assess
    expect(outcomes).toEqual([
      'left-alone',
      'left-alone',
      false,
      false,
      false,
      false,
      { kind: 'done' },
      { kind: 'done' },
      true,
      { kind: 'claimed' },
      true,
      undefined,
    ]);
    expect(await readItem(series, day)).toEqual(okBefore);
    expect(Array.from(await store.presentDays(series))).toEqual([day]);
    expect(await dueOf(series, afterDue)).toEqual([]);
    expect(await store.listQuarantined(series)).toEqual([]);
  });
});

describe('the work ledger against dynalite: late failure reports', () => {
  it("leaves a failure report from another delivery's token alone, even one whose attempts are not behind", async () => {
    // Prepare
    const series = 'TEST#OTHER-TOKEN';
    const day = parseIsoDate('2024-01-02');
    await store.claimDates(series, [day], claimRequest('delivery-a'));
    await store.claimDates(series, [day], claimRequest('delivery-b'));
    const report = (token: string, attempts: number, error: string) => ({
      day,
      error,
      attempts,
      retryDue: due,
      token,
    });

    // Act
    const outcomes = [
      await store.recordFailure(series, report('delivery-a', 2, 'HTTP 504 of a')),
      await store.recordFailure(series, report('delivery-a', 3, 'HTTP 504 of a')),
      await store.recordFailure(series, report('delivery-b', 3, 'HTTP 503 of b')),
    ];

    // Assess
    expect(outcomes).toEqual(['left-alone', 'left-alone', 'recorded']);
    expect(await readItem(series, day)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '3' },
      retry_count: { N: '2' },
      claim_token: { S: 'delivery-b' },
      last_error: { S: 'HTTP 503 of b' },
    });
  });

  it('leaves a failure report from before a release alone: the release put a token no delivery holds', async () => {
    // Prepare
    const series = 'TEST#BEFORE-RELEASE';
    const day = parseIsoDate('2024-01-02');
    const maxAttempts = 2;
    const claim = (await store.claimDates(series, [day], claimRequest('delivery-a', { maxAttempts }))).get(
      day,
    );
    const quarantined = await store.quarantine(series, day, 'HTTP 500', maxAttempts);
    const released = await store.release(series, day, due);

    // Act
    const outcome = await store.recordFailure(series, {
      day,
      error: 'late HTTP 504',
      attempts: maxAttempts,
      retryDue: afterDue,
      token: 'delivery-a',
    });

    // Assess
    expect([claim, quarantined, released]).toEqual([{ kind: 'claimed', attempts: 2 }, true, true]);
    expect(outcome).toBe('left-alone');
    expect(await readItem(series, day)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '0' },
      retry_count: { N: '0' },
      last_error: { S: 'HTTP 500' },
      retry_due: { S: due },
      claim_token: { S: expect.stringMatching(/^released:/) },
    });
    expect(await dueOf(series, afterDue)).toEqual([
      { infoType: series, day, status: 'RETRY', retryCount: 0, lastError: 'HTTP 500' },
    ]);
  });

  it('leaves a report of no attempt alone on a PENDING item before the ledger (it made one)', async () => {
    // Prepare
    const series = 'TEST#LEGACY-ZERO';
    const day = parseIsoDate('2024-01-02');
    await putLegacyItem(series, day, ItemStatus.Pending, 0);
    const report = { day, error: 'HTTP 504', retryDue: due, token: 'delivery-a' };

    // Act
    const none = await store.recordFailure(series, { ...report, attempts: 0 });
    const first = await store.recordFailure(series, { ...report, attempts: 1 });

    // Assess
    expect([none, first]).toEqual(['left-alone', 'recorded']);
    expect(await readItem(series, day)).toMatchObject({ attempts: { N: '1' }, retry_count: { N: '0' } });
  });
});

describe('the work ledger against dynalite: quarantine takes only a spent date', () => {
  it('refuses a released date (attempts 0) and one with attempts left; takes a spent one and one without item', async () => {
    // Prepare: 1 + MAX_RETRIES = 3
    const series = 'TEST#QUARANTINE-BUDGET';
    const [released, withBudget, spent, missing] = makeDays('2024-01-02', 4) as [Day, Day, Day, Day];
    const maxAttempts = 3;
    await store.claimDates(
      series,
      [released, spent],
      claimRequest('delivery-a', { maxAttempts, attemptsWithoutItem: 2 }),
    );
    await store.claimDates(series, [withBudget], claimRequest('delivery-a', { maxAttempts }));
    await store.quarantine(series, released, 'HTTP 500', maxAttempts);
    await store.release(series, released, due);

    // Act
    const outcomes = [
      await store.quarantine(series, released, 'stale index read', maxAttempts),
      await store.quarantine(series, withBudget, 'stale index read', maxAttempts),
      await store.quarantine(series, spent, 'HTTP 500', maxAttempts),
      await store.quarantine(series, missing, 'never answered', maxAttempts),
    ];

    // Assess
    expect(outcomes).toEqual([false, false, true, true]);
    expect(await readItem(series, released)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '0' },
      retry_count: { N: '0' },
      last_error: { S: 'HTTP 500' },
    });
    expect(await readItem(series, withBudget)).toMatchObject({
      status: { S: 'RETRY' },
      attempts: { N: '2' },
      retry_count: { N: '1' },
    });
    expect(await readItem(series, spent)).toMatchObject({
      status: { S: 'QUARANTINED' },
      attempts: { N: '3' },
      retry_count: { N: '2' },
      last_error: { S: 'HTTP 500' },
    });
    expect(await readItem(series, missing)).toMatchObject({
      status: { S: 'QUARANTINED' },
      value: { NULL: true },
      retry_count: { N: '2' },
      last_error: { S: 'never answered' },
    });
    expect((await store.listQuarantined(series)).map((item) => item.day)).toEqual([spent, missing]);
    expect((await dueOf(series, afterDue)).map((item) => item.day)).toEqual([released]);
  });

  it('takes an item before the ledger (no attempts) only when its retry_count is MAX_RETRIES', async () => {
    // Prepare: 1 + MAX_RETRIES = 6
    const series = 'TEST#QUARANTINE-LEGACY';
    const days = makeDays('2024-01-02', 4) as [Day, Day, Day, Day];
    const [retrySpent, retryLeft, pendingSpent, pendingLeft] = days;
    await putLegacyItem(series, retrySpent, ItemStatus.Retry, 5);
    await putLegacyItem(series, retryLeft, ItemStatus.Retry, 4);
    await putLegacyItem(series, pendingSpent, ItemStatus.Pending, 5);
    await putLegacyItem(series, pendingLeft, ItemStatus.Pending, 0);

    // Act
    const outcomes = [];
    for (const day of days) outcomes.push(await store.quarantine(series, day, 'gave up', 6));

    // Assess
    expect(outcomes).toEqual([true, false, true, false]);
    expect(await readItem(series, retrySpent)).toMatchObject({
      status: { S: 'QUARANTINED' },
      retry_count: { N: '5' },
    });
    expect(await readItem(series, retrySpent)).not.toHaveProperty('attempts');
    expect(await readItem(series, retryLeft)).toMatchObject({
      status: { S: 'RETRY' },
      retry_count: { N: '4' },
    });
    expect(await readItem(series, pendingLeft)).toMatchObject({
      status: { S: 'PENDING' },
      retry_count: { N: '0' },
    });
    expect((await store.listQuarantined(series)).map((item) => item.day)).toEqual([retrySpent, pendingSpent]);
  });
});
