import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderSummary, writeStepSummary } from './summary.js';

describe('renderSummary', () => {
  it('shows per function the versions, the smoke result and where the alias pointed before and after', () => {
    // Act
    const text = renderSummary(
      [
        {
          name: 'scraper',
          outcome: 'updated',
          codeSha256: 'bbbbbbbbbbbbbbbbbbbb',
          previousSha256: 'aaaaaaaaaaaaaaaaaa',
          previousVersion: '3',
          newVersion: '4',
          smoke: 'passed',
          aliasAfter: '4',
        },
        {
          name: 'data_clustering',
          outcome: 'smoke-failed',
          codeSha256: 'dddddddddddddddd',
          previousSha256: 'cccccccccccccccc',
          previousVersion: '7',
          newVersion: '8',
          smoke: 'failed',
          aliasAfter: '7',
          message: 'version 8 failed | init',
        },
        { name: 'retry_recheck', outcome: 'failed', codeSha256: 'eeeeeeeeeeeeeeee', message: 'no function' },
      ],
      { account: '123456789012', region: 'us-east-1', alias: 'live', dryRun: false },
    );

    // Assess
    expect(text).toBe(
      [
        '### sync-lambdas: account 123456789012, us-east-1, alias live',
        '',
        '| function | result | previous version | new version | smoke | live: before → after | note |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| scraper | updated | 3 (aaaaaaaaaaaa) | 4 (bbbbbbbbbbbb) | passed | 3 → 4 |  |',
        '| data_clustering | SMOKE FAILED | 7 (cccccccccccc) | 8 (dddddddddddd) | failed | 7 → 7 | version 8 failed \\| init |',
        '| retry_recheck | FAILED | – | – (eeeeeeeeeeee) |  |  | no function |',
        '',
        '3 function(s): 1 updated, 1 smoke-failed, 1 failed',
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
