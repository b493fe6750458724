import { parseCatalog } from '@gapless/pipeline-core';
import type { ScheduledEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parseExportRequest } from './exportRequest.js';

const catalog = parseCatalog(
  ['CURRENCY#USD', 'CURRENCY#EUR', 'CURRENCY#GBP'].map((info_type) => ({
    info_type,
    source: 'bcb-sgs',
    code: 1,
    calendar: 'BR-business',
    start: '2024-01-02',
  })),
  'test',
);

const scheduledEvent: ScheduledEvent = {
  version: '0',
  id: 'run-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: '123456789012',
  time: '2024-03-01T04:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:scheduler:us-east-1:123456789012:schedule/default/lake_export'],
  detail: {},
};

describe('parseExportRequest', () => {
  it.each([
    ['a scheduled event', scheduledEvent],
    ['an empty object', {}],
    ['nothing', undefined],
  ])('exports every series of the catalog, changed partitions only, for %s', (_, event) => {
    // Act
    const request = parseExportRequest(event, catalog);

    // Assess
    expect(request).toEqual({
      series: ['CURRENCY#USD', 'CURRENCY#EUR', 'CURRENCY#GBP'],
      full: false,
      plan: false,
    });
  });

  it('exports the named series, once each, in catalog order, fully when asked', () => {
    // Act
    const request = parseExportRequest(
      { series: ['CURRENCY#GBP', 'CURRENCY#USD', 'CURRENCY#GBP'], full: true },
      catalog,
    );

    // Assess
    expect(request).toEqual({ series: ['CURRENCY#USD', 'CURRENCY#GBP'], full: true, plan: false });
  });

  it('plans with mode "plan"', () => {
    // Act
    const request = parseExportRequest({ mode: 'plan', series: ['CURRENCY#USD'] }, catalog);

    // Assess
    expect(request).toEqual({ series: ['CURRENCY#USD'], full: false, plan: true });
  });

  it.each([
    [
      { series: ['CURRENCY#USD', 'CURRENCY#JPY', 'FUEL#GAS'] },
      'unknown series in the event: CURRENCY#JPY, FUEL#GAS (not in the catalog)',
    ],
    [
      { series: 'CURRENCY#USD' },
      '"series" in the event must be an array of info_type strings, got "CURRENCY#USD"',
    ],
    [{ series: [1] }, '"series" in the event must be an array of info_type strings, got [1]'],
    [{ series: [] }, '"series" in the event is empty'],
    [{ full: 'yes' }, '"full" in the event must be true or false, got "yes"'],
    [{ mode: 'audit' }, 'unknown mode "audit" in the event (expected "plan" or none)'],
    ['CURRENCY#USD', 'the event must be a JSON object, got "CURRENCY#USD"'],
    [['CURRENCY#USD'], 'the event must be a JSON object, got ["CURRENCY#USD"]'],
  ])('refuses %j, saying why', (event, message) => {
    // Act
    const parse = () => parseExportRequest(event, catalog);

    // Assess
    expect(parse).toThrow(message);
  });

  it('names ten unknown series and counts the rest', () => {
    // Prepare
    const unknown = Array.from({ length: 12 }, (_, index) => `TEST#S${index}`);

    // Act
    const parse = () => parseExportRequest({ series: unknown }, catalog);

    // Assess
    expect(parse).toThrow(/TEST#S9 and 2 more \(not in the catalog\)$/);
  });
});
