import {
  CalendarId,
  parseIsoDate,
  SourceId,
  SourceMode,
  type SeriesDefinition,
} from '@gapless/pipeline-core';
import { createSources, readSourceConfig } from '@gapless/sources';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStackError } from './errors.js';
import {
  countSourceRequests,
  readSourceRequestLog,
  startSourceRequestLog,
  type SourceRequestRecord,
} from './sourceRequestLog.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gapless-source-log-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function series(infoType: string): SeriesDefinition {
  return {
    infoType,
    source: SourceId.BcbSgs,
    code: 1,
    calendar: CalendarId.Daily,
    start: parseIsoDate('2024-01-01'),
    publicationLagDays: 0,
  };
}

function record(infoType: string, from: string, to = from): SourceRequestRecord {
  return { infoType, from, to, at: '2026-11-25T04:00:00.000Z' };
}

describe('the source request log', () => {
  it('reads what the simulated source itself wrote, as the scraper builds it from its environment', async () => {
    // Prepare
    const path = join(dir, 'source-requests.jsonl');
    startSourceRequestLog(path);
    const env = { SIMULATED_SOURCE_LOG: path, SIMULATED_FAULTS: '{"error":1}' };
    const sourceFor = createSources(readSourceConfig(env), { mode: SourceMode.Simulated });
    const ask = (infoType: string, from: string, to: string) =>
      sourceFor(SourceId.BcbSgs)
        .fetchRange(series(infoType), parseIsoDate(from), parseIsoDate(to))
        .catch(() => undefined);

    // Act
    await ask('CURRENCY#USD', '2024-01-01', '2024-03-31');
    await ask('CURRENCY#EUR', '2024-02-29', '2024-02-29');
    await ask('CURRENCY#USD', '2024-01-01', '2024-03-31');
    const log = readSourceRequestLog(path);

    // Assess
    expect(log.map(({ infoType, from, to }) => ({ infoType, from, to }))).toEqual([
      { infoType: 'CURRENCY#USD', from: '2024-01-01', to: '2024-03-31' },
      { infoType: 'CURRENCY#EUR', from: '2024-02-29', to: '2024-02-29' },
      { infoType: 'CURRENCY#USD', from: '2024-01-01', to: '2024-03-31' },
    ]);
    for (const { at } of log) expect(Date.now() - Date.parse(at)).toBeLessThan(60_000);
    expect(countSourceRequests(log)).toEqual(
      new Map([
        ['CURRENCY#USD', 2],
        ['CURRENCY#EUR', 1],
      ]),
    );
  });

  it("starts each run empty: a kept data directory's previous log is not this run's", () => {
    // Prepare
    const path = join(dir, 'source-requests.jsonl');
    appendFileSync(path, '{"info_type":"CURRENCY#USD","from":"2024-01-01","to":"2024-01-02","at":"x"}\n');

    // Act
    startSourceRequestLog(path);

    // Assess
    expect(readSourceRequestLog(path)).toEqual([]);
  });

  it('reads a log nothing was written to yet as no request', () => {
    // Act / Assess
    expect(readSourceRequestLog(join(dir, 'never-written.jsonl'))).toEqual([]);
  });

  it.each([
    ['a torn line', '{"info_type":"CURRENCY#USD","from":"2024-01', /:2: not a JSON line/],
    [
      'a missing field',
      '{"info_type":"CURRENCY#USD","from":"2024-01-01","at":"2026-11-25T04:00:00Z"}',
      /:2: expected/,
    ],
    [
      'a date not ISO',
      '{"info_type":"A","from":"01/01/2024","to":"2024-01-01","at":"2026-11-25T04:00:00Z"}',
      /:2: expected/,
    ],
    [
      'a time that is none',
      '{"info_type":"A","from":"2024-01-01","to":"2024-01-01","at":"soon"}',
      /:2: expected/,
    ],
  ])('refuses %s instead of losing a request', (_, line, message) => {
    // Prepare
    const path = join(dir, 'source-requests.jsonl');
    const good = '{"info_type":"A","from":"2024-01-01","to":"2024-01-01","at":"2026-11-25T04:00:00.000Z"}';
    writeFileSync(path, `${good}\n${line}\n`);

    // Act
    const read = () => readSourceRequestLog(path);

    // Assess
    expect(read).toThrow(LocalStackError);
    expect(read).toThrow(message);
  });

  it('counts requests per series', () => {
    // Act
    const counts = countSourceRequests([
      record('A', '2024-01-01'),
      record('B', '2024-01-01'),
      record('A', '2024-01-02', '2024-01-09'),
    ]);

    // Assess
    expect([...counts]).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
  });
});
