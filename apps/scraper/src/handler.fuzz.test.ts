import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { fc, test } from '@fast-check/vitest';
import { calendarFor, formatIsoDate, parseIsoDate, type CalendarId } from '@gapless/pipeline-core';
import type { SQSBatchResponse } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import type { handler as scraperHandler } from './index.js';
import { lambdaContext, scraperEnvironment, sqsEvent, sqsRecord, testCatalog } from '../tests/sqsEvent.js';

/**
 * Fuzzes the scraper's handler with SQS events mixing valid work messages and arbitrary bodies (random text,
 * random JSON, and valid bodies with one thing broken). Whatever the bodies, a batch holding a good record
 * never throws, a bad body never leads to a write, and `batchItemFailures` names exactly the bad records.
 */

const dynamo = mockClient(DynamoDBClient);
const tableName = scraperEnvironment['TABLE_NAME'] as string;
const calendarOf = new Map(testCatalog.map((entry) => [entry.info_type, entry.calendar as CalendarId]));
let handler: typeof scraperHandler;

beforeAll(async () => {
  for (const [name, value] of Object.entries(scraperEnvironment)) vi.stubEnv(name, value);
  vi.resetModules();
  handler = (await import('./index.js')).handler;
  dynamo.on(PutItemCommand).resolves({});
  dynamo.on(BatchWriteItemCommand).resolves({ UnprocessedItems: {} });
  dynamo.on(UpdateItemCommand).resolves({});
  dynamo.on(DeleteItemCommand).resolves({});
  dynamo.on(QueryCommand).resolves({ Items: [] });
  dynamo.on(GetItemCommand).resolves({});
});

afterAll(() => {
  vi.unstubAllEnvs();
  dynamo.restore();
});

interface Message {
  partition_key: unknown;
  dates_to_download: unknown;
  reason?: unknown;
  attempt?: unknown;
  lease?: unknown;
}

/** A valid message: a run of consecutive calendar dates of one catalog series, under a lease or not. */
const validMessage: fc.Arbitrary<Message> = fc
  .record({
    partitionKey: fc.constantFrom(...calendarOf.keys()),
    from: fc.integer({ min: parseIsoDate('2000-01-01'), max: parseIsoDate('2030-12-31') }),
    count: fc.integer({ min: 1, max: 20 }),
    reason: fc.constantFrom('gap', 'retry', undefined),
    attempt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
    leaseId: fc.option(fc.stringMatching(/^[A-Za-z0-9-]{1,64}$/), { nil: undefined }),
  })
  .map(({ partitionKey, from, count, reason, attempt, leaseId }) => {
    const calendar = calendarFor(calendarOf.get(partitionKey) as CalendarId);
    const dates = Array.from(calendar.datesBetween(from, from + 40).subarray(0, count), formatIsoDate);
    return {
      partition_key: partitionKey,
      dates_to_download: dates,
      ...(reason === undefined ? {} : { reason }),
      ...(attempt === undefined ? {} : { attempt }),
      ...(leaseId === undefined ? {} : { lease: `${dates[0]}/${leaseId}` }),
    };
  });

/** A valid message with one field broken (some breakages can leave it valid: the oracle decides). */
const mutatedMessage: fc.Arbitrary<string> = fc
  .tuple(validMessage, fc.nat(), fc.jsonValue(), fc.string())
  .chain(([message, index, json, text]) => {
    const dates = message.dates_to_download as string[];
    const at = index % dates.length;
    const mutations: (() => unknown)[] = [
      () => ({ ...message, partition_key: json }),
      () => ({ ...message, partition_key: text }),
      () => ({ ...message, dates_to_download: json }),
      () => ({ ...message, dates_to_download: [] }),
      () => ({ ...message, dates_to_download: [...dates].reverse() }),
      () => ({ ...message, dates_to_download: [...dates.slice(0, at + 1), ...dates.slice(at)] }),
      () => ({ ...message, dates_to_download: dates.map((date, i) => (i === at ? text : date)) }),
      () => ({ ...message, dates_to_download: dates.map((date, i) => (i === at ? json : date)) }),
      () => ({
        ...message,
        dates_to_download: dates.map((date, i) => (i === at ? shiftDay(date, 1) : date)),
      }),
      () => ({
        ...message,
        dates_to_download: dates.map((date, i) => (i === at ? `${date}T00:00:00Z` : date)),
      }),
      () => ({ ...message, dates_to_download: [...dates, '2250-01-06'] }),
      () => ({ ...message, reason: json }),
      () => ({ ...message, attempt: json }),
      () => ({ ...message, attempt: -1 }),
      () => ({ ...message, attempt: 1.5 }),
      () => ({ ...message, lease: json }),
      () => ({ ...message, lease: text }),
      () => ({ ...message, lease: dates[at] }),
      () => ({ ...message, lease: `${dates[at]}/${text}` }),
      () => ({ ...message, lease: `${shiftDay(dates[at] as string, 40)}/lease-1` }),
      () => [message],
      () => JSON.stringify(message),
    ];
    return fc.constantFrom(...mutations).map((mutate) => JSON.stringify(mutate()) ?? 'undefined');
  });

const truncatedMessage = fc.tuple(validMessage, fc.nat()).map(([message, cut]) => {
  const body = JSON.stringify(message);
  return body.slice(0, cut % body.length);
});

const anyBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.json(),
  mutatedMessage,
  truncatedMessage,
);

function shiftDay(date: string, days: number): string {
  return formatIsoDate(parseIsoDate(date) + days);
}

