import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  calendarCoverage,
  ConfigError,
  parseCatalogText,
  SOURCE_IDS,
  SourceId,
  UnknownSourceError,
} from '@gapless/pipeline-core';
import { CATALOG_FILE, DEFAULT_CATALOG, loadCatalog } from './index.js';

const fileText = readFileSync(fileURLToPath(new URL('../series.json', import.meta.url)), 'utf8');

describe(`the catalog file (${CATALOG_FILE})`, () => {
  it('validates: schema, known sources and calendars, starts the calendars cover, unique info_types', () => {
    // Act
    const parse = () => parseCatalogText(fileText, CATALOG_FILE);

    // Assess
    expect(parse).not.toThrow();
    const catalog = parse();
    expect(new Set(catalog.map((series) => series.infoType)).size).toBe(catalog.length);
    for (const series of catalog) {
      expect(SOURCE_IDS).toContain(series.source);
      const coverage = calendarCoverage(series.calendar);
      if (coverage) expect(series.start).toBeGreaterThanOrEqual(coverage.first);
    }
  });

  it('holds real public series only: no simulated source', () => {
    // Act
    const simulated = DEFAULT_CATALOG.filter((series) => series.source === SourceId.Simulated);

    // Assess
    expect(simulated.map((series) => series.infoType)).toEqual([]);
  });

  it('is what the bundle carries: DEFAULT_CATALOG is the file, frozen', () => {
    // Assess
    expect(DEFAULT_CATALOG).toEqual(parseCatalogText(fileText, CATALOG_FILE));
    expect(Object.isFrozen(DEFAULT_CATALOG)).toBe(true);
  });
});

describe('a catalog change', () => {
  it('makes every function affected (each bundles the catalog), so the deploy workflow rebuilds and ships them', async () => {
    // Prepare: every function reads the catalog at init (its series, their calendars and rules), so every
    // directory under apps/ with src/index.ts, as the Nx plugin finds them.
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const functions = readdirSync(`${root}apps`).filter((name) =>
      existsSync(`${root}apps/${name}/src/index.ts`),
    );

    // Act: Nx's own answer, from the repository root, as the deploy workflow asks it
    const { stdout } = await promisify(execFile)(
      'npx',
      ['nx', 'show', 'projects', '--affected', '--type', 'app', `--files=${CATALOG_FILE}`, '--json'],
      { cwd: root },
    );

    // Assess
    const apps = JSON.parse(stdout.slice(stdout.indexOf('['))) as string[];
    expect(functions.length).toBeGreaterThanOrEqual(3);
    expect(apps.sort()).toEqual(functions.sort());
  }, 60_000);
});

describe('loadCatalog', () => {
  it('uses the catalog file when SERIES_CATALOG is not set or blank', () => {
    // Act
    const unset = loadCatalog({});
    const blank = loadCatalog({ SERIES_CATALOG: '  ' });

    // Assess
    expect(unset).toBe(DEFAULT_CATALOG);
    expect(blank).toBe(DEFAULT_CATALOG);
  });

  it('replaces it with SERIES_CATALOG, for local runs and tests', () => {
    // Act
    const catalog = loadCatalog({
      SERIES_CATALOG: JSON.stringify([
        {
          info_type: 'CURRENCY#CHF',
          source: 'bcb-ptax',
          currency: 'CHF',
          calendar: 'BR-business',
          start: '2020-01-02',
        },
      ]),
    });

    // Assess
    expect(catalog.map((series) => series.infoType)).toEqual(['CURRENCY#CHF']);
  });

  it('names SERIES_CATALOG when it is not valid JSON, and the entry when one is bad', () => {
    // Act
    const notJson = () => loadCatalog({ SERIES_CATALOG: '[{"info_type":' });
    const badEntry = () =>
      loadCatalog({
        SERIES_CATALOG: JSON.stringify([
          { info_type: 'CURRENCY#USD', source: 'x', calendar: 'daily', start: '2020-01-01' },
        ]),
      });

    // Assess
    expect(notJson).toThrow(ConfigError);
    expect(notJson).toThrow(/^SERIES_CATALOG is not valid JSON/);
    expect(badEntry).toThrow(UnknownSourceError);
    expect(badEntry).toThrow(/catalog entry CURRENCY#USD: unknown source "x"/);
  });
});
