import { BatchWriteItemCommand, QueryCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CopyObjectCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
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

  it('names the S3 actions a command is authorized as, one or two of them', () => {
    // Prepare
    const recorder = new SentActionsRecorder();

    // Act
    const sent = recorder.add({
      s3: [
        new GetObjectCommand({ Bucket: 'b', Key: 'incoming/a.csv' }),
        new CopyObjectCommand({ Bucket: 'b', Key: 'raw/a.csv', CopySource: 'b/incoming/a.csv' }),
        new ListObjectsV2Command({ Bucket: 'b' }),
      ],
    });

    // Assess
    expect(sent).toEqual(['bucket s3:GetObject', 'bucket s3:ListBucket', 'bucket s3:PutObject']);
    expect(recorder.toJSON()).toEqual({
      table: [],
      tableIndexes: [],
      workQueue: [],
      bucket: ['s3:GetObject', 's3:ListBucket', 's3:PutObject'],
    });
  });
});
