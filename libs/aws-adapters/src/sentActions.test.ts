import { BatchWriteItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { entriesOf, SentActionsRecorder } from './sentActions.js';

describe('SentActionsRecorder', () => {
  it('names the IAM action of each command by the resource it reaches', () => {
    // Prepare
    const recorder = new SentActionsRecorder();
    const query = (IndexName?: string) =>
      new QueryCommand({ TableName: 't', ...(IndexName ? { IndexName } : {}) });

    // Act
    const first = recorder.add({
      dynamodb: [query(), query('retry-due'), new UpdateItemCommand({ TableName: 't', Key: {} })],
      sqs: [new SendMessageBatchCommand({ QueueUrl: 'q', Entries: [] })],
    });
    const second = recorder.add({ dynamodb: [new BatchWriteItemCommand({ RequestItems: {} }), query()] });

    // Assess
    expect(first).toEqual([
      'table dynamodb:Query',
      'table dynamodb:UpdateItem',
      'tableIndexes dynamodb:Query',
      'workQueue sqs:SendMessage',
    ]);
    expect(second).toEqual(['table dynamodb:BatchWriteItem', 'table dynamodb:Query']);
    expect(recorder.toJSON()).toEqual({
      table: ['dynamodb:BatchWriteItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
      tableIndexes: ['dynamodb:Query'],
      workQueue: ['sqs:SendMessage'],
    });
    expect(entriesOf(recorder.toJSON())).toEqual([
      'table dynamodb:BatchWriteItem',
      'table dynamodb:Query',
      'table dynamodb:UpdateItem',
      'tableIndexes dynamodb:Query',
      'workQueue sqs:SendMessage',
    ]);
  });
});
