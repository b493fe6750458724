import { describe, expect, it } from 'vitest';
import { summarizeIngest } from '../ingestFiles.js';
import { renderIngestExportSection } from './ingestExportSection.js';

const lake = {
  bucket: 'gapless-lake',
  prefix: 'lake/',
  partitionsWritten: 2,
  partitionsUnchanged: 1,
  bytesWritten: 3210,
  rows: 40,
  series: [
    {
      infoType: 'CURRENCY#USD',
      partitionsWritten: 2,
      partitionsUnchanged: 1,
      rows: 40,
      bytesWritten: 3210,
      keys: ['lake/series=CURRENCY%23USD/year=2024/part-0.parquet'],
    },
  ],
};

describe('renderIngestExportSection', () => {
  it('lists each file with its row counts, flags rejected rows, and escapes names and errors', () => {
    // Prepare
    const ingest = summarizeIngest([
      {
        file: '/tmp/a.csv',
        bucket: 'gapless-ingest',
        key: 'incoming/<b>a</b>.csv',
        status: 'refused',
        rowsRead: 7,
        rowsWritten: 0,
        rowsSkippedOk: 0,
        rowsRejected: 7,
        rowsOverwritten: 0,
        itemWrites: 0,
        rejectedKey: 'rejected/<b>a</b>.csv',
        error: 'header <script>x</script>',
      },
    ]);

    // Act
    const html = renderIngestExportSection({ ingest, lakeExport: lake });

    // Assess
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<b>');
    expect(html).toContain('<code>incoming/&lt;b&gt;a&lt;/b&gt;.csv</code>');
    expect(html).toContain('header &lt;script&gt;x&lt;/script&gt;');
    expect(html).toContain('<td class="flagged"><strong>refused</strong></td>');
    expect(html).toContain('<td class="number flagged">7</td>');
    expect(html).toMatch(
      /<th scope="row">CURRENCY#USD<\/th><td class="number">2<\/td><td class="number">1<\/td><td class="number">40<\/td><td class="number">3,210<\/td>/,
    );
  });

  it('says in words that a run had no file and no export', () => {
    // Act
    const html = renderIngestExportSection({ ingest: summarizeIngest([]) });

    // Assess
    expect(html).toContain('id="ingest-empty"');
    expect(html).toContain('id="lake-empty"');
  });

  it('shows a failed export as such', () => {
    // Act
    const html = renderIngestExportSection({ lakeExport: { ...lake, error: 'boom & <bust>' } });

    // Assess
    expect(html).toContain('The export failed: boom &amp; &lt;bust&gt;');
  });
});
