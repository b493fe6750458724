import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { tableDefinition } from '@gapless/aws-adapters';
import { loopbackHost } from './emulators.js';
import { appliedWrites, isSeries } from './appliedWrites.js';
import {
  askingForCapacity,
  callerOf,
  type CapacityCounts,
  consumesCapacity,
  createCapacityLedger,
  withoutAddedCapacity,
} from './dynamoCapacity.js';
import { createIndexWriteCounter } from './indexWrites.js';
import { seededRandom } from './seededRandom.js';

type Json = Record<string, unknown>;
type WriteRequest = { PutRequest?: { Item?: Json }; DeleteRequest?: { Key?: Json } };

export interface ChaosProxyOptions {
  /** The DynamoDB endpoint to forward to (dynalite). */
  readonly target: string;
  /** Share of BatchWriteItem calls that get part of their items back as `UnprocessedItems` (0 = none). */
  readonly unprocessedRate?: number;
  /**
   * Share of item calls (reads and writes, batch ones included) answered with DynamoDB's throttling error
   * instead of being forwarded (0 = none); table management calls always pass.
   */
  readonly throttleRate?: number;
  readonly seed?: number;
}

// Source requests are counted at the source (sourceRequestLog.ts), never from the ledger's writes here.

/** What went through the proxy, per series partition (bookkeeping partitions excluded). */
export interface SeriesTraffic {
  batchWriteCalls: number;
  /** Every item write: batch puts, PutItem and UpdateItem on the series' items. */
  itemWrites: number;
  /** Good values stored: batch puts of `OK` items that DynamoDB processed. */
  okWrites: number;
}

/** One write to a series item that DynamoDB applied, in the order the proxy saw the answers. */
export interface ItemWriteRecord {
  readonly infoType: string;
  readonly date: string;
  readonly operation: 'BatchWriteItem' | 'PutItem' | 'UpdateItem';
  /** The status written; undefined when an update leaves it alone. */
  readonly status?: string;
  /** The value written: a number, null (NULL), or undefined when the write does not set it. */
  readonly value?: number | null;
  /** The retry_count written, when the write sets it. */
  readonly retryCount?: number;
}

export interface ChaosProxy {
  readonly endpoint: string;
  /** Every applied write to a series item (end-to-end tests check that no OK value is overwritten). */
  writeLog(): readonly ItemWriteRecord[];
  traffic(): ReadonlyMap<string, Readonly<SeriesTraffic>>;
  /**
   * Item writes DynamoDB was asked for, as it bills them: each PutItem, UpdateItem and DeleteItem (conditional
   * ones that failed included) and each item of a BatchWriteItem (items sent again after `UnprocessedItems`
   * counted again), bookkeeping included.
   */
  itemWriteRequests(): number;
  /** BatchWriteItem calls that were cut short, and the items handed back as unprocessed. */
  injected(): { readonly batchWrites: number; readonly items: number };
  /**
   * Request units consumed so far, as DynamoDB bills them (see dynamoCapacity.ts): the emulator's
   * `ConsumedCapacity` of every item call (the proxy asks for it), units of refused conditional writes, and
   * the secondary indexes' write units (see indexWrites.ts), which the emulator does not count.
   */
  capacity(): Readonly<CapacityCounts & { readonly indexWriteUnits: number }>;
  /** The same units per calling function (its SDK user agent's `app/<name>`; `unknown` for other clients). */
  capacityByFunction(): ReadonlyMap<string, Readonly<CapacityCounts & { readonly indexWriteUnits: number }>>;
  /** Requests received, by operation (`Query`, ...), throttled ones included: what the clients sent. */
  calls(): ReadonlyMap<string, number>;
  /** Requests answered with the throttling error (never forwarded). */
  throttled(): number;
  stop(): Promise<void>;
}

const targetHeader = 'x-amz-target';

/** The calls on items, which DynamoDB throttles per partition; CreateTable and the like are never throttled. */
const itemOperations: ReadonlySet<string> = new Set([
  'GetItem',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'Query',
  'Scan',
  'BatchGetItem',
  'BatchWriteItem',
  'TransactGetItems',
  'TransactWriteItems',
]);

/**
 * DynamoDB's answer to a throttled call, as it goes over the wire (JSON 1.0 protocol: HTTP 400, the error's
 * shape id in `__type`); the SDK reads `ProvisionedThroughputExceededException` from it and retries.
 */
function throttledAnswer() {
  const body = Buffer.from(
    JSON.stringify({
      __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
      message:
        'The level of configured provisioned throughput for the table was exceeded. ' +
        'Consider increasing your provisioning level with the UpdateTable API.',
    }),
  );
  return {
    status: 400,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-requestid': randomUUID(),
      'x-amz-crc32': String(crc32(body)),
      'content-length': String(body.length),
    },
    body,
  };
}