/**
 * A body naming a series the catalog does not hold (a series taken out of it): acknowledged and dropped,
 * whatever else it holds, never reported as a failure (which would end in the dead-letter queue).
 */
function isRetiredBody(body: string): boolean {
  const key = messageOf(body)?.partition_key;
  return typeof key === 'string' && key !== '' && !calendarOf.has(key);
}

/** The body as a JSON object, or undefined when it is not one. */
function messageOf(body: string): Message | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  return parsed as Message;
}

/** The test's own idea of a processable body, written independently of the codec. */
function isValidBody(body: string): boolean {
  const message = messageOf(body);
  if (message === undefined) return false;
  const calendarId =
    typeof message.partition_key === 'string' ? calendarOf.get(message.partition_key) : undefined;
  if (calendarId === undefined) return false;
  if (message.reason !== undefined && message.reason !== 'gap' && message.reason !== 'retry') return false;
  const attempt = message.attempt;
  if (
    attempt !== undefined &&
    !(typeof attempt === 'number' && Number.isSafeInteger(attempt) && attempt >= 0)
  )
    return false;
  if (message.lease !== undefined && !isLease(message.lease)) return false;
  const dates = message.dates_to_download;
  if (!Array.isArray(dates) || dates.length === 0) return false;
  return dates.every((date, i) => isCalendarDate(date, calendarId) && (i === 0 || dates[i - 1] < date));
}

/** `<YYYY-MM-DD>/<id>`: a real date (on any calendar) and an id of 1-64 letters, digits and dashes. */
function isLease(lease: unknown): boolean {
  if (typeof lease !== 'string') return false;
  const parts = lease.split('/');
  return parts.length === 2 && isRealDate(parts[0]) && /^[A-Za-z0-9-]{1,64}$/.test(parts[1] as string);
}

function isRealDate(date: unknown): date is string {
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const utc = new Date(Date.UTC(year, month - 1, day));
  utc.setUTCFullYear(year);
  return utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

function isCalendarDate(date: unknown, calendarId: CalendarId): boolean {
  if (!isRealDate(date)) return false;
  const year = Number(date.slice(0, 4));
  // The BR-business calendar knows the holidays of 1900-2199 only; a date outside cannot be processed.
  if (calendarId === 'BR-business' && (year < 1900 || year > 2199)) return false;
  return calendarFor(calendarId).contains(parseIsoDate(date));
}

/** Every table key the handler wrote or deleted, as `info_type date` (leases as `LEASE#<series> <first>`). */
function writtenKeys(): string[] {
  const keys: string[] = [];
  for (const call of dynamo.commandCalls(BatchWriteItemCommand)) {
    for (const request of call.args[0].input.RequestItems?.[tableName] ?? []) {
      const item = request.PutRequest?.Item;
      keys.push(`${item?.['info_type']?.S} ${item?.['date']?.S}`);
    }
  }
  for (const call of dynamo.commandCalls(UpdateItemCommand)) {
    const key = call.args[0].input.Key;
    keys.push(`${key?.['info_type']?.S} ${key?.['date']?.S}`);
  }
  for (const call of dynamo.commandCalls(PutItemCommand)) {
    const item = call.args[0].input.Item;
    keys.push(`${item?.['info_type']?.S} ${item?.['date']?.S}`);
  }
  for (const call of dynamo.commandCalls(DeleteItemCommand)) {
    const key = call.args[0].input.Key;
    keys.push(`${key?.['info_type']?.S} ${key?.['date']?.S}`);
  }
  return keys;
}

/** What a good record may write: its dates, and the lease it names. */
function allowedKeys(body: string): string[] {
  const message = JSON.parse(body) as { partition_key: string; dates_to_download: string[]; lease?: string };
  const lease =
    message.lease === undefined ? [] : [`LEASE#${message.partition_key} ${message.lease.split('/')[0]}`];
  return [...message.dates_to_download.map((date) => `${message.partition_key} ${date}`), ...lease];
}

const records = fc
  .tuple(
    fc.array(fc.tuple(anyBody, fc.integer({ min: 1, max: 4 })), { maxLength: 6 }),
    fc.array(
      fc.tuple(
        validMessage.map((message) => JSON.stringify(message)),
        fc.integer({ min: 1, max: 4 }),
      ),
      {
        minLength: 1,
        maxLength: 3,
      },
    ),
  )
  .chain(([bad, good]) => fc.shuffledSubarray([...bad, ...good], { minLength: bad.length + good.length }));

describe('scraper handler, fuzzed', () => {
  test.prop([records], { numRuns: 10_000, seed: 20_240_201 })(
    'reports exactly the bad records, writes nothing for them, and never throws while one record is good',
    async (entries) => {
      // Prepare
      dynamo.resetHistory();
      const event = sqsEvent(
        entries.map(([body, receiveCount], index) =>
          sqsRecord(body, { messageId: `msg-${index}`, receiveCount }),
        ),
      );
      const goodBodies = entries.map(([body]) => body).filter(isValidBody);
      const badIds = entries.flatMap(([body], index) =>
        isValidBody(body) || isRetiredBody(body) ? [] : [`msg-${index}`],
      );

      // Act
      const response: SQSBatchResponse = await handler(event, lambdaContext);

      // Assess
      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(badIds);
      const allowed = new Set(goodBodies.flatMap(allowedKeys));
      for (const key of writtenKeys()) expect(allowed.has(key), key).toBe(true);
    },
    120_000,
  );
});
