import { parseIsoDate } from '../dates.js';
import { SourceId, type SeriesDefinition } from '../series.js';

/** A series of the catalog, with test defaults (BR business days from 2024-01-02, one day of lag). */
export function makeSeries(overrides: Partial<SeriesDefinition> = {}): SeriesDefinition {
  return {
    infoType: 'CURRENCY#USD',
    source: SourceId.Simulated,
    calendar: 'BR-business',
    start: parseIsoDate('2024-01-02'),
    publicationLagDays: 1,
    ...overrides,
  };
}
