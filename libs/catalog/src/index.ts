import { parseCatalog, parseCatalogText, type Env, type SeriesDefinition } from '@gapless/pipeline-core';
import catalogJson from '../series.json' with { type: 'json' };

/** Where the catalog lives in the repository: the one file to edit to add, change or retire a series. */
export const CATALOG_FILE = 'libs/catalog/series.json';

/**
 * The catalog as code: {@link CATALOG_FILE}, validated when this module loads and bundled into every
 * function at build time, so a change to it is a change to every function that imports it (Nx sees them
 * affected and the deploy workflow ships them).
 */
export const DEFAULT_CATALOG: readonly SeriesDefinition[] = Object.freeze(
  parseCatalog(catalogJson, CATALOG_FILE),
);

/** Where the catalog in force comes from: `SERIES_CATALOG` when it is set and not blank, else the file. */
export function catalogOrigin(env: Env = process.env): 'SERIES_CATALOG' | typeof CATALOG_FILE {
  return (env.SERIES_CATALOG ?? '').trim() === '' ? CATALOG_FILE : 'SERIES_CATALOG';
}

/**
 * The catalog in force: `SERIES_CATALOG` (a JSON array, for local runs and tests) when it is set and not
 * blank, else the bundled {@link DEFAULT_CATALOG}. Invalid JSON throws a ConfigError naming the variable; a
 * bad entry throws the CatalogError that names it.
 */
export function loadCatalog(env: Env = process.env): readonly SeriesDefinition[] {
  if (catalogOrigin(env) === CATALOG_FILE) return DEFAULT_CATALOG;
  return parseCatalogText(env.SERIES_CATALOG as string, 'SERIES_CATALOG');
}