/**
 * An HTTP proxy in front of the DynamoDB emulator. It always observes (which series were written, how many
 * item writes were asked for, how many calls of each operation) and, with `unprocessedRate`, makes DynamoDB's
 * partial success happen: for a seeded share of BatchWriteItem calls it forwards only some of the items and
 * answers the rest as `UnprocessedItems`, in the real wire format, so the functions' retry loops are
 * exercised over HTTP. With `throttleRate` it answers a seeded share of item calls with DynamoDB's throttling
 * error, forwarding nothing, so the SDK's own retry is exercised too. It counts no source requests: those are
 * counted at the source (see sourceRequestLog.ts).
 */
export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  const target = new URL(options.target);
  const agent = new Agent({ keepAlive: true });
  const random = seededRandom(options.seed ?? 1, 1);
  // A stream of its own: throttling on or off does not change which batch writes are cut short.
  const throttleRandom = seededRandom(options.seed ?? 1, 2);
  const rate = options.unprocessedRate ?? 0;
  const throttleRate = options.throttleRate ?? 0;
  const traffic = new Map<string, SeriesTraffic>();
  const writes: ItemWriteRecord[] = [];
  const calls = new Map<string, number>();
  let itemWriteRequests = 0;
  let throttled = 0;
  const injected = { batchWrites: 0, items: 0 };
  const capacity = createCapacityLedger();
  const indexWrites = createIndexWriteCounter(Object.values(tableDefinition.indexes), [
    tableDefinition.partitionKey,
    tableDefinition.sortKey,
  ]);

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const headers = { ...req.headers, host: target.host, 'content-length': String(body.length) };
      delete headers['accept-encoding'];
      const outgoing = request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers, agent },
        (res) => {
          collect(res).then((data) =>
            resolve({ status: res.statusCode ?? 500, headers: res.headers, body: data }),
          );
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await collect(req);
    const operation = String(req.headers[targetHeader] ?? '').split('.')[1] ?? '';
    if (operation !== '') calls.set(operation, (calls.get(operation) ?? 0) + 1);
    if (throttleRate > 0 && itemOperations.has(operation) && throttleRandom() < throttleRate) {
      throttled += 1;
      const answer = throttledAnswer();
      res.writeHead(answer.status, answer.headers).end(answer.body);
      return;
    }
    const input = operation === '' ? undefined : parseJson(body);
    const cut = operation === 'BatchWriteItem' && input && rate > 0 && random() < rate;
    const plan = cut ? splitBatch(input, random) : undefined;
    const forwarded = plan ? plan.forwarded : input;
    // Every item call asks for its ConsumedCapacity, so the units of the run are DynamoDB's own sizing.
    const measured = forwarded && consumesCapacity(operation) ? askingForCapacity(forwarded) : forwarded;
    const sent = measured === input ? body : Buffer.from(JSON.stringify(measured));
    const answer = plan && plan.count === 0 ? emptyBatchAnswer() : await forward(req, sent);
    if (input) itemWriteRequests += writeRequestsOf(operation, input);
    const output = input && measured !== undefined ? parseJson(answer.body) : undefined;
    const caller = callerOf(req.headers);
    if (measured && !(plan && plan.count === 0))
      capacity.add(caller, operation, measured, answer.status, output);
    if (answer.status === 200 && input && forwarded) {
      observe(operation, forwarded, output, traffic);
      writes.push(...appliedWrites(operation, forwarded, output));
      capacity.addIndexWrites(caller, indexWrites.applied(operation, forwarded, output));
    }
    let payload = answer.body;
    if (input && output && answer.status === 200 && measured !== forwarded) {
      payload = Buffer.from(JSON.stringify(withoutAddedCapacity(input, output)));
    }
    if (plan && answer.status === 200) {
      const base = parseJson(payload) ?? {};
      payload = Buffer.from(JSON.stringify(withUnprocessed(base, plan.withheld)));
      injected.batchWrites += 1;
      injected.items += plan.withheldCount;
    }
    const headers: Record<string, string | string[] | undefined> = {
      ...answer.headers,
      'content-length': String(payload.length),
    };
    if (payload !== answer.body) headers['x-amz-crc32'] = String(crc32(payload));
    res.writeHead(answer.status, headers).end(payload);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`chaos proxy: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, loopbackHost, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${loopbackHost}:${port}`,
    traffic: () => traffic,
    itemWriteRequests: () => itemWriteRequests,
    writeLog: () => [...writes],
    injected: () => ({ ...injected }),
    capacity: () => capacity.total(),
    capacityByFunction: () => capacity.byCaller(),
    calls: () => new Map(calls),
    throttled: () => throttled,
    stop: () =>
      (stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      })),
  };
}

