import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { failedIds } from './sqsPoller.js';

function eventOf(...ids: string[]): SQSEvent {
  return { Records: ids.map((messageId) => ({ messageId }) as SQSRecord) };
}

describe('failedIds (reading a partial batch response as Lambda does)', () => {
  it('fails only the listed records', () => {
    // Act
    const failed = failedIds({ batchItemFailures: [{ itemIdentifier: 'b' }] }, eventOf('a', 'b', 'c'));

    // Assess
    expect([...failed]).toEqual(['b']);
  });

  it.each([[undefined], [null], [{}], [{ batchItemFailures: [] }], ['done']])(
    'fails none for a response like %j',
    (response) => {
      // Act
      const failed = failedIds(response, eventOf('a', 'b'));

      // Assess
      expect(failed.size).toBe(0);
    },
  );

  it.each([
    [{ batchItemFailures: [{ itemIdentifier: 'zzz' }] }],
    [{ batchItemFailures: [{ itemIdentifier: '' }] }],
    [{ batchItemFailures: [{ id: 'a' }] }],
    [{ batchItemFailures: 'a' }],
  ])('fails the whole batch for an unusable response %j', (response) => {
    // Act
    const failed = failedIds(response, eventOf('a', 'b'));

    // Assess
    expect([...failed].sort()).toEqual(['a', 'b']);
  });
});
