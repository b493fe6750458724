import { parseCatalog, parseCatalogText, type Env, type SeriesDefinition } from '@gapless/pipeline-core';
import catalogJson from '../series.json' with { type: 'json' };

/** Where the catalog lives in the repository: the one file to edit to add, change or retire a series. */
export const CATALOG_FILE = 'libs/catalog/series.json';

/**
 * The catalog as code: {@link CATALOG_FILE}, validated when this module loads and bundled into every
 * function at build time, so a change to it is a change to the three functions (Nx sees them affected and
 * the deploy workflow ships them).
 */
export const DEFAULT_CATALOG: readonly SeriesDefinition[] = Object.freeze(
  parseCatalog(catalogJson, CATALOG_FILE),
);

/**
 * The catalog in force: `SERIES_CATALOG` (a JSON array, for local runs and tests) when it is set and not
 * blank, else the bundled {@link DEFAULT_CATALOG}. Invalid JSON throws a ConfigError naming the variable; a
 * bad entry throws the CatalogError that names it.
 */
export function loadCatalog(env: Env = process.env): readonly SeriesDefinition[] {
  const raw = env.SERIES_CATALOG;
  if (raw === undefined || raw.trim() === '') return DEFAULT_CATALOG;
  return parseCatalogText(raw, 'SERIES_CATALOG');
}
