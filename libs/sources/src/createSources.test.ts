import { fc, test } from '@fast-check/vitest';
import {
  CalendarId,
  parseIsoDate,
  SourceError,
  SourceId,
  SourceMode,
  sourceWindowDays,
  servingSource,
  type SeriesDefinition,
  type SeriesSource,
} from '@gapless/pipeline-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixtureServer, type FixtureServer } from '../tests/fixtures/bcb/fixtureServer.js';
import { createSources } from './createSources.js';
import { noSimulatedFaults, type SourceConfig } from './sourceConfig.js';

function config(overrides: Partial<SourceConfig> = {}): SourceConfig {
  return {
    sgsBaseUrl: 'http://127.0.0.1:1/dados/serie',
    ptaxBaseUrl: 'http://127.0.0.1:1/odata',
    ipeaBaseUrl: 'http://127.0.0.1:1/api/odata4',
    simulatedFaults: noSimulatedFaults,
    ...overrides,
  };
}

const usd: SeriesDefinition = {
  infoType: 'CURRENCY#USD',
  source: SourceId.BcbSgs,
  code: 1,
  calendar: CalendarId.BrazilBusiness,
  start: parseIsoDate('2015-01-02'),
  publicationLagDays: 1,
};

let server: FixtureServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('createSources', () => {
  it('serves each id with its own adapter, built from the configured base URLs', async () => {
    // Prepare
    server = await startFixtureServer('/dados/serie', [{ status: 200, fixture: 'sgs-data.json' }]);
    const sourceFor = createSources(config({ sgsBaseUrl: server.baseUrl }));

    // Act
    const observations = await sourceFor(SourceId.BcbSgs).fetchRange(
      usd,
      parseIsoDate('2024-01-02'),
      parseIsoDate('2024-01-05'),
    );

    // Assess
    expect(observations).toHaveLength(4);
    expect(server.requests[0]).toMatch(/^\/dados\/serie\/bcdata\.sgs\.1\/dados\?/);
    expect(sourceFor(SourceId.BcbSgs).id).toBe(SourceId.BcbSgs);
    expect(sourceFor(SourceId.BcbPtax).id).toBe(SourceId.BcbPtax);
    expect(sourceFor(SourceId.Ipea).id).toBe(SourceId.Ipea);
    expect(sourceFor(SourceId.Simulated).id).toBe(SourceId.Simulated);
  });

  it('builds the ipea source from its configured base URL', async () => {
    // Prepare
    server = await startFixtureServer('/api/odata4', [{ status: 200, body: '{"value":[]}' }]);
    const sourceFor = createSources(config({ ipeaBaseUrl: server.baseUrl }));
    const ipca: SeriesDefinition = { ...usd, source: SourceId.Ipea, code: 'PRECOS12_IPCAG12' };

    // Act
    const observations = await sourceFor(SourceId.Ipea).fetchRange(
      ipca,
      parseIsoDate('2024-01-01'),
      parseIsoDate('2024-03-01'),
    );

    // Assess
    expect(observations).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatch(
      /^\/api\/odata4\/ValoresSerie\(SERCODIGO='PRECOS12_IPCAG12'\)\?\$filter=/,
    );
  });

  it('returns the same instance on every lookup (built once, at init)', () => {
    // Act
    const sourceFor = createSources(config());

    // Assess
    expect(sourceFor(SourceId.BcbPtax)).toBe(sourceFor(SourceId.BcbPtax));
  });

  it('serves every series from one simulated source in simulated mode', async () => {
    // Prepare
    const sourceFor = createSources(config({ simulatedFaults: { ...noSimulatedFaults, seed: 9 } }), {
      mode: SourceMode.Simulated,
    });

    // Act
    const observations = await sourceFor(SourceId.BcbSgs).fetchRange(usd, 10, 12);

    // Assess
    expect(observations).toHaveLength(3);
    expect(sourceFor(SourceId.BcbSgs)).toBe(sourceFor(SourceId.Simulated));
    expect(sourceFor(SourceId.BcbPtax).id).toBe(SourceId.Simulated);
  });

  it('passes the configured faults to the simulated source', async () => {
    // Prepare
    const sourceFor = createSources(config({ simulatedFaults: { ...noSimulatedFaults, error: 1 } }));

    // Act
    const error = await sourceFor(SourceId.Simulated)
      .fetchRange(usd, 10, 12)
      .catch((caught: unknown) => caught);

    // Assess
    expect(error).toMatchObject({ retryable: true, status: 503 });
  });

  it("gives the simulated source the configured request log, and the real adapters don't write it", async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'gapless-sources-log-'));
    const path = join(dir, 'requests.jsonl');
    server = await startFixtureServer('/dados/serie', [{ status: 200, fixture: 'sgs-data.json' }]);
    const sourceFor = createSources(config({ sgsBaseUrl: server.baseUrl, simulatedSourceLog: path }));

    try {
      // Act
      await sourceFor(SourceId.BcbSgs).fetchRange(
        usd,
        parseIsoDate('2024-01-02'),
        parseIsoDate('2024-01-05'),
      );
      await sourceFor(SourceId.Simulated).fetchRange(
        usd,
        parseIsoDate('2024-01-02'),
        parseIsoDate('2024-01-03'),
      );

      // Assess
      const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
      expect(lines.map((line) => JSON.parse(line) as unknown)).toMatchObject([
        { info_type: 'CURRENCY#USD', from: '2024-01-02', to: '2024-01-03' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes ready-made sources as overrides', () => {
    // Prepare
    const fake: SeriesSource = { id: SourceId.BcbPtax, maxWindowDays: () => 1, fetchRange: async () => [] };

    // Act
    const sourceFor = createSources(config(), { sources: { [SourceId.BcbPtax]: fake } });

    // Assess
    expect(sourceFor(SourceId.BcbPtax)).toBe(fake);
  });

  it('refuses an unknown id instead of answering undefined', () => {
    // Act
    const sourceFor = createSources(config());

    // Assess
    expect(() => sourceFor('ftp' as SourceId)).toThrow(SourceError);
    expect(() => sourceFor('ftp' as SourceId)).toThrow(
      /unknown source \(known: bcb-sgs, bcb-ptax, ipea, simulated\)/,
    );
  });
});

describe('the windows the schedulers split streams by', () => {
  const anySource = fc.constantFrom(...Object.values(SourceId));
  const anyCalendar = fc.constantFrom(...Object.values(CalendarId));
  const anyMode = fc.constantFrom(...Object.values(SourceMode));

  test.prop([anySource, anyCalendar, anyMode])(
    'are what the source the scraper builds declares, in either mode',
    (source, calendar, mode) => {
      // Prepare
      const series: SeriesDefinition = { ...usd, source, calendar };
      const sourceFor = createSources(config(), { mode });

      // Act
      const planned = sourceWindowDays(servingSource(source, mode), series);

      // Assess
      expect(planned).toBe(sourceFor(source).maxWindowDays(series));
    },
  );
});
