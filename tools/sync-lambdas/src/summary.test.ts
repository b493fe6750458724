import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary, writeStepSummary } from './summary.js';

describe('renderSummary', () => {
  it('renders one row per function and the failure count', () => {
    // Act
    const text = renderSummary(
      [
        {
          name: 'scraper',
          outcome: 'updated',
          codeSha256: 'bbbbbbbbbbbbbbbbbbbb',
          previousSha256: 'aaaaaaaaaaaaaaaaaa',
          version: '3',
        },
        { name: 'retry_recheck', outcome: 'failed', codeSha256: 'cccccccccccccccc', message: 'a | b' },
      ],
      { account: '123456789012', region: 'us-east-1', dryRun: false },
    );

    // Assess
    expect(text).toBe(
      [
        '### sync-lambdas: account 123456789012, us-east-1',
        '',
        '| function | result | deployed sha256 | new sha256 | version | note |',
        '| --- | --- | --- | --- | --- | --- |',
        '| scraper | updated | aaaaaaaaaaaa | bbbbbbbbbbbb | 3 |  |',
        '| retry_recheck | FAILED |  | cccccccccccc |  | a \\| b |',
        '',
        '2 function(s), 1 failed',
        '',
      ].join('\n'),
    );
  });
});

describe('writeStepSummary', () => {
  it('appends to $GITHUB_STEP_SUMMARY and does nothing without it', async () => {
    // Prepare
    const path = join(await mkdtemp(join(tmpdir(), 'summary-')), 'summary.md');

    // Act
    await writeStepSummary('first', { GITHUB_STEP_SUMMARY: path });
    await writeStepSummary('second', { GITHUB_STEP_SUMMARY: path });
    await writeStepSummary('ignored', {});

    // Assess
    expect(await readFile(path, 'utf8')).toBe('first\nsecond\n');
  });
});
