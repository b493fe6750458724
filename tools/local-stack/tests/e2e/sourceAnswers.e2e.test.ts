import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CalendarId } from '@gapless/pipeline-core';
import { listQuarantine, releaseQuarantine } from '../../src/quarantineCommand.js';
import { runLocalPipeline } from '../../src/runLocalPipeline.js';
import { startBcbTestServer, type BcbTestServer } from './bcbTestServer.js';
import { itemsByKey } from './e2eSupport.js';

// What real sources answer that a toy source never does, end to end with the built zips and the real SGS
// adapter against a local server that answers like SGS: negative values, and a day left out for good.

const scratch: string[] = [];
const servers: BcbTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});
afterAll(async () => {
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Monthly IPCA (SGS 433) as BCB publishes it for 2022, in percent: three months of deflation. */
const ipca2022 = new Map([
  ['2022-01-01', 0.54],
  ['2022-02-01', 1.01],
  ['2022-03-01', 1.62],
  ['2022-04-01', 1.06],
  ['2022-05-01', 0.47],
  ['2022-06-01', 0.67],
  ['2022-07-01', -0.68],
  ['2022-08-01', -0.36],
  ['2022-09-01', -0.29],
  ['2022-10-01', 0.59],
  ['2022-11-01', 0.41],
  ['2022-12-01', 0.62],
]);

describe('a monthly series with negative values (IPCA, SGS 433)', () => {
  it('stores every month OK with its exact value, the deflation months included', async () => {
    // Prepare
    const server = await startBcbTestServer({
      sgsSeries: new Map([[433, { calendar: CalendarId.Monthly, values: ipca2022 }]]),
    });
    servers.push(server);
    const catalog = [
      {
        info_type: 'INFLATION#IPCA',
        source: 'bcb-sgs',
        code: 433,
        calendar: 'monthly',
        start: '2022-01-01',
        publication_lag_days: 45,
        sign: 'any',
      },
    ];

    // Act
    const result = await runLocalPipeline({
      source: 'live',
      catalog,
      extraEnv: { BCB_SGS_BASE_URL: server.sgsBaseUrl },
      logPath: null,
      snapshot: true,
    });

    // Assess
    expect(result.converged).toBe(true);
    expect(result.totals.ok).toBe(result.totals.expected);
    expect(result.totals.quarantined).toBe(0);
    const items = itemsByKey(result.tableSnapshot);
    for (const [date, value] of ipca2022)
      expect(items.get(`INFLATION#IPCA|${date}`), date).toMatchObject({
        status: 'OK',
        value,
        source: 'bcb-sgs',
      });
    expect(server.requests.filter((request) => request.api === 'sgs')).toHaveLength(1);
  }, 120_000);
});

describe('a business day SGS never publishes while it publishes the days around it', () => {
  it('ends ABSENT after 1 + MAX_RETRIES asks, is not asked again, is listed, and lands once published and released', async () => {
    // Prepare: USD from 1 October; SGS leaves 15 October 2026 out of every answer
    const server = await startBcbTestServer();
    servers.push(server);
    const closed = '2026-10-15';
    server.sgsOmitted.add(`1 ${closed}`);
    const dataDir = await mkdtemp(join(tmpdir(), 'gapless-absent-'));
    scratch.push(dataDir);
    const maxRetries = 2;
    const common = {
      source: 'live' as const,
      catalog: [
        {
          info_type: 'CURRENCY#USD',
          source: 'bcb-sgs',
          code: 1,
          calendar: 'BR-business',
          start: '2026-10-01',
        },
      ],
      extraEnv: { BCB_SGS_BASE_URL: server.sgsBaseUrl },
      dataDir,
      logPath: null,
      maxRetries,
      snapshot: true,
    };
    const asksFor = (date: string) =>
      server.requests.filter((request) => {
        const params = new URL(request.url, 'http://x').searchParams;
        const iso = (text: string | null) => (text ?? '').split('/').reverse().join('-');
        return iso(params.get('dataInicial')) <= date && date <= iso(params.get('dataFinal'));
      }).length;

    // Act: the backfill, then a second run (gap detection again), then publication, release and a run
    const first = await runLocalPipeline(common);
    const asksAfterFirst = asksFor(closed);
    const listed = await listQuarantine({ tableName: 'gapless', dataDir }, 'CURRENCY#USD');
    await runLocalPipeline(common);
    const asksAfterSecond = asksFor(closed);
    server.sgsOmitted.delete(`1 ${closed}`);
    const released = await releaseQuarantine({ tableName: 'gapless', dataDir }, 'CURRENCY#USD', {});
    const healed = await runLocalPipeline({ ...common, maxCycles: 2 });

    // Assess
    expect(first.converged).toBe(true);
    expect(first.totals).toMatchObject({ quarantined: 0, absent: 1 });
    expect(first.totals.ok).toBe(first.totals.expected - 1);
    expect(itemsByKey(first.tableSnapshot).get(`CURRENCY#USD|${closed}`)).toMatchObject({
      status: 'ABSENT',
      retry_count: maxRetries,
    });
    expect(asksAfterFirst).toBe(1 + maxRetries);
    expect(listed).toMatchObject([{ date: closed, status: 'ABSENT' }]);
    expect(asksAfterSecond).toBe(asksAfterFirst);
    expect(released).toEqual([closed]);
    expect(healed.totals).toMatchObject({ absent: 0, quarantined: 0 });
    expect(healed.totals.ok).toBe(healed.totals.expected);
    expect(itemsByKey(healed.tableSnapshot).get(`CURRENCY#USD|${closed}`)).toMatchObject({
      status: 'OK',
      value: server.sgsValue(1, Date.parse(`${closed}T00:00:00Z`) / 86_400_000),
    });
  }, 180_000);
});
