import { describe, expect, it } from 'vitest';
import { trimHolidays, trimPackedZones } from './trimHolidayData.js';

const dataModule = (holidays: Record<string, unknown>): string =>
  `export const data = ${JSON.stringify({ version: 'v', holidays, names: { '01-01': { name: { en: 'New Year' } } } })};\n`;

const packedZones = () => ({
  version: '2026a',
  zones: ['America/Sao_Paulo|LMT -03|x', 'Europe/Berlin|LMT CET|y', 'Etc/UTC|UTC|0'],
  links: ['America/Sao_Paulo|Brazil/East', 'Europe/Berlin|Europe/Copenhagen'],
  countries: ['BR|America/Sao_Paulo', 'DE|Europe/Berlin'],
});

describe('trimHolidays', () => {
  it('keeps the named countries, the names table, and collects their zones', () => {
    // Prepare
    const source = dataModule({
      BR: { zones: ['America/Sao_Paulo'], days: {}, states: { AC: { zones: ['America/Rio_Branco'] } } },
      DE: { zones: ['Europe/Berlin'], days: { 'march equinox': { _name: 'x' } } },
    });

    // Act
    const trimmed = trimHolidays(source, ['BR']);

    // Assess
    const data = JSON.parse(trimmed.code.replace('export const data = ', '').replace(/;\s*$/, ''));
    expect(Object.keys(data.holidays)).toEqual(['BR']);
    expect(data.names).toEqual({ '01-01': { name: { en: 'New Year' } } });
    expect([...trimmed.zones].sort()).toEqual(['America/Rio_Branco', 'America/Sao_Paulo', 'Etc/UTC']);
    expect(trimmed.needsEarthSeries).toBe(false);
  });

  it('keeps the Earth series when a kept country has an equinox rule', () => {
    // Act
    const trimmed = trimHolidays(dataModule({ JP: { days: { 'march equinox': { _name: 'x' } } } }), ['JP']);

    // Assess
    expect(trimmed.needsEarthSeries).toBe(true);
  });

  it('fails the build for an unknown country or a changed module shape', () => {
    // Act / Assess
    expect(() => trimHolidays(dataModule({ BR: {} }), ['XX'])).toThrow('no data for country "XX"');
    expect(() => trimHolidays('module.exports = {}', ['BR'])).toThrow('changed shape');
  });
});

describe('trimPackedZones', () => {
  it('keeps the zones asked for, the links to them, and UTC when asked', () => {
    // Act
    const trimmed = trimPackedZones(packedZones(), new Set(['America/Sao_Paulo', 'Etc/UTC']));

    // Assess
    expect(trimmed.zones).toEqual(['America/Sao_Paulo|LMT -03|x', 'Etc/UTC|UTC|0']);
    expect(trimmed.links).toEqual(['America/Sao_Paulo|Brazil/East']);
    expect(trimmed.countries).toEqual([]);
  });

  it('keeps the target of a link when the zone asked for is only an alias', () => {
    // Act
    const trimmed = trimPackedZones(packedZones(), new Set(['Europe/Copenhagen']));

    // Assess
    expect(trimmed.zones).toEqual(['Europe/Berlin|LMT CET|y']);
    expect(trimmed.links).toEqual(['Europe/Berlin|Europe/Copenhagen']);
  });
});
