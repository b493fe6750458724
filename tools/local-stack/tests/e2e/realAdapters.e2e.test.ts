import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLocalPipeline, selectCatalog, type LocalPipelineResult } from '../../src/runLocalPipeline.js';
import { startBcbTestServer, type BcbTestServer } from './bcbTestServer.js';
import { expectedKeys, itemsByKey, keyOf } from './e2eSupport.js';

// From January on: ~225 business days, and at five PTAX bulletins a day more than one page of 1000 rows.
const from = '2026-01-02';
const catalogJson = [
  { info_type: 'CURRENCY#USD', source: 'bcb-sgs', code: 1, calendar: 'BR-business', start: from },
  {
    info_type: 'CURRENCY#GBP',
    source: 'bcb-ptax',
    currency: 'GBP',
    side: 'sell',
    calendar: 'BR-business',
    start: from,
  },
];
const catalog = selectCatalog({ catalog: catalogJson });

describe('the real BCB adapters, end to end, against a local server that answers like BCB', () => {
  let server: BcbTestServer;
  let result: LocalPipelineResult;

  beforeAll(async () => {
    server = await startBcbTestServer();
    result = await runLocalPipeline({
      source: 'live',
      catalog: catalogJson,
      extraEnv: { BCB_SGS_BASE_URL: server.sgsBaseUrl, BCB_PTAX_BASE_URL: server.ptaxBaseUrl },
      logPath: null,
      snapshot: true,
    });
  }, 60_000);
  afterAll(() => server.stop());

  it('converges with every expected date OK and nothing in the dead-letter queue', () => {
    // Assess
    expect(result.converged).toBe(true);
    expect(result.totals.expected).toBeGreaterThan(200);
    expect(result.totals.ok).toBe(result.totals.expected);
    expect(result.deadLetterBodies).toEqual([]);
  });

  it("stores SGS's value and PTAX's closing sell quote for every expected date", () => {
    // Assess
    const items = itemsByKey(result.tableSnapshot);
    for (const { series, day } of expectedKeys(catalog)) {
      const item = items.get(keyOf(series.infoType, day));
      const expected =
        series.source === 'bcb-sgs'
          ? server.sgsValue(series.code as number, day)
          : server.ptaxClose(series.currency as string, day);
      expect(item, keyOf(series.infoType, day)).toMatchObject({
        status: 'OK',
        value: expected,
        source: series.source,
      });
    }
  });

  it("made one SGS request for USD's stream and paged PTAX for GBP, as the server counted them", () => {
    // Assess
    const sgs = server.requests.filter((request) => request.api === 'sgs');
    const ptax = server.requests.filter((request) => request.api === 'ptax');
    expect(sgs).toHaveLength(1);
    expect(sgs[0]?.url).toContain('/bcdata.sgs.1/dados?formato=json&dataInicial=02/01/2026&dataFinal=');
    expect(ptax.map((request) => new URL(request.url, 'http://x').searchParams.get('$skip'))).toEqual([
      '0',
      '1000',
    ]);
    expect(ptax.every((request) => request.url.includes('@moeda=%27GBP%27'))).toBe(true);
  });

  it('reports no source request figure of its own in live mode: the server is the one that counts', () => {
    // Assess
    expect(server.requests.length).toBeGreaterThan(0);
    expect(result.totals.sourceRequests).toBeNull();
    expect(result.series.map((series) => [series.infoType, series.sourceRequests])).toEqual([
      ['CURRENCY#USD', null],
      ['CURRENCY#GBP', null],
    ]);
    expect(result.sourceRequestLog).toEqual([]);
  });
});