function collect(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parseJson(body: Buffer): Json | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

interface BatchPlan {
  readonly forwarded: Json;
  readonly withheld: Record<string, WriteRequest[]>;
  readonly count: number;
  readonly withheldCount: number;
}

/** Keeps a random prefix of each table's requests (possibly none) and withholds the rest. */
function splitBatch(input: Json, random: () => number): BatchPlan | undefined {
  const requestItems = (input.RequestItems ?? {}) as Record<string, WriteRequest[]>;
  const kept: Record<string, WriteRequest[]> = {};
  const withheld: Record<string, WriteRequest[]> = {};
  let count = 0;
  let withheldCount = 0;
  for (const [table, requests] of Object.entries(requestItems)) {
    const keep = Math.floor(random() * requests.length);
    if (keep > 0) kept[table] = requests.slice(0, keep);
    withheld[table] = requests.slice(keep);
    count += keep;
    withheldCount += requests.length - keep;
  }
  if (withheldCount === 0) return undefined;
  return { forwarded: { ...input, RequestItems: kept }, withheld, count, withheldCount };
}

function emptyBatchAnswer() {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: Buffer.from('{"UnprocessedItems":{}}'),
  };
}

function withUnprocessed(answer: Json, withheld: Record<string, WriteRequest[]>): Json {
  const unprocessed = { ...((answer.UnprocessedItems ?? {}) as Record<string, WriteRequest[]>) };
  for (const [table, requests] of Object.entries(withheld)) {
    unprocessed[table] = [...(unprocessed[table] ?? []), ...requests];
  }
  return { ...answer, UnprocessedItems: unprocessed };
}

/** Writes of one request as DynamoDB bills them: one per single-item write, one per batch item. */
function writeRequestsOf(operation: string, input: Json): number {
  if (operation === 'PutItem' || operation === 'UpdateItem' || operation === 'DeleteItem') return 1;
  if (operation !== 'BatchWriteItem') return 0;
  const requestItems = (input.RequestItems ?? {}) as Record<string, unknown[]>;
  return Object.values(requestItems).reduce((sum, requests) => sum + requests.length, 0);
}

/** Records what a successful request did to series partitions (the work ledger's partitions excluded). */
function observe(
  operation: string,
  input: Json,
  answer: Json | undefined,
  traffic: Map<string, SeriesTraffic>,
): void {
  const of = (infoType: string): SeriesTraffic => {
    let entry = traffic.get(infoType);
    if (!entry) traffic.set(infoType, (entry = { batchWriteCalls: 0, itemWrites: 0, okWrites: 0 }));
    return entry;
  };
  if (operation === 'BatchWriteItem') {
    const sent = countBySeries(input.RequestItems);
    const unprocessed = countBySeries(answer?.UnprocessedItems);
    for (const [infoType, counts] of sent) {
      const left = unprocessed.get(infoType) ?? { items: 0, ok: 0 };
      of(infoType).batchWriteCalls += 1;
      of(infoType).itemWrites += counts.items - left.items;
      of(infoType).okWrites += counts.ok - left.ok;
    }
    return;
  }
  if (operation !== 'PutItem' && operation !== 'UpdateItem') return;
  const record = (operation === 'PutItem' ? input.Item : input.Key) as Json | undefined;
  const infoType = stringAttribute(record, 'info_type');
  if (infoType !== undefined && isSeries(infoType)) of(infoType).itemWrites += 1;
}

function stringAttribute(item: Json | undefined, name: string): string | undefined {
  const attribute = item?.[name] as { S?: unknown } | undefined;
  return typeof attribute?.S === 'string' ? attribute.S : undefined;
}

/** Write requests of a `RequestItems`/`UnprocessedItems` map per series: all, and puts of OK items. */
function countBySeries(requestItems: unknown): Map<string, { items: number; ok: number }> {
  const counts = new Map<string, { items: number; ok: number }>();
  if (typeof requestItems !== 'object' || requestItems === null) return counts;
  for (const requests of Object.values(requestItems as Record<string, WriteRequest[]>)) {
    for (const write of requests) {
      const item = write.PutRequest?.Item;
      const infoType = stringAttribute(item ?? write.DeleteRequest?.Key, 'info_type');
      if (infoType === undefined || !isSeries(infoType)) continue;
      const entry = counts.get(infoType) ?? { items: 0, ok: 0 };
      entry.items += 1;
      if (stringAttribute(item, 'status') === 'OK') entry.ok += 1;
      counts.set(infoType, entry);
    }
  }
  return counts;
}
