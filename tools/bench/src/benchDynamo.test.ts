import { createDynamoSeriesStore } from '@gapless/aws-adapters';
import { parseIsoDate } from '@gapless/pipeline-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsOf, startBenchDynamo, type BenchDynamo } from './benchDynamo.js';

describe('startBenchDynamo', () => {
  let dynamo: BenchDynamo;

  beforeAll(async () => {
    dynamo = await startBenchDynamo();
  }, 30_000);
  afterAll(() => dynamo.stop());

  const values = (count: number) =>
    Array.from({ length: count }, (_, index) => ({ day: parseIsoDate('2024-01-01') + index, value: index }));

  it('counts each request the store makes, by operation', async () => {
    // Prepare
    const tableName = await dynamo.freshTable('test-count');
    const store = createDynamoSeriesStore({ tableName, client: dynamo.client });
    dynamo.calls.clear();

    // Act
    await store.writeValues('CURRENCY#USD', 'test', values(60));
    await store.readWatermarks();

    // Assess
    expect(callsOf(dynamo.calls, 'BatchWriteItem')).toBe(3);
    expect(callsOf(dynamo.calls, 'Query')).toBe(1);
  });

  it('counts the items Queries return, and its own COUNT query neither as a call nor as items read', async () => {
    // Prepare
    const tableName = await dynamo.freshTable('test-read');
    const store = createDynamoSeriesStore({ tableName, client: dynamo.client });
    await store.writeValues('CURRENCY#EUR', 'test', values(30));
    dynamo.calls.clear();
    const before = dynamo.itemsRead();

    // Act
    const present = await store.presentDays('CURRENCY#EUR', parseIsoDate('2024-01-21'));
    const stored = await dynamo.countItems(tableName, 'CURRENCY#EUR');

    // Assess
    expect(present).toHaveLength(10);
    expect(dynamo.itemsRead() - before).toBe(10);
    expect(callsOf(dynamo.calls, 'Query')).toBe(1);
    expect(stored).toBe(30);
  });
});
