import { ConfigError } from '@gapless/pipeline-core';
import { describe, expect, it } from 'vitest';
import { readIngestConfig } from './config.js';

describe('readIngestConfig', () => {
  it('reads the table, a size limit of 128 MiB by default, and the source mode', () => {
    // Act
    const config = readIngestConfig({ TABLE_NAME: 'gapless' });

    // Assess
    expect(config).toEqual({ tableName: 'gapless', maxBytes: 134_217_728, sourceMode: 'live' });
  });

  it('takes INGEST_MAX_BYTES when set', () => {
    // Act
    const config = readIngestConfig({ TABLE_NAME: 'gapless', INGEST_MAX_BYTES: '104857600' });

    // Assess
    expect(config.maxBytes).toBe(104_857_600);
  });

  it.each([
    [{}, 'TABLE_NAME is required (set it to a non-empty string)'],
    [{ TABLE_NAME: 't', INGEST_MAX_BYTES: '0' }, 'INGEST_MAX_BYTES must be at least 1, got 0'],
    [{ TABLE_NAME: 't', INGEST_MAX_BYTES: '-5' }, 'INGEST_MAX_BYTES must be at least 1, got -5'],
    [
      { TABLE_NAME: 't', INGEST_MAX_BYTES: '1.5' },
      'INGEST_MAX_BYTES must be an integer at least 1, got "1.5"',
    ],
    [
      { TABLE_NAME: 't', INGEST_MAX_BYTES: '1GB' },
      'INGEST_MAX_BYTES must be an integer at least 1, got "1GB"',
    ],
  ])('refuses %j at init, naming the variable', (env, message) => {
    // Act
    const act = () => readIngestConfig(env);

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });
});
